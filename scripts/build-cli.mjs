import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
};

await Promise.all([
  build({
    ...common,
    entryPoints: ["src/host/main.ts"],
    outfile: "dist/server.js",
    target: "node24",
  }),
  // The CLI runs on the user's own Node.js, which may be older than the server's
  // and unable to import JSON, so data it needs (the SPDX license list, to check
  // an outline before publishing) is bundled in; only its packages stay outside.
  build({
    ...common,
    packages: undefined,
    external: ["commander", "ws"],
    entryPoints: ["src/cli/main.ts"],
    outfile: "dist/cli.js",
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
  }),
]);
