import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { expect } from "vitest";
import { packageOutline, sourcesFor } from "../support/bundles.ts";
import { download, publish, publishHistory, putBundle, sha256 } from "../support/publishing.ts";
import { call, latestCode, login } from "../support/registry.ts";
import { databaseFileText } from "../support/snapshot.ts";

// What a restore from the backup must bring back. Each fact is written through
// the API while the registry runs with its backup, before the database is lost;
// the check it returns runs against the server started on the restored copy.
//
// A feature that keeps something in the database adds a fact here: the drill
// picks it up without other changes.

/** A running registry, as a fact sees it. */
export interface DrillRegistry {
  url: string;
  /** The console mail outbox, where login codes arrive. */
  outbox: string;
  /** The database file the registry runs on. */
  dbPath: string;
}

export type DrillCheck = (registry: DrillRegistry) => Promise<void>;

export interface DrillFact {
  /** What survives the restore, as a sentence. */
  name: string;
  /** Writes the fact before the backup; answers the check to run after the restore. */
  write(registry: DrillRegistry): Promise<DrillCheck>;
}

async function expectUser(registry: DrillRegistry, token: string, email: string): Promise<void> {
  const me = await call(registry, "GET", "/user", { token });
  expect(me.status, `GET /user for ${email}`).toBe(200);
  expect(me.body.email).toBe(email);
}

async function expectLoggedOut(registry: DrillRegistry, token: string, who: string) {
  const me = await call(registry, "GET", "/user", { token });
  expect(me.status, `GET /user with ${who}'s ended session`).toBe(401);
  expect(me.body.code).toBe("unauthenticated");
}

