import type { Command } from "commander";
import {
  FETCH_TOKEN_MINUTES,
  type LoginStarted,
  type SessionCreated,
  type UserView,
} from "../../wire/session.ts";
import { RegistryError } from "../client.ts";
import { type Context, requireSession } from "../context.ts";
import {
  credentialsPath,
  forgetSession,
  pendingLoginFor,
  savePendingLogin,
  saveSession,
  sessionFor,
} from "../credentials.ts";
import { CliFailure } from "../failure.ts";
import { ask } from "../prompt.ts";
import { printTable } from "../table.ts";

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
The registry mails a confirmation code; type it when asked. Scripts can pipe the
code in, or run \`login EMAIL\` and later \`login --code CODE\`. The session token is
kept in ${credentialsPath()}, readable only by you.`,
    )
    .action(
      async (emailArgument: string | undefined, options: { email?: string; code?: string }) => {
        const { client } = context();
        const registry = client.url;
        let email = options.email ?? emailArgument;
        let pending = options.code ? pendingLoginFor(registry, Date.now()) : undefined;
        if (options.code && (!pending || (email && email.trim().toLowerCase() !== pending.email))) {
          throw new CliFailure(
            `no login is waiting for a code${email ? ` for ${email}` : ""}; run \`gren-registry login${email ? ` ${email}` : ""}\` first`,
          );
        }
        if (!pending) {
          email ??= await ask("Email address: ");
          if (!email) throw new CliFailure("an email address is needed to log in");
          const started = Date.now();
          const { fetchSessionToken } = await client.json<LoginStarted>("POST", "/session", {
            json: { email },
          });
          pending = {
            email: email.trim().toLowerCase(),
            fetchSessionToken,
            expiresAt: started + FETCH_TOKEN_MINUTES * 60_000,
          };
          savePendingLogin(registry, pending);
          process.stderr.write(`A confirmation code was sent to ${pending.email}.\n`);
        }
        const code = options.code ?? (await ask("Confirmation code: "));
        if (!code) {
          console.log(`When the mail arrives, finish with: gren-registry login --code CODE`);
          return;
        }
        const { sessionToken } = await client
          .json<SessionCreated>("POST", "/session/fetch", {
            json: { fetchSessionToken: pending.fetchSessionToken, emailConfirmationCode: code },
          })
          .catch((error: unknown) => {
            if (error instanceof RegistryError && error.status === 400) {
              throw new CliFailure(
                `${error.message} (try \`gren-registry login --code CODE\` again, or start over)`,
              );
            }
            throw error;
          });
        saveSession(registry, { email: pending.email, sessionToken });
        console.log(`Logged in to ${registry} as ${pending.email}.`);
      },
    );

  program
    .command("logout")
    .description("end your session on the registry and forget its token")
    .action(async () => {
      const { client } = context();
      const session = sessionFor(client.url);
      if (!session) {
        console.log(`You are not logged in to ${client.url}.`);
        return;
      }
      try {
        await client.send("DELETE", "/session", { token: session.sessionToken });
      } catch (error) {
        // A token the registry no longer knows is as good as logged out.
        if (!(error instanceof RegistryError && error.status === 401)) throw error;
      }
      forgetSession(client.url);
      console.log(`Logged out of ${client.url}.`);
    });

  program
    .command("whoami")
    .description("show who you are logged in as, and your publishing identities")
    .action(async () => {
      const { client } = context();
      const user = await client.json<UserView>("GET", "/user", {
        token: requireSession(client).sessionToken,
      });
      console.log(`${user.email} on ${client.url}`);
      if (user.identities.length > 0) {
        console.log("");
        printTable(
          ["IDENTITY", "ROLE"],
          user.identities.map((i) => [i.name, i.role]),
        );
      }
    });
}
