import { expect } from "vitest";
import { call, latestCode, login } from "../support/registry.ts";

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
];
