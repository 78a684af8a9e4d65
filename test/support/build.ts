import { execFileSync } from "node:child_process";

/** Tests run the CLI as users get it: bundled into one file. */
export default function build(): void {
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
}
