import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The floors of the code, and what each may see: a newcomer can trust that
// the core does no I/O, that only stores hold SQL, and that the CLI is a
// client of the wire contract, not of the server's insides.

const SRC = resolve(import.meta.dirname, "../src");

/** Which parts of src/ each part may import, and which packages. */
const ALLOWED: Record<string, { parts: string[]; packages: RegExp }> = {
  result: { parts: [], packages: /^$/ },
  gren: { parts: ["gren", "result"], packages: /^$/ },
  // The transparency log's formats and proofs, which the server and the CLI
  // must compute alike: hashing and signatures are computation, not I/O.
  log: { parts: ["log", "result"], packages: /^node:crypto$/ },
  wire: { parts: ["wire"], packages: /^typebox$/ },
  ports: { parts: ["ports", "gren", "result"], packages: /^$/ },
  core: { parts: ["core", "gren", "log", "wire", "ports", "result"], packages: /^$/ },
  cli: { parts: ["cli", "gren", "log", "wire", "result"], packages: /^(node:|commander$|ws$)/ },
  host: { parts: ["host", "core", "gren", "log", "wire", "ports", "result"], packages: /./ },
};

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The part of src/ a file belongs to: its first folder, or its own name at the top. */
const partOf = (file: string): string => relative(SRC, file).split("/")[0]!.replace(/\.ts$/, "");

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]!);
}

describe("the layers of src/", () => {
  const files = sourceFiles(SRC);

  it("import only the parts and packages their floor may see", () => {
    const wrong: string[] = [];
    for (const file of files) {
      const part = partOf(file);
      const allowed = ALLOWED[part];
      if (!allowed) {
        wrong.push(`${relative(SRC, file)} is in no known part`);
        continue;
      }
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(".")) {
          const target = partOf(resolve(dirname(file), specifier));
          if (target !== part && !allowed.parts.includes(target)) {
            wrong.push(`${relative(SRC, file)} imports ${specifier} (${part} -> ${target})`);
          }
        } else if (!allowed.packages.test(specifier)) {
          wrong.push(`${relative(SRC, file)} imports the package ${specifier}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keep SQL in the core's stores and nowhere else in the core", () => {
    const sql = /\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s)/;
    const holders = files
      .filter((file) => partOf(file) === "core" && !relative(SRC, file).startsWith("core/stores/"))
      .filter((file) => sql.test(readFileSync(file, "utf8")))
      .map((file) => relative(SRC, file));
    expect(holders).toEqual([]);
  });

  it("reach the work whose cost a request decides only from worker threads, or inline for tools and tests", () => {
    // Reading and documenting a bundle, comparing two APIs, resolving dependencies and searching
    // the catalogue cost what the request and the catalogue make them cost:
    // the host runs them in its pools of workers, each task with a time limit,
    // never on the thread that answers requests.
    const costly =
      /\b(readBundle|unpackStoredBundle|readUpload|documentStored|makeVersionDocs|compareApis|compareStored|diffApi|solveOnCatalogue|searchCatalogue)\b/;
    const callers = files
      .filter((file) => partOf(file) === "host")
      .filter((file) =>
        [
          ...readFileSync(file, "utf8").matchAll(/^import\s+(?!type\b)([^;]*?)from\s+"[^"]+"/gms),
        ].some((match) => costly.test(match[1]!)),
      )
      .map((file) => relative(SRC, file))
      .sort();
    expect(callers).toEqual([
      "host/bundleReading/inline.ts",
      "host/bundleReading/reading.ts",
      "host/bundleReading/worker.ts",
      "host/catalogueReading/inline.ts",
      "host/catalogueReading/worker.ts",
    ]);
  });

  it("let the core see the wire's shapes only as types, never TypeBox's values", () => {
    const loadsTypeBox = (file: string) => importsOf(file).includes("typebox");
    const wrong: string[] = [];
    for (const file of files.filter((file) => partOf(file) === "core")) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^import(\s+type)?[^;]*?from\s+"([^"]+)"/gms)) {
        const target = resolve(dirname(file), m[2]!);
        if (m[1] || partOf(target) !== "wire" || !loadsTypeBox(target)) continue;
        wrong.push(`${relative(SRC, file)} imports values from ${relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("leave every path of the API to the route table: the CLI spells none", () => {
    const spelled = files
      .filter((file) => partOf(file) === "cli")
      .flatMap((file) =>
        [
          ...readFileSync(file, "utf8").matchAll(
            /["'`]\/(packages|session|user|publishing-identity|resolve|feed|health|tokens|log)\b/g,
          ),
        ].map((m) => `${relative(SRC, file)}: ${m[0]}`),
      );
    expect(spelled).toEqual([]);
  });

  it("have no import circles", () => {
    const graph = new Map(
      files.map((file) => [
        file,
        importsOf(file)
          .filter((specifier) => specifier.startsWith("."))
          .map((specifier) => resolve(dirname(file), specifier)),
      ]),
    );
    const circles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        circles.push(
          [...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(" -> "),
        );
        return;
      }
      state.set(file, "visiting");
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });
});
