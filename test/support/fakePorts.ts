import { packageAddress, type VersionAddress, versionAddress } from "../../src/core/address.ts";
import type { Grant } from "../../src/core/grants.ts";
import { createIdentity, setMember } from "../../src/core/identities.ts";
import { admitUpload, publishVersion } from "../../src/core/publish.ts";
import type { User } from "../../src/core/sessions.ts";
import { migrate } from "../../src/core/stores/schema.ts";
import { findOrCreateUser } from "../../src/core/stores/users.ts";
import type { PackageName } from "../../src/gren/names.ts";
import { inlineBundleReader } from "../../src/host/bundleReading/inline.ts";
import { inlineResolver, inlineSearch } from "../../src/host/catalogueReading/inline.ts";
import { nodeDigest } from "../../src/host/digest.ts";
import { SqliteDatabase } from "../../src/host/sqlite.ts";
import type { PostResult } from "../../src/ports/http.ts";
import type { HttpOut, Mailer, Notifier, Ports, Random } from "../../src/ports/index.ts";
import type { Mail } from "../../src/ports/mailer.ts";
import { type Email, parseEmail } from "../../src/wire/email.ts";
import type { Role } from "../../src/wire/identities.ts";
import { packageBundle } from "./bundles.ts";
import { TestClock } from "./registry.ts";

// The core's ports, faked for tests of its rules as plain functions: an
// in-memory SQLite database with the real schema, a clock the test moves, and
// a mailer, outgoing HTTP and notifier that record what they were asked to do.

export class RecordingMailer implements Mailer {
  readonly sent: Mail[] = [];
  failWith: string | undefined;

  async send(mail: Mail) {
    if (this.failWith !== undefined) return { ok: false as const, reason: this.failWith };
    this.sent.push(mail);
    return { ok: true as const };
  }

  /** The code in the newest mail to `email`. */
  codeFor(email: string): string {
    const mail = this.sent.filter((m) => m.to === email).at(-1);
    const code = mail && /^Your confirmation code is: (\S+)$/m.exec(mail.textBody)?.[1];
    if (!code) throw new Error(`no code was mailed to ${email}`);
    return code;
  }
}

export interface PostedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Outgoing HTTP answered by the test: each call gets the next answer, the last one repeating. */
export class RecordingHttp implements HttpOut {
  readonly posted: PostedRequest[] = [];
  answers: PostResult[] = [{ ok: true, status: 200 }];

  async post(url: string, request: { headers: Record<string, string>; body: string }) {
    this.posted.push({ url, headers: request.headers, body: request.body });
    return this.answers.length > 1 ? this.answers.shift()! : this.answers[0]!;
  }
}

export class CountingNotifier implements Notifier {
  told = 0;
  eventsRecorded(): void {
    this.told++;
  }
}

/** Random values that are distinct and repeatable, so a test can reason about them. */
class SequenceRandom implements Random {
  #next = 0;
  uuid(): string {
    this.#next++;
    return `00000000-0000-4000-8000-${String(this.#next).padStart(12, "0")}`;
  }
  below(bound: number): number {
    this.#next++;
    return this.#next % bound;
  }
}

export interface FakePorts extends Ports {
  db: SqliteDatabase;
  clock: TestClock;
  mailer: RecordingMailer;
  http: RecordingHttp;
  notifier: CountingNotifier;
}

export function fakePorts(): FakePorts {
  const db = new SqliteDatabase(":memory:");
  const migrated = migrate(db);
  if (!migrated.ok) throw new Error("the schema did not apply");
  return {
    db,
    clock: new TestClock(),
    mailer: new RecordingMailer(),
    http: new RecordingHttp(),
    notifier: new CountingNotifier(),
    random: new SequenceRandom(),
    digest: nodeDigest,
    bundles: inlineBundleReader,
    resolver: inlineResolver(db),
    search: inlineSearch(db),
  };
}

// Factories: the state a rule needs, made through the core's own functions.

/** gren-lang is reserved for operators, as in a real registry; operator@example.com is one. */
export const NAMING = { reserved: ["gren-lang"], operators: ["operator@example.com"] };

export const email = (text: string): Email => parseEmail(text)!;

export const aUser = (ports: Ports, address: string): User =>
  findOrCreateUser(ports.db, email(address), ports.clock.now());

/** An identity, created by `owner`, with each of `members` given their role. */
export function anIdentity(
  ports: Ports,
  name: string,
  owner: User,
  members: [User, Role][] = [],
): void {
  const created = createIdentity(ports, owner, name, NAMING);
  if (!created.ok) throw new Error(`creating ${name}: ${JSON.stringify(created.error)}`);
  for (const [member, role] of members) {
    const set = setMember(ports, owner, { identity: name, email: member.email, role });
    if (!set.ok) throw new Error(`adding ${member.email}: ${JSON.stringify(set.error)}`);
  }
}

/**
 * Publishes a valid bundle of `name` at `version` as `who`, with any outline
 * fields overridden, failing the test if it is refused; the bytes published.
 * Its API moves as its number says, so versions that follow one another by
 * the registry's rules are accepted.
 */
export async function aVersion(
  ports: Ports,
  who: User,
  name: string,
  version: string,
  overrides: Record<string, unknown> = {},
): Promise<Uint8Array> {
  return publishedBundle(ports, who, name, version, overrides, {});
}

/**
 * As `aVersion`, published as history by an admin of the identity: a version
 * that exists elsewhere, with a number the rules would not give (a first
 * version other than 1.0.0, a skipped number, another compiler's range).
 */
export async function aHistoricVersion(
  ports: Ports,
  admin: User,
  name: string,
  version: string,
  overrides: Record<string, unknown> = {},
): Promise<Uint8Array> {
  return publishedBundle(ports, admin, name, version, overrides, { history: true });
}

async function publishedBundle(
  ports: Ports,
  who: User,
  name: string,
  version: string,
  overrides: Record<string, unknown>,
  options: { history?: boolean },
): Promise<Uint8Array> {
  const bytes = packageBundle({ name, version, ...overrides });
  const published = await publishAs(
    ports,
    who,
    versionAt(name, version),
    { bytes, limits: { maxUnpackedBytes: 1024 * 1024, kernelIdentities: [] } },
    undefined,
    options,
  );
  if (!published.ok) throw new Error(JSON.stringify(published.error));
  return bytes;
}

/** The package `author/project` names, as a route reads it from an address. */
export function named(name: string): PackageName {
  const [author = "", project = ""] = name.split("/");
  const parsed = packageAddress({ author, project });
  if (!parsed.ok) throw new Error(`${name} is no package name`);
  return parsed.value;
}

/** The version `author/project` and `version` name, as a route reads it from an address. */
export function versionAt(name: string, version: string): VersionAddress {
  const [author = "", project = ""] = name.split("/");
  const parsed = versionAddress({ author, project, version });
  if (!parsed.ok) throw new Error(`${name} ${version} is no version address`);
  return parsed.value;
}

/** Publishes as the route does: the upload admitted first, then its bytes published. */
export async function publishAs(
  ports: Ports,
  who: User,
  address: VersionAddress,
  input: Parameters<typeof publishVersion>[2],
  grant?: Grant,
  options: { history?: boolean } = {},
): ReturnType<typeof publishVersion> {
  const ticket = admitUpload(ports, who, address, grant, options);
  return ticket.ok ? publishVersion(ports, ticket.value, input) : ticket;
}
