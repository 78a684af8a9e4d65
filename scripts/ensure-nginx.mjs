// The static mirror's tests serve it with nginx, as the README's configuration
// does in production. On a fresh Debian machine running the tests as root
// (CI), this installs it with apt; anywhere else it only says how, and those
// tests skip themselves.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const NGINX = "/usr/sbin/nginx";

function hasCommand(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function aptGet(...args) {
  execFileSync("apt-get", args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

if (existsSync(NGINX)) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (!isRoot || !hasCommand("apt-get")) {
  console.warn(
    `ensure-nginx: there is no nginx at ${NGINX}, so the tests that serve the static mirror with it will be skipped.\n` +
      "  To run them, install it (on Debian or Ubuntu: `sudo apt-get install nginx`) and run the tests again.",
  );
  process.exit(0);
}

console.log("ensure-nginx: installing nginx with apt-get for the static mirror's tests...");
try {
  aptGet("install", "-y", "nginx");
} catch {
  // A fresh machine's package lists may be missing or stale.
  aptGet("update");
  aptGet("install", "-y", "nginx");
}
if (!existsSync(NGINX)) {
  console.error(`ensure-nginx: apt-get finished, but there is still no ${NGINX}.`);
  process.exit(1);
}
