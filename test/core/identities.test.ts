import { describe, expect, it } from "vitest";
import {
  createIdentity,
  listMembers,
  lookAlikeKey,
  readAuditLog,
  removeMember,
  setMember,
} from "../../src/core/identities.ts";
import { anIdentity, aUser, fakePorts, NAMING } from "../support/fakePorts.ts";

describe("publishing identities, as a rule of the core", () => {
  it("are one name whatever its case, and keep the case first registered", () => {
    const ports = fakePorts();
    const owner = aUser(ports, "owner@example.com");
    expect(createIdentity(ports, owner, "Acme", NAMING)).toEqual({
      ok: true,
      value: { name: "Acme", role: "admin" },
    });
    expect(createIdentity(ports, aUser(ports, "b@example.com"), "ACME", NAMING)).toEqual({
      ok: false,
      error: { kind: "identity_taken", name: "Acme" },
    });
  });

  it("cannot imitate an existing name with letters people confuse", () => {
    const ports = fakePorts();
    const operator = aUser(ports, "operator@example.com");
    expect(createIdentity(ports, operator, "gren-lang", NAMING).ok).toBe(true);
    const someone = aUser(ports, "someone@example.com");
    for (const imitation of ["gren-Iang", "gren-1ang", "GREN-LANG", "gren-IANG"]) {
      const refused = createIdentity(ports, someone, imitation, NAMING);
      expect(refused.ok, imitation).toBe(false);
    }
    expect(createIdentity(ports, someone, "gren-Iang", { reserved: [], operators: [] })).toEqual({
      ok: false,
      error: { kind: "identity_look_alike", name: "gren-Iang", existing: "gren-lang" },
    });
    anIdentity(ports, "vvidgets", someone);
    expect(createIdentity(ports, operator, "widgets", NAMING)).toMatchObject({
      ok: false,
      error: { kind: "identity_look_alike", existing: "vvidgets" },
    });
    expect(createIdentity(ports, someone, "gren-lang-tools", NAMING).ok).toBe(true);
  });

  it("reserved for operators cannot be created by anyone else, nor imitated", () => {
    const ports = fakePorts();
    const someone = aUser(ports, "someone@example.com");
    expect(createIdentity(ports, someone, "gren-lang", NAMING)).toEqual({
      ok: false,
      error: { kind: "identity_reserved", name: "gren-lang", reserved: "gren-lang" },
    });
    expect(createIdentity(ports, someone, "gren-1ang", NAMING)).toMatchObject({
      ok: false,
      error: { kind: "identity_reserved", reserved: "gren-lang" },
    });
    expect(
      createIdentity(ports, aUser(ports, "operator@example.com"), "gren-lang", NAMING).ok,
    ).toBe(true);
  });

  it("fold look-alikes in the migration's SQL as the code does", () => {
    const ports = fakePorts();
    for (const name of ["gren-Iang", "GREN-1ANG", "m0rn-vvIde", "Rn-VV", "a1b0cI"]) {
      const row = ports.db.get(
        `SELECT replace(replace(replace(replace(lower(replace(:name, 'I', 'l')), '1', 'l'), '0', 'o'), 'rn', 'm'), 'vv', 'w') AS key`,
        { name },
      );
      expect(row?.key, name).toBe(lookAlikeKey(name));
    }
  });

  it("always keep an admin", () => {
    const ports = fakePorts();
    const owner = aUser(ports, "owner@example.com");
    anIdentity(ports, "acme", owner);
    const demote = setMember(ports, owner, {
      identity: "acme",
      email: owner.email,
      role: "publish",
    });
    expect(demote.ok || demote.error.kind).toBe("last_admin");
    const leave = removeMember(ports, owner, { identity: "acme", email: owner.email });
    expect(leave.ok || leave.error.kind).toBe("last_admin");
  });

  it("hide their member list from outsiders, and forbid members who lack the role", () => {
    const ports = fakePorts();
    const owner = aUser(ports, "owner@example.com");
    const member = aUser(ports, "member@example.com");
    anIdentity(ports, "acme", owner, [[member, "publish"]]);
    const outsider = aUser(ports, "out@example.com");
    expect(listMembers(ports.db, "acme", outsider)).toMatchObject({
      ok: false,
      error: { kind: "hidden" },
    });
    expect(listMembers(ports.db, "acme", member).ok).toBe(true);
    expect(readAuditLog(ports.db, "acme", member)).toMatchObject({
      ok: false,
      error: { kind: "forbidden", needed: "admin", role: "publish" },
    });
  });

  it("record every change of membership in the audit log", () => {
    const ports = fakePorts();
    const owner = aUser(ports, "owner@example.com");
    anIdentity(ports, "acme", owner);
    setMember(ports, owner, { identity: "acme", email: "new@example.com", role: "download" });
    setMember(ports, owner, { identity: "acme", email: "new@example.com", role: "publish" });
    removeMember(ports, owner, { identity: "acme", email: "new@example.com" });
    const log = readAuditLog(ports.db, "acme", owner);
    expect(log.ok && log.value.map((entry) => entry.action)).toEqual([
      "identity.create",
      "member.add",
      "member.change_role",
      "member.remove",
    ]);
  });
});
