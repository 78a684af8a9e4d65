import type { Command } from "commander";
import { formatVersion } from "../../gren/semver.ts";
import { API } from "../../wire/routes.ts";
import { packageArgument, versionArgument } from "../arguments.ts";
import { CliError, usageError } from "../cliError.ts";
import { type Context, requireSession } from "../context.ts";
import { JSON_OPTION, show } from "../output.ts";
import { ask } from "../prompt.ts";
import { packageParams, versionParams } from "./packages.ts";

export function revokeCommands(program: Command, context: () => Context): void {
  program
    .command("revoke")
    .description("revoke a version, or with --all every version of a package")
    .usage("<package> [version] --reason <text> [options]")
    .argument("<package>", "author/project")
    .argument("[version]", "the version to revoke")
    .requiredOption(
      "--reason <text>",
      "why, always required: users see it when their dependency disappears",
    )
    .option("--all", "revoke every version of the package (admins only)")
    .option("-y, --yes", "do not ask for confirmation")
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
A revoked version keeps its number, which can never be published again, and its
metadata; its bundle is deleted and downloads answer 410 with your reason.
Revoking a version needs the publish role; revoking a package needs admin.

A revocation is final, reason and all: revoking a version revoked already
changes nothing, says when and why it was revoked, and exits 5. --all revokes
the versions not revoked yet, which keep their own reasons, and exits 5 when
there are none.`,
    )
    .action(
      async (
        name: string,
        versionText: string | undefined,
        options: { reason: string; all?: boolean; yes?: boolean; json?: boolean },
      ) => {
        const pkg = packageArgument(name);
        if (options.all === (versionText !== undefined)) {
          throw usageError("give either a version or --all, not both and not neither");
        }
        const version = versionText === undefined ? undefined : versionArgument(versionText);
        const { client } = context();
        const token = requireSession(client).sessionToken;
        const what =
          version === undefined ? `every version of ${name}` : `${name} ${formatVersion(version)}`;
        if (!options.yes) {
          if (!process.stdin.isTTY)
            throw usageError("revoking cannot be undone; add --yes to confirm it");
          const answer = await ask(
            `Revoke ${what}? This cannot be undone. Type "yes" to confirm: `,
          );
          if (answer !== "yes") throw new CliError("nothing was revoked");
        }
        const body = { reason: options.reason };
        if (version === undefined) {
          const params = packageParams(pkg);
          const before = await client.call(API.package, { params, token });
          const revokedBefore = new Set(
            before.versions.filter((v) => v.revoked).map((v) => v.version),
          );
          const revoked = await client.call(API.revokePackage, { params, token, body });
          show(options.json, revoked, () => {
            const now = revoked.versions.filter((v) => !revokedBefore.has(v.version));
            const earlier = revoked.versions.filter((v) => revokedBefore.has(v.version));
            console.log(
              `Revoked ${revoked.name}: ${now.map((v) => v.version).join(", ")}.${earlier.length === 0 ? "" : ` (Revoked before, with their own reasons: ${earlier.map((v) => v.version).join(", ")}.)`}`,
            );
          });
        } else {
          const revoked = await client.call(API.revokeVersion, {
            params: versionParams(pkg, formatVersion(version)),
            token,
            body,
          });
          const revocation = revoked.revoked;
          show(options.json, revoked, () =>
            console.log(
              `Revoked ${revoked.name} ${revoked.version}${revocation ? ` at ${revocation.at}: ${revocation.reason}` : ""}`,
            ),
          );
        }
      },
    );
}
