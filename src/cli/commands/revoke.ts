import type { Command } from "commander";
import type { PackageView, VersionView } from "../../wire/packages.ts";
import { packageArgument } from "../arguments.ts";
import { CliError, usageError } from "../cliError.ts";
import { type Context, requireSession } from "../context.ts";
import { JSON_OPTION, show } from "../output.ts";
import { ask } from "../prompt.ts";

export function revokeCommands(program: Command, context: () => Context): void {
  program
    .command("revoke")
    .description("revoke a version, or with --all every version of a package")
    .argument("<package>", "author/project")
    .argument("[version]", "the version to revoke")
    .requiredOption("--reason <text>", "why: users see it when their dependency disappears")
    .option("--all", "revoke every version of the package (admins only)")
    .option("-y, --yes", "do not ask for confirmation")
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
A revoked version keeps its number, which can never be published again, and its
metadata; its bundle is deleted and downloads answer 410 with your reason.
Revoking a version needs the publish role; revoking a package needs admin.`,
    )
    .action(
      async (
        name: string,
        version: string | undefined,
        options: { reason: string; all?: boolean; yes?: boolean; json?: boolean },
      ) => {
        const pkg = packageArgument(name);
        if (options.all === (version !== undefined)) {
          throw usageError("give either a version or --all, not both and not neither");
        }
        const { client } = context();
        const session = requireSession(client);
        const what = version === undefined ? `every version of ${name}` : `${name} ${version}`;
        if (!options.yes) {
          if (!process.stdin.isTTY)
            throw usageError("revoking cannot be undone; add --yes to confirm it");
          const answer = await ask(
            `Revoke ${what}? This cannot be undone. Type "yes" to confirm: `,
          );
          if (answer !== "yes") throw new CliError("nothing was revoked");
        }
        const path = `/packages/${encodeURIComponent(pkg.author)}/${encodeURIComponent(pkg.project)}`;
        if (version === undefined) {
          const revoked = await client.json<PackageView>("DELETE", path, {
            token: session.sessionToken,
            json: { reason: options.reason },
          });
          show(options.json, revoked, () =>
            console.log(
              `Revoked ${name}: ${revoked.versions.map((v) => v.version).join(", ") || "no versions"}.`,
            ),
          );
        } else {
          const revoked = await client.json<VersionView>(
            "DELETE",
            `${path}/${encodeURIComponent(version)}`,
            {
              token: session.sessionToken,
              json: { reason: options.reason },
            },
          );
          const revocation = revoked.revoked;
          show(options.json, revoked, () =>
            console.log(
              `Revoked ${name} ${version}${revocation ? ` at ${revocation.at}: ${revocation.reason}` : ""}`,
            ),
          );
        }
      },
    );
}
