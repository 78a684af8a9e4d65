// The package site's browser tests drive the machine's Chromium. On a fresh
// Debian machine running the tests as root (CI), this installs it with apt;
// anywhere else it only says how, and the browser tests skip themselves.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";

function hasCommand(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function aptGet(...args) {
  execFileSync("apt-get", args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (!isRoot || !hasCommand("apt-get")) {
  console.warn(
    `ensure-chromium: there is no Chromium at ${CHROMIUM}, so the package site's browser tests will be skipped.\n` +
      "  To run them, install it (on Debian or Ubuntu: `sudo apt-get install chromium`) and run the tests again.",
  );
  process.exit(0);
}

console.log(`ensure-chromium: installing Chromium with apt-get for the browser tests...`);
try {
  aptGet("install", "-y", "chromium");
} catch {
  // A fresh machine's package lists may be missing or stale.
  aptGet("update");
  aptGet("install", "-y", "chromium");
}
if (!existsSync(CHROMIUM)) {
  console.error(`ensure-chromium: apt-get finished, but there is still no ${CHROMIUM}.`);
  process.exit(1);
}
