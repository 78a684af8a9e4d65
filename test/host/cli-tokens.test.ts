import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { packageBundle } from "../support/bundles.ts";
import { loginCli, runCli } from "../support/cli.ts";
import { GithubTokenService, githubClaims, OidcIssuer } from "../support/oidcIssuer.ts";
import { createIdentity } from "../support/publishing.ts";
import { call, type TestRegistry, temporaryDir } from "../support/registry.ts";
import { scratchDirectories } from "../support/scratch.ts";
import { type ServerProcess, startServerProcess } from "../support/serverProcess.ts";

// The CLI's API tokens and its publishing from GitHub Actions, against the
// registry run as `npm start` runs it, in its own process. That process trusts
// the local OIDC issuer's certificate through NODE_EXTRA_CA_CERTS, as an
// operator's registry would trust a private issuer's. The job's ID token comes
// from a stand-in of GitHub's token request endpoint, signed by that issuer.

const scratch = scratchDirectories();

let server: ServerProcess;
let registry: Pick<TestRegistry, "url" | "outbox">;
let issuer: OidcIssuer;
let github: GithubTokenService;
let home: string;
let admin: string;
/** The claims the stand-in puts in the job's ID token. */
let jobClaims = () => githubClaims("acme/widgets", "release.yml");

const cli = (args: string[], env: Record<string, string> = {}, who = home) =>
  runCli(["--registry", registry.url, ...args], { home: who, env });

/** A bundle file of `name` at `version`, as `publish` takes one. */
function bundleFile(name: string, version: string): string {
  const file = join(scratch("bundle-"), "package.pkg.gz");
  writeFileSync(file, packageBundle({ name, version }));
  return file;
}

beforeAll(async () => {
  issuer = await OidcIssuer.start();
  github = await GithubTokenService.start(issuer, () => jobClaims());
  const dir = temporaryDir("cli-tokens-");
  const outbox = join(dir, "outbox.jsonl");
  server = await startServerProcess({
    REGISTRY_DB_PATH: join(dir, "registry.db"),
    REGISTRY_MAIL_OUTBOX: outbox,
    REGISTRY_OIDC_ISSUERS: `github=${issuer.url}`,
    NODE_EXTRA_CA_CERTS: issuer.caFile,
  });
  registry = { url: server.url, outbox };
  home = scratch("home-");
  admin = await loginCli(registry, "admin@example.com", home);
  await createIdentity(registry, admin, "acme");
  const added = await call(registry, "POST", "/publishing-identity/acme/trusted-publishers", {
    token: admin,
    json: {
      provider: "github",
      repository: "acme/widgets",
      workflow: "release.yml",
      packages: ["acme/widgets"],
    },
  });
  expect(added.status).toBe(201);
});

afterAll(async () => {
  server?.child.kill("SIGTERM");
  await server?.exited;
  await github?.close();
  await issuer?.close();
});

