// npm scripts put node_modules/.bin first on PATH, so this runs on the Node
// that the project's own install brought. When install scripts were skipped
// that Node is missing and everything would fail later in confusing ways.
try {
  await import("node:sqlite");
} catch {
  console.error(
    `This project needs Node.js 24.15 or newer (for node:sqlite); found ${process.version}.\n` +
      "Run `npm ci` (with install scripts enabled) so the project's own Node.js is installed, " +
      "then use the npm scripts (`npm start`, `npm test`).",
  );
  process.exit(1);
}