export const drillFacts: DrillFact[] = [
  {
    name: "users who logged in are still logged in",
    async write(registry) {
      const emails = ["ada@example.com", "grace@example.com", "edsger@example.com"];
      const tokens = new Map<string, string>();
      for (const email of emails) tokens.set(email, await login(registry, email));
      return async (restored) => {
        for (const [email, token] of tokens) await expectUser(restored, token, email);
      };
    },
  },
  {
    name: "a session that was ended stays ended",
    async write(registry) {
      const token = await login(registry, "barbara@example.com");
      const ended = await call(registry, "DELETE", "/session", { token });
      expect(ended.status).toBe(204);
      return (restored) => expectLoggedOut(restored, token, "barbara@example.com");
    },
  },
  {
    name: "a user who ended one of two sessions keeps the other",
    async write(registry) {
      const email = "margaret@example.com";
      const laptop = await login(registry, email);
      const phone = await login(registry, email);
      expect((await call(registry, "DELETE", "/session", { token: laptop })).status).toBe(204);
      return async (restored) => {
        await expectLoggedOut(restored, laptop, email);
        await expectUser(restored, phone, email);
      };
    },
  },
  {
    name: "a login started before the backup can be finished after the restore",
    async write(registry) {
      const email = "alan@example.com";
      const started = await call<{ fetchSessionToken: string }>(registry, "POST", "/session", {
        json: { email },
      });
      expect(started.status).toBe(200);
      const code = latestCode(registry.outbox, email);
      return async (restored) => {
        const fetched = await call<{ sessionToken: string }>(restored, "POST", "/session/fetch", {
          json: { fetchSessionToken: started.body.fetchSessionToken, emailConfirmationCode: code },
        });
        expect(fetched.status, "POST /session/fetch with the code mailed before").toBe(200);
        await expectUser(restored, fetched.body.sessionToken, email);
      };
    },
  },
  {
    name: "identities keep their members and roles, including a member who never logged in",
    async write(registry) {
      const alice = await login(registry, "alice@example.com");
      await call(registry, "POST", "/publishing-identity", {
        token: alice,
        json: { name: "Acme" },
      });
      for (const [email, role] of [
        ["bob@example.com", "publish"],
        ["carol@example.com", "download"],
      ]) {
        const added = await call(registry, "PUT", `/publishing-identity/acme/members/${email}`, {
          token: alice,
          json: { role },
        });
        expect(added.status).toBe(200);
      }
      const before = await call(registry, "GET", "/publishing-identity/acme", { token: alice });
      const audit = await call(registry, "GET", "/publishing-identity/acme/audit", {
        token: alice,
      });
      return async (restored) => {
        expect(
          await call(restored, "GET", "/publishing-identity/acme", { token: alice }),
        ).toMatchObject({
          status: 200,
          body: before.body,
        });
        expect(
          (await call(restored, "GET", "/publishing-identity/acme/audit", { token: alice })).body,
        ).toEqual(audit.body);
        const carol = await login(restored, "carol@example.com");
        expect((await call(restored, "GET", "/user", { token: carol })).body.identities).toEqual([
          { name: "Acme", role: "download" },
        ]);
      };
    },
  },
  {
    name: "published versions come back with every byte of their bundles, public and private",
    async write(registry) {
      const token = await login(registry, "dana@example.com");
      await call(registry, "POST", "/publishing-identity", { token, json: { name: "drill" } });
      const bundles = new Map<string, Uint8Array>();
      for (const [name, version, range] of [
        ["drill/widgets", "1.0.0", "0.5.0 <= v < 0.6.0"],
        ["drill/widgets", "1.1.0", "0.6.0 <= v < 0.7.0"],
        ["drill/widgets", "2.0.0", "0.6.0 <= v < 0.7.0"],
      ] as const) {
        bundles.set(
          `${name}/${version}`,
          // A move to another compiler's range under a minor number: brought in as history.
          await publishHistory(registry, token, name, version, { "gren-version": range }),
        );
      }
      bundles.set(
        "drill/hidden/1.0.0",
        await publish(registry, token, "drill/hidden", "1.0.0", { private: true }),
      );
      const listing = await call(registry, "GET", "/packages/drill/widgets");
      const feed = await call(registry, "GET", "/feed?since=0&limit=1000");
      return async (restored) => {
        for (const [path, bytes] of bundles) {
          const fetched = await download(restored, `/packages/${path}/bundle`, {
            authorization: `Bearer ${token}`,
          });
          expect(fetched.status, path).toBe(200);
          expect(sha256(fetched.bytes), path).toBe(sha256(bytes));
        }
        expect((await call(restored, "GET", "/packages/drill/widgets")).body).toEqual(listing.body);
        expect(
          (await call(restored, "GET", "/packages/drill/widgets/latest?gren=0.5.3")).body,
        ).toEqual({ version: "1.0.0" });
        expect((await call(restored, "GET", "/packages/drill/hidden")).status).toBe(404);
        expect((await call(restored, "GET", "/feed?since=0&limit=1000")).body.events).toEqual(
          expect.arrayContaining((feed.body.events as unknown[]) ?? []),
        );
      };
    },
  },
  {
    name: "a revocation comes back, and the revoked bundle's bytes stay gone",
    async write(registry) {
      const token = await login(registry, "erin@example.com");
      await call(registry, "POST", "/publishing-identity", { token, json: { name: "revoker" } });
      const marker = `DRILL-REVOKED-${randomUUID()}`;
      const outline = packageOutline({ name: "revoker/leaky", version: "1.0.0" });
      const plain = sourcesFor(outline);
      const sources = { ...plain, Widgets: `${plain.Widgets}-- ${marker}\n` };
      // Stored uncompressed, so the marker shows in the file while the bundle is there.
      const bytes = new Uint8Array(gzipSync(JSON.stringify({ outline, sources }), { level: 0 }));
      expect(
        (await putBundle(registry, token, "/packages/revoker/leaky/1.0.0", bytes)).status,
      ).toBe(201);
      await publish(registry, token, "revoker/leaky", "1.0.1");
      const revoked = await call(registry, "DELETE", "/packages/revoker/leaky/1.0.0", {
        token,
        json: { reason: "Leaked a secret" },
      });
      expect(revoked.status).toBe(200);
      return async (restored) => {
        expect((await call(restored, "GET", "/packages/revoker/leaky/1.0.0")).body.revoked).toEqual(
          revoked.body.revoked,
        );
        const bundle = await call(restored, "GET", "/packages/revoker/leaky/1.0.0/bundle");
        expect(bundle.status).toBe(410);
        expect((await call(restored, "GET", "/packages/revoker/leaky/latest")).body).toEqual({
          version: "1.0.1",
        });
        expect(databaseFileText(restored.dbPath)).not.toContain(marker);
      };
    },
  },
  {
    name: "the transparency log comes back whole: the same checkpoint, and publishing extends it",
    async write(registry) {
      const token = await login(registry, "frank@example.com");
      await call(registry, "POST", "/publishing-identity", { token, json: { name: "logged" } });
      await publish(registry, token, "logged/thing", "1.0.0");
      const text = async (url: string, path: string) => (await fetch(url + path)).text();
      const checkpoint = await text(registry.url, "/log/checkpoint");
      const key = await text(registry.url, "/log/key");
      const size = Number(checkpoint.split("\n")[1]);
      return async (restored) => {
        expect(await text(restored.url, "/log/key")).toBe(key);
        expect(await text(restored.url, "/log/checkpoint")).toBe(checkpoint);
        const again = await login(restored, "frank@example.com");
        await publish(restored, again, "logged/thing", "1.1.0");
        const grown = await text(restored.url, "/log/checkpoint");
        expect(Number(grown.split("\n")[1])).toBe(size + 1);
        const proof = await call<{ hashes: string[] }>(
          restored,
          "GET",
          `/log/proof/consistency?from=${size}&to=${size + 1}`,
        );
        expect(proof.status).toBe(200);
      };
    },
  },
];