describe("gren-registry token", () => {
  it("creates a token, printed alone on standard output, that publishes as GREN_REGISTRY_TOKEN", async () => {
    const made = await cli([
      "token",
      "create",
      "ci",
      "--package",
      "acme/*",
      "--expires-in-days",
      "7",
    ]);
    expect(made.code, made.stderr).toBe(EXIT.ok);
    const token = made.stdout.trim();
    expect(token).toMatch(/^grenreg_[0-9A-Za-z]{46}$/);
    expect(made.stderr).toMatch(/may publish acme\/\* until .*not shown again/);

    const published = await cli(["publish", bundleFile("acme/gadgets", "1.0.0")], {
      GREN_REGISTRY_TOKEN: token,
    });
    expect(published.code, published.stderr).toBe(EXIT.ok);
    expect(published.stdout).toContain("Published acme/gadgets 1.0.0");

    // A token makes no tokens: that needs a session.
    const again = await cli(["token", "create", "more", "--package", "acme/*"], {
      GREN_REGISTRY_TOKEN: token,
    });
    expect(again.code).toBe(EXIT.denied);
    expect(again.stderr).toMatch(/needs a session/);
  });

  it("lists tokens and revokes one, which then stops working", async () => {
    const made = await cli([
      "token",
      "create",
      "short",
      "--package",
      "acme/gadgets",
      "--action",
      "publish",
      "--action",
      "revoke",
      "--json",
    ]);
    expect(made.code, made.stderr).toBe(EXIT.ok);
    const created = JSON.parse(made.stdout) as { id: string; token: string; actions: string[] };
    expect(created.actions).toEqual(["publish", "revoke"]);

    const listed = await cli(["token", "list"]);
    expect(listed.code).toBe(EXIT.ok);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+MAY\s+PACKAGES\s+CREATED\s+LAST USED\s+EXPIRES/);
    expect(listed.stdout).toContain(created.id);
    expect(listed.stdout).not.toContain(created.token);

    const revoked = await cli(["token", "revoke", created.id]);
    expect(revoked.code, revoked.stderr).toBe(EXIT.ok);
    const refused = await cli(["publish", bundleFile("acme/gadgets", "2.0.0")], {
      GREN_REGISTRY_TOKEN: created.token,
    });
    expect(refused.code).toBe(EXIT.denied);
    expect(refused.stderr).toMatch(/That API token is not valid/);
    const listedJson = JSON.parse((await cli(["token", "list", "--json"])).stdout) as {
      tokens: { id: string }[];
    };
    expect(listedJson.tokens.map((t) => t.id)).not.toContain(created.id);
  });

  it("says a mistyped token is mistyped", async () => {
    const made = await cli(["token", "create", "typo", "--package", "acme/*"]);
    const token = made.stdout.trim();
    const refused = await cli(["publish", bundleFile("acme/gadgets", "3.0.0")], {
      GREN_REGISTRY_TOKEN: `${token.slice(0, 12)}${token.slice(13)}Q`,
    });
    expect(refused.code).toBe(EXIT.denied);
    expect(refused.stderr).toMatch(/mistyped/);
  });

  it("needs at least one package", async () => {
    const refused = await cli(["token", "create", "nothing"]);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.stderr).toMatch(/at least one --package/);
  });
});

describe("gren-registry publish in a GitHub Actions job", () => {
  const actions = () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: github.url,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.requestToken,
  });

  it("trades the job's ID token for a publish token by itself, with no token configured", async () => {
    const nobody = scratch("home-ci-");
    jobClaims = () => githubClaims("acme/widgets", "release.yml");
    const published = await cli(
      ["publish", bundleFile("acme/widgets", "1.0.0")],
      actions(),
      nobody,
    );
    expect(published.code, published.stderr).toBe(EXIT.ok);
    expect(published.stdout).toContain("Published acme/widgets 1.0.0");
    // It asked GitHub for a token meant for this registry: its public URL, as the registry says.
    const { audience } = (
      await call<{ audience: string }>(registry, "GET", "/trusted-publishing/audience")
    ).body;
    expect(github.audiences.at(-1)).toBe(audience);
    const audit = await call<{ entries: { actor: string; subject: string }[] }>(
      registry,
      "GET",
      "/publishing-identity/acme/audit",
      { token: admin },
    );
    expect(audit.body.entries.at(-1)).toMatchObject({
      actor: "GitHub Actions",
      subject: "acme/widgets 1.0.0",
    });
  });

  it("says why, when the registry does not trust the job's workflow", async () => {
    jobClaims = () => githubClaims("acme/widgets", "ci.yml");
    const refused = await cli(
      ["publish", bundleFile("acme/widgets", "1.1.0")],
      actions(),
      scratch("home-ci-"),
    );
    expect(refused.code).toBe(EXIT.denied);
    expect(refused.stderr).toMatch(
      /did not accept this job as a trusted publisher: The ID token is from the workflow \.github\/workflows\/ci\.yml/,
    );
  });

  it("says what is missing outside GitHub Actions, with no token", async () => {
    const refused = await cli(
      ["publish", bundleFile("acme/widgets", "1.2.0")],
      {},
      scratch("home-ci-"),
    );
    expect(refused.code).toBe(EXIT.denied);
    expect(refused.stderr).toMatch(/id-token: write/);
  });

  it("uses a configured token first, even inside GitHub Actions", async () => {
    jobClaims = () => githubClaims("acme/elsewhere", "release.yml");
    // 1.1.0 and 1.2.0 above were refused: this is the next minor version after 1.0.0.
    const published = await cli(["publish", bundleFile("acme/widgets", "1.1.0")], {
      ...actions(),
      GREN_REGISTRY_TOKEN: admin,
    });
    expect(published.code, published.stderr).toBe(EXIT.ok);
  });
});
