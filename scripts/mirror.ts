import { existsSync } from "node:fs";
import { mirrorBacklog } from "../src/core/mirror.ts";
import { checkMirror, type MirrorDifference, rebuildMirror } from "../src/core/mirrorCheck.ts";
import { systemClock } from "../src/host/clock.ts";
import { loadConfig } from "../src/host/config.ts";
import { openDatabase } from "../src/host/database.ts";
import { mirrorAt } from "../src/host/mirror/index.ts";

// `npm run mirror -- --check | --rebuild`: compares the static mirror named by
// REGISTRY_MIRROR with the database at REGISTRY_DB_PATH, or writes it whole
// from the database. Both may run beside a running server.

const USAGE = `usage: npm run mirror -- --check | --rebuild

  --check    compare the mirror with the database, file by file, and list every
             difference; exits 1 when there is one
  --rebuild  write every file of the mirror from the database, delete the files
             it must not hold, then write mirror.json; exits 1 when a file
             could not be written

Both read the server's variables: REGISTRY_DB_PATH, REGISTRY_MIRROR and its
REGISTRY_MIRROR_S3_* settings.`;

function fail(message: string, code = 1): never {
  console.error(`mirror: ${message}`);
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const known = ["--check", "--rebuild"];
const unknown = args.find((arg) => !known.includes(arg));
if (unknown !== undefined) fail(`unknown argument ${unknown}\n${USAGE}`, 2);
if (args.length !== 1) fail(USAGE, 2);
const [command] = args;

const config = loadConfig(process.env);
if (!config.ok) {
  for (const problem of config.error) console.error(`Configuration error: ${problem}`);
  process.exit(2);
}
const { dbPath, mirror: mirrorConfig } = config.value;
if (mirrorConfig === undefined) {
  fail("REGISTRY_MIRROR is not set, so there is no mirror to work on.", 2);
}

// A mistyped path would open a new, empty database, by which a rebuild would delete the whole mirror.
if (!existsSync(dbPath)) fail(`There is no database at ${dbPath}; set REGISTRY_DB_PATH.`, 2);

let db: ReturnType<typeof openDatabase>;
try {
  db = openDatabase(dbPath);
} catch (error) {
  fail(`Cannot open the database at ${dbPath}: ${(error as Error).message}`);
}
const mirror = mirrorAt(mirrorConfig);
const ports = { db, clock: systemClock };

const describe: Record<MirrorDifference["kind"], string> = {
  missing: "missing   ",
  different: "different ",
  unexpected: "unexpected",
  unreadable: "unreadable",
};

async function check(): Promise<number> {
  console.log(`Comparing ${mirror.location} with the database at ${dbPath}`);
  const checked = await checkMirror(ports, mirror);
  if (!checked.ok) fail(checked.error);
  const { differences, files } = checked.value;
  for (const difference of differences) {
    const detail =
      difference.kind === "different" && difference.detail !== undefined
        ? `: ${difference.detail}`
        : difference.kind === "unreadable"
          ? `: ${difference.reason}`
          : "";
    console.log(`${describe[difference.kind]}  ${difference.path}${detail}`);
  }
  if (differences.length === 0) {
    console.log(`The mirror holds exactly what the database says: ${files} files.`);
    return 0;
  }
  console.log(
    `${differences.length} ${differences.length === 1 ? "difference" : "differences"} from the ${files} files the database says the mirror holds.`,
  );
  const backlog = mirrorBacklog(db);
  if (backlog.files > 0) {
    console.log(
      `The registry still has ${backlog.files} files to write to the mirror${backlog.failing > 0 ? `, ${backlog.failing} of them failing (last: ${backlog.lastError})` : ""}: some differences may be those.`,
    );
  }
  console.log("`npm run mirror -- --rebuild` writes the mirror whole from the database.");
  return 1;
}

async function rebuild(): Promise<number> {
  console.log(`Writing ${mirror.location} from the database at ${dbPath}`);
  const rebuilt = await rebuildMirror(ports, mirror);
  if (!rebuilt.ok) fail(rebuilt.error);
  const { written, deleted, failures } = rebuilt.value;
  for (const path of deleted) console.log(`deleted   ${path}`);
  for (const failure of failures) console.log(`failed    ${failure.path}: ${failure.reason}`);
  console.log(`Wrote ${written} files, deleted ${deleted.length}.`);
  if (failures.length === 0) return 0;
  console.log(
    `${failures.length} files could not be written, so mirror.json was left as it was; run the rebuild again.`,
  );
  return 1;
}

let code: number;
try {
  code = command === "--check" ? await check() : await rebuild();
} finally {
  await mirror.close();
  db.close();
}
process.exit(code);
