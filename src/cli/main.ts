import { Command, CommanderError } from "commander";
import { CliError, EXIT, usageError } from "./cliError.ts";
import { DEFAULT_REGISTRY, RegistryClient } from "./client.ts";
import { changeCommands } from "./commands/changes.ts";
import { feedCommands } from "./commands/feed.ts";
import { identityCommands } from "./commands/identity.ts";
import { importCommands } from "./commands/import.ts";
import { installCommands } from "./commands/install.ts";
import { logCommands } from "./commands/log.ts";
import { packageCommands } from "./commands/packages.ts";
import { revokeCommands } from "./commands/revoke.ts";
import { sessionCommands } from "./commands/session.ts";
import { tokenCommands } from "./commands/token.ts";
import type { Context } from "./context.ts";
import { closePrompt } from "./prompt.ts";
import { registryLog } from "./registryLog.ts";
import { LogWitness } from "./transparencyLog.ts";

const program = new Command("gren-registry")
  .description(
    "Use the Gren package registry: log in, manage publishing identities, publish packages.",
  )
  .option(
    "--registry <url>",
    "the registry's URL (default: $GREN_REGISTRY_URL, or http://localhost:3000)",
  )
  .option(
    "--log-key <key>",
    "the registry's transparency log key, name+hash+key (default: $GREN_REGISTRY_LOG_KEY, or the one pinned on first use)",
  )
  // The build writes the package's version in here.
  .version(process.env.GREN_REGISTRY_CLI_VERSION ?? "development")
  .showHelpAfterError("(add --help for usage)")
  .exitOverride();

const context = (): Context => {
  const options = program.opts<{ registry?: string; logKey?: string }>();
  const registry = options.registry ?? process.env.GREN_REGISTRY_URL ?? DEFAULT_REGISTRY;
  try {
    const url = new URL(registry);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
  } catch {
    throw usageError(`"${registry}" is not an http or https URL for --registry`);
  }
  const client = new RegistryClient(registry);
  return {
    client,
    logKey: options.logKey,
    witness: new LogWitness(client.url, registryLog(client), options.logKey),
  };
};

sessionCommands(program, context);
identityCommands(program, context);
packageCommands(program, context);
changeCommands(program, context);
installCommands(program, context);
importCommands(program, context);
revokeCommands(program, context);
tokenCommands(program, context);
feedCommands(program, context);
logCommands(program, context);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its own "error: ..." line (or the help) already.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof CliError) {
    console.error(`error: ${error.message}`);
    for (const detail of error.details) console.error(`  - ${detail}`);
    process.exitCode = error.exitCode;
  } else {
    console.error(`error: ${(error as Error).message ?? String(error)}`);
    process.exitCode = EXIT.failed;
  }
} finally {
  closePrompt();
}
