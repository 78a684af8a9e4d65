import type { Command } from "commander";
import { FETCH_TOKEN_MINUTES } from "../../wire/limits.ts";
import { API } from "../../wire/routes.ts";
import { emailArgument } from "../arguments.ts";
import { CliError, EXIT, usageError } from "../cliError.ts";
import { type RegistryClient, RegistryError } from "../client.ts";
import { type Context, commandLine, requireSession } from "../context.ts";
import {
  credentialsPath,
  forgetSession,
  pendingLoginFor,
  savePendingLogin,
  saveSession,
  sessionFor,
  TOKEN_VARIABLE,
} from "../credentials.ts";
import { JSON_OPTION, show, tell } from "../output.ts";
import { ask, closePrompt } from "../prompt.ts";
import { printTable } from "../table.ts";

/**
 * Waits for the login to be confirmed by the mailed link: the registry holds
 * each request a while and says when to ask again. Never settles once stopped.
 */
function waitForLink(
  client: RegistryClient,
  fetchSessionToken: string,
): { session: Promise<string>; stop: () => void } {
  const controller = new AbortController();
  const session = (async () => {
    for (;;) {
      const answer = await client.call(API.finishLogin, {
        body: { fetchSessionToken },
        signal: controller.signal,
      });
      if ("sessionToken" in answer) return answer.sessionToken;
    }
  })();
  // Stopped or failed, the link no longer decides: the code typed does.
  const never = new Promise<string>(() => {});
  return {
    session: session.catch(() => never),
    stop: () => controller.abort(),
  };
}

export function sessionCommands(program: Command, context: () => Context): void {
  program
    .command("login")
    .description("log in by a code sent to your email address (no password)")
    .argument("[email]", "your email address (asked for when left out)")
    .option("--email <email>", "your email address")
    .option(
      "--code <code>",
      "the confirmation code from the mail (finishes a login already started)",
    )
    .addHelpText(
      "after",
      `
The registry mails a link and a confirmation code: open the link and confirm, or
type the code when asked. Scripts can pipe the code in, or run \`login EMAIL\` and
later \`login --code CODE\` with the same --registry; without a terminal, login
prints that command, ready to run. The session token is
kept in ${credentialsPath()}, readable only by you. In CI, give an API token
(\`gren-registry token create\`) in ${TOKEN_VARIABLE} instead of logging in, or
publish from GitHub Actions as a trusted publisher, with no token at all.`,
    )
    .action(async (emailGiven: string | undefined, options: { email?: string; code?: string }) => {
      const { client } = context();
      const registry = client.url;
      let email = options.email ?? emailGiven;
      let pending = options.code ? pendingLoginFor(registry, Date.now()) : undefined;
      if (options.code && (!pending || (email && email.trim().toLowerCase() !== pending.email))) {
        throw usageError(
          `no login is waiting for a code${email ? ` for ${email}` : ""}; run \`${commandLine(client, `login${email ? ` ${email}` : ""}`)}\` first`,
        );
      }
      if (!pending) {
        email ??= await ask("Email address: ");
        if (!email) throw usageError("an email address is needed to log in");
        const address = emailArgument(email);
        const started = Date.now();
        const { fetchSessionToken } = await client.call(API.startLogin, {
          body: { email: address },
        });
        pending = {
          email: address,
          fetchSessionToken,
          expiresAt: started + FETCH_TOKEN_MINUTES * 60_000,
        };
        savePendingLogin(registry, pending);
        tell(`A link and a code were sent to ${pending.email}.`);
      }
      let code = options.code;
      if (code === undefined) {
        // Whichever comes first: the code typed here, or the link in the mail confirmed.
        const linked = waitForLink(client, pending.fetchSessionToken);
        const answer = await Promise.race([
          linked.session.then((sessionToken) => ({ sessionToken })),
          ask("Open the link in the mail, or type the code from it: ").then((typed) => ({
            typed,
          })),
        ]);
        linked.stop();
        if ("sessionToken" in answer) {
          closePrompt();
          saveSession(registry, { email: pending.email, sessionToken: answer.sessionToken });
          console.log(`Logged in to ${registry} as ${pending.email}.`);
          return;
        }
        code = answer.typed;
      }
      if (!code) {
        tell(`When the mail arrives, finish with: ${commandLine(client, "login --code CODE")}`);
        return;
      }
      const answer = await client
        .call(API.finishLogin, {
          body: { fetchSessionToken: pending.fetchSessionToken, emailConfirmationCode: code },
        })
        .catch((error: unknown) => {
          if (error instanceof RegistryError && error.status === 400) {
            throw new CliError(
              `${error.message} (try \`${commandLine(client, "login --code CODE")}\` again, or start over)`,
              EXIT.denied,
            );
          }
          throw error;
        });
      // With a code the registry answers at once: never "waiting".
      if (!("sessionToken" in answer)) throw new CliError(answer.message, EXIT.failed);
      saveSession(registry, { email: pending.email, sessionToken: answer.sessionToken });
      console.log(`Logged in to ${registry} as ${pending.email}.`);
    });

  program
    .command("logout")
    .description("end your session on the registry and forget its token")
    .option("--all", "end every session of yours, on every machine, not only this one")
    .action(async (options: { all?: boolean }) => {
      const { client } = context();
      const session = sessionFor(client.url);
      if (!session) {
        console.log(`You are not logged in to ${client.url}.`);
        return;
      }
      const token = session.sessionToken;
      try {
        if (options.all) {
          const { sessions } = await client.call(API.sessions, { token });
          // The current session last, so the others can still be ended with it.
          for (const other of [...sessions].sort((a, b) => Number(a.current) - Number(b.current))) {
            await client.call(API.endSession, {
              params: { id: other.id },
              token,
            });
          }
        } else {
          await client.call(API.logout, { token });
        }
      } catch (error) {
        // A token the registry no longer knows is as good as logged out.
        if (!(error instanceof RegistryError && error.status === 401)) throw error;
      }
      forgetSession(client.url);
      console.log(
        options.all
          ? `Ended every session of yours on ${client.url}.`
          : `Logged out of ${client.url}.`,
      );
    });

  program
    .command("whoami")
    .description("show who you are logged in as, and your publishing identities")
    .option(...JSON_OPTION)
    .action(async (options: { json?: boolean }) => {
      const { client } = context();
      const user = await client.call(API.user, {
        token: requireSession(client).sessionToken,
      });
      show(options.json, user, () => {
        console.log(`${user.email} on ${client.url}`);
        if (user.identities.length > 0) {
          console.log("");
          printTable(
            ["IDENTITY", "ROLE"],
            user.identities.map((i) => [i.name, i.role]),
          );
        }
      });
    });

  program
    .command("sessions")
    .description("list your sessions: when each began, was last used and ends")
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
A session ends when unused for a while, and after a longest lifetime in any case.
End one with \`gren-registry logout\` on its machine, or every one with \`logout --all\`.`,
    )
    .action(async (options: { json?: boolean }) => {
      const { client } = context();
      const list = await client.call(API.sessions, {
        token: requireSession(client).sessionToken,
      });
      show(options.json, list, () =>
        printTable(
          ["SESSION", "STARTED", "LAST USED", "ENDS", ""],
          list.sessions.map((s) => [
            s.id,
            s.createdAt.slice(0, 16).replace("T", " "),
            s.lastUsedAt.slice(0, 16).replace("T", " "),
            s.expiresAt.slice(0, 10),
            s.current ? "(this one)" : "",
          ]),
        ),
      );
    });
}
