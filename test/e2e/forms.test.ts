import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  formSession,
  postForm,
  sentMail,
  startRegistry,
  type TestRegistry,
} from "../support/registry.ts";

// The site's forms act for whoever's browser sends them, so they are taken
// only from the site's own pages: the browser's Origin (or Sec-Fetch-Site)
// must be the site's, and the form must carry the browser's form token.

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry.close();
});

const mailsTo = (email: string) => sentMail(registry.outbox).filter((m) => m.to === email);

/** Sends the login form with any headers and fields, as something other than the site's page might. */
const sendLoginForm = (fields: Record<string, string>, headers: Record<string, string>) =>
  fetch(`${registry.url}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });

describe("a form of the site", () => {
  it("is taken from the site's own page, with its token and cookie", async () => {
    const sent = await postForm(registry, "/login", { email: "own@example.com" });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe("/login/wait");
    expect(mailsTo("own@example.com")).toHaveLength(1);
  });

  it("is refused from another origin, with a page saying why to a browser", async () => {
    const { cookie, token } = await formSession(registry);
    const refused = await sendLoginForm(
      { email: "lured@example.com", form_token: token },
      { origin: "https://elsewhere.example", cookie, accept: "text/html" },
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await refused.text()).toContain(
      "This form was refused: it was sent from https://elsewhere.example, not from this site.",
    );
    expect(mailsTo("lured@example.com")).toEqual([]);
  });

  it("is refused with the API's error body to a client that is not a browser", async () => {
    const refused = await sendLoginForm(
      { email: "script@example.com" },
      { origin: "https://elsewhere.example" },
    );
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      code: "forbidden",
      message:
        "This form was refused: it was sent from https://elsewhere.example, not from this site. Go back, reload the page and send it again.",
    });
  });

  it("is refused when the browser says it came from another site, or from a page with no address", async () => {
    const { cookie, token } = await formSession(registry);
    const fields = { email: "sneaky@example.com", form_token: token };
    for (const headers of [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "null" },
    ]) {
      expect((await sendLoginForm(fields, { ...headers, cookie })).status).toBe(403);
    }
    expect(mailsTo("sneaky@example.com")).toEqual([]);
  });

  it("is refused without the browser's token, or with another browser's", async () => {
    const mine = await formSession(registry);
    const theirs = await formSession(registry);
    expect(mine.token).not.toBe(theirs.token);
    const origin = new URL(registry.url).origin;
    for (const [fields, headers] of [
      [{ email: "tokenless@example.com" }, { origin, cookie: mine.cookie }],
      [{ email: "tokenless@example.com", form_token: mine.token }, { origin }],
      [
        { email: "tokenless@example.com", form_token: theirs.token },
        { origin, cookie: mine.cookie },
      ],
    ] as const) {
      const refused = await sendLoginForm(fields, headers);
      expect(refused.status).toBe(403);
      expect((await refused.json()).message).toBe(
        "This form was refused: it did not come from a page of this site in this browser. Go back, reload the page and send it again.",
      );
    }
    expect(mailsTo("tokenless@example.com")).toEqual([]);
  });

  it("guards logging out too", async () => {
    const refused = await fetch(`${registry.url}/logout`, {
      method: "POST",
      headers: { origin: "https://elsewhere.example" },
      redirect: "manual",
    });
    expect(refused.status).toBe(403);
    expect((await postForm(registry, "/logout", {})).status).toBe(303);
  });

  it("keeps the browser's token from page to page, set once", async () => {
    const first = await fetch(`${registry.url}/login`, { headers: { accept: "text/html" } });
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith("gren_form="));
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
    const again = await fetch(`${registry.url}/login`, {
      headers: { accept: "text/html", cookie: cookie!.split(";")[0]! },
    });
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(await again.text()).toContain(`value="${cookie!.split(";")[0]!.split("=")[1]}"`);
    // A page without a form sets no cookie, and stays the same for everyone.
    const home = await fetch(`${registry.url}/`, { headers: { accept: "text/html" } });
    expect(home.headers.getSetCookie()).toEqual([]);
  });
});

describe("the site's cookies behind a proxy that ends TLS", () => {
  it("are Secure when the public URL is https, though the proxy is not trusted to say so", async () => {
    const behindProxy = await startRegistry({ REGISTRY_PUBLIC_URL: "https://registry.example" });
    try {
      const { cookie, token } = await formSession(behindProxy);
      const page = await fetch(`${behindProxy.url}/login`, { headers: { accept: "text/html" } });
      expect(page.headers.getSetCookie()[0]).toMatch(/; Secure; SameSite=Lax$/);
      // The browser sends the form from the public address.
      const sent = await fetch(`${behindProxy.url}/login`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "https://registry.example",
          cookie,
        },
        body: new URLSearchParams({ email: "secure@example.com", form_token: token }),
        redirect: "manual",
      });
      expect(sent.status).toBe(303);
      const login = sent.headers.getSetCookie().find((c) => c.startsWith("gren_login="));
      expect(login).toMatch(/; Max-Age=900; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await behindProxy.close();
    }
  });

  it("are not Secure on a plain http registry, where the browser would drop them", async () => {
    const sent = await postForm(registry, "/login", { email: "plain@example.com" });
    const login = sent.headers.getSetCookie().find((c) => c.startsWith("gren_login="));
    expect(login).toBeDefined();
    expect(login).not.toMatch(/Secure/);
  });
});
