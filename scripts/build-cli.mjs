import { readFileSync } from "node:fs";
import { build } from "esbuild";

// The command-line client, as one file with everything it needs inside, for
// the `gren-registry` package in cli/: it installs with no dependencies of its
// own and runs on the user's Node.js, 20 or newer. (The server needs no build:
// Node.js 24 runs its TypeScript sources as they are.)

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "cli/dist/gren-registry.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  define: {
    "process.env.GREN_REGISTRY_CLI_VERSION": JSON.stringify(
      JSON.parse(readFileSync("cli/package.json", "utf8")).version,
    ),
  },
  // ws loads these native helpers when they happen to be installed, and works without.
  external: ["bufferutil", "utf-8-validate"],
  banner: {
    // Bundled CommonJS (commander, ws) calls require(); an ES module has none of its own.
    js: '#!/usr/bin/env node\nimport { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
});
