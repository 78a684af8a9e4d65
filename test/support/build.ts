import { execFileSync } from "node:child_process";

/** Tests run the built server and CLI as child processes, so they are built first. */
export default function build(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
