import type { Command } from "commander";
import { TOKEN_LIMITS } from "../../wire/limits.ts";
import { API } from "../../wire/routes.ts";
import { TOKEN_ACTIONS } from "../../wire/tokenActions.ts";
import { usageError } from "../cliError.ts";
import { type Context, requireSession } from "../context.ts";
import { JSON_OPTION, show, tell } from "../output.ts";
import { printTable } from "../table.ts";

/** Collects an option given several times. */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function tokenCommands(program: Command, context: () => Context): void {
  const token = program
    .command("token")
    .description("manage your API tokens: scoped, expiring credentials for CI and scripts");

  token
    .command("create")
    .description("make an API token, printed once; the registry keeps only its hash")
    .argument("<name>", 'what it is for, e.g. "release workflow"')
    .option(
      "--action <action>",
      `what it may do: ${TOKEN_ACTIONS.join(" or ")} (repeat for both; default: publish)`,
      collect,
    )
    .option(
      "--package <pattern>",
      "a package it may act on, author/project or author/* (repeat for more; at least one)",
      collect,
    )
    .option(
      "--expires-in-days <days>",
      `how long it works, 1 to ${TOKEN_LIMITS.maxDays} (default: ${TOKEN_LIMITS.defaultDays})`,
    )
    .option(
      "--cidr <range>",
      "an address range it may be used from, e.g. 203.0.113.0/24 (repeat for more)",
      collect,
    )
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
Needs a session (\`gren-registry login\`): an API token cannot make tokens. The
token never does more than you may do yourself at the moment it is used. Give it
to CI as GREN_REGISTRY_TOKEN. It is printed alone on standard output, so that
\`gren-registry token create ci --package acme/widgets > token.txt\` keeps only it.`,
    )
    .action(
      async (
        name: string,
        options: {
          action?: string[];
          package?: string[];
          expiresInDays?: string;
          cidr?: string[];
          json?: boolean;
        },
      ) => {
        if (!options.package || options.package.length === 0) {
          throw usageError(
            "give at least one --package, such as --package acme/widgets or --package 'acme/*'",
          );
        }
        let expiresInDays: number | undefined;
        if (options.expiresInDays !== undefined) {
          expiresInDays = /^[0-9]{1,4}$/.test(options.expiresInDays)
            ? Number(options.expiresInDays)
            : Number.NaN;
          if (!Number.isInteger(expiresInDays)) {
            throw usageError(
              `--expires-in-days must be a whole number of days, not "${options.expiresInDays}"`,
            );
          }
        }
        const { client } = context();
        const created = await client.call(API.createToken, {
          token: requireSession(client).sessionToken,
          body: {
            name,
            actions: options.action ?? ["publish"],
            packages: options.package,
            ...(expiresInDays === undefined ? {} : { expiresInDays }),
            ...(options.cidr ? { cidrs: options.cidr } : {}),
          },
        });
        show(options.json, created, () => {
          tell(
            `Made the API token ${created.name} (${created.id}): it may ${created.actions.join(" and ")} ${created.packages.join(", ")} until ${created.expiresAt}. Copy it now; it is not shown again.`,
          );
          console.log(created.token);
        });
      },
    );

  token
    .command("list")
    .description("list your API tokens: their scopes, when made, last used and expiring")
    .option(...JSON_OPTION)
    .action(async (options: { json?: boolean }) => {
      const { client } = context();
      const list = await client.call(API.tokens, {
        token: requireSession(client).sessionToken,
      });
      show(options.json, list, () => {
        if (list.tokens.length === 0) {
          console.log("You have no API tokens.");
          return;
        }
        printTable(
          ["ID", "NAME", "MAY", "PACKAGES", "CREATED", "LAST USED", "EXPIRES"],
          list.tokens.map((t) => [
            t.id,
            t.name,
            t.actions.join(","),
            t.packages.join(" ") + (t.cidrs.length > 0 ? ` (from ${t.cidrs.join(" ")})` : ""),
            t.createdAt.slice(0, 10),
            t.lastUsedAt?.slice(0, 16).replace("T", " ") ?? "never",
            t.expiresAt.slice(0, 10),
          ]),
        );
      });
    });

  token
    .command("revoke")
    .description("revoke one of your API tokens: it stops working at once")
    .argument("<id>", "the token's id, as `token list` shows it")
    .action(async (id: string) => {
      const { client } = context();
      await client.call(API.revokeToken, {
        params: { id },
        token: requireSession(client).sessionToken,
      });
      console.log(`Revoked the API token ${id}.`);
    });
}
