import type { Command } from "commander";
import { ROLES } from "../../wire/roles.ts";
import { API } from "../../wire/routes.ts";
import { emailArgument, identityArgument } from "../arguments.ts";
import { usageError } from "../cliError.ts";
import { type Context, requireSession } from "../context.ts";
import { JSON_OPTION, show } from "../output.ts";
import { printTable } from "../table.ts";

export function identityCommands(program: Command, context: () => Context): void {
  const identity = program
    .command("identity")
    .description("manage publishing identities (the authors of packages) and their members");

  identity
    .command("create")
    .description("create a publishing identity, with you as its first admin")
    .argument("<name>", "letters, digits and single dashes, e.g. gren-lang")
    .option(...JSON_OPTION)
    .action(async (name: string, options: { json?: boolean }) => {
      identityArgument(name);
      const { client } = context();
      const created = await client.call(API.createIdentity, {
        token: requireSession(client).sessionToken,
        body: { name },
      });
      show(options.json, created, () =>
        console.log(`Created publishing identity ${created.name}; you are its ${created.role}.`),
      );
    });

  identity
    .command("show")
    .description("show an identity's packages, and its members if you are one")
    .argument("<name>", "the identity")
    .option(...JSON_OPTION)
    .action(async (name: string, options: { json?: boolean }) => {
      identityArgument(name);
      const { client } = context();
      const view = await client.call(API.identity, {
        params: { name },
        token: requireSession(client, { optional: true })?.sessionToken,
      });
      show(options.json, view, () => {
        console.log(view.name);
        console.log("");
        if (view.packages.length === 0) console.log("No packages yet.");
        else
          printTable(
            ["PACKAGE"],
            view.packages.map((p) => [p]),
          );
        if (view.members) {
          console.log("");
          printTable(
            ["MEMBER", "ROLE"],
            view.members.map((m) => [m.email, m.role]),
          );
        }
      });
    });

  identity
    .command("add")
    .description("add a member to an identity, or change a member's role (admins only)")
    .argument("<name>", "the identity")
    .argument("<email>", "the member's email address (they need not have logged in yet)")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
Roles, each including the ones before it:
  download  may download the identity's private packages
  publish   may publish and revoke versions
  admin     may manage members and revoke whole packages`,
    )
    .action(async (name: string, email: string, options: { role: string; json?: boolean }) => {
      identityArgument(name);
      emailArgument(email);
      if (!(ROLES as readonly string[]).includes(options.role)) {
        throw usageError(`"${options.role}" is not a role; use ${ROLES.join(", ")}`);
      }
      const { client } = context();
      const member = await client.call(API.setMember, {
        params: { name, email },
        token: requireSession(client).sessionToken,
        body: { role: options.role },
      });
      show(options.json, member, () =>
        console.log(`${member.email} is now ${member.role} in ${name}.`),
      );
    });

  identity
    .command("remove")
    .description("remove a member from an identity (admins, or members removing themselves)")
    .argument("<name>", "the identity")
    .argument("<email>", "the member's email address")
    .action(async (name: string, email: string) => {
      identityArgument(name);
      emailArgument(email);
      const { client } = context();
      await client.call(API.removeMember, {
        params: { name, email },
        token: requireSession(client).sessionToken,
      });
      console.log(`${email} is no longer a member of ${name}.`);
    });
}
