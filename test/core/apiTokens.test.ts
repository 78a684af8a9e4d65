import { describe, expect, it } from "vitest";
import { authenticateToken, createToken } from "../../src/core/apiTokens.ts";
import { isWellFormedToken, mintTokenText } from "../../src/core/tokenText.ts";
import { netAddressRanges } from "../../src/host/addressRanges.ts";
import { nodeDigest } from "../../src/host/digest.ts";
import { cryptoRandom } from "../../src/host/random.ts";
import type { Database } from "../../src/ports/database.ts";
import { anIdentity, aUser, fakePorts } from "../support/fakePorts.ts";

// The text of an API token and what the core makes of it, as functions.

const client = { address: "127.0.0.1", ranges: netAddressRanges };

describe("an API token's text", () => {
  it("has the registry's prefix, 46 characters, and a checksum that agrees", () => {
    const text = mintTokenText({ random: cryptoRandom, digest: nodeDigest });
    expect(text).toMatch(/^grenreg_[0-9A-Za-z]{46}$/);
    expect(isWellFormedToken(nodeDigest, text)).toBe(true);
  });

  it("fails its checksum when any one character is changed, dropped or added", () => {
    const text = mintTokenText({ random: cryptoRandom, digest: nodeDigest });
    for (let i = "grenreg_".length; i < text.length; i++) {
      const other = text[i] === "x" ? "y" : "x";
      expect(isWellFormedToken(nodeDigest, text.slice(0, i) + other + text.slice(i + 1))).toBe(
        false,
      );
    }
    expect(isWellFormedToken(nodeDigest, text.slice(0, -1))).toBe(false);
    expect(isWellFormedToken(nodeDigest, `${text}a`)).toBe(false);
    expect(isWellFormedToken(nodeDigest, text.replace("grenreg_", "grenreh_"))).toBe(false);
  });

  it("is told mistyped before anything is looked up in the database", () => {
    const ports = fakePorts();
    const text = mintTokenText(ports);
    const untouchable = new Proxy(ports.db, {
      get: () => {
        throw new Error("the database was asked");
      },
    }) as Database;
    const result = authenticateToken(
      { ...ports, db: untouchable },
      `${text.slice(0, -1)}!`,
      client,
    );
    expect(result).toEqual({ ok: false, error: { kind: "mistyped_token" } });
  });
});

describe("a token made by a user", () => {
  it("carries its maker's user and its scopes, and nothing beyond them", async () => {
    const ports = fakePorts();
    const alice = aUser(ports, "alice@example.com");
    anIdentity(ports, "acme", alice);
    const made = await createToken(
      ports,
      alice,
      {
        name: "ci",
        actions: ["publish"],
        packages: ["ACME/*"],
        expiresInDays: undefined,
        cidrs: undefined,
      },
      { ranges: netAddressRanges, accountPage: "https://registry.example.test/account" },
    );
    if (!made.ok) throw new Error(JSON.stringify(made.error));
    // The identity as registered, whatever the case it was named in.
    expect(made.value.packages).toEqual(["acme/*"]);
    const grant = authenticateToken(ports, made.value.token, client);
    expect(grant.ok && grant.value).toMatchObject({
      tokenId: made.value.id,
      actions: ["publish"],
      holder: { kind: "user", user: { email: "alice@example.com" } },
    });
  });
});
