import { describe, expect, it } from "vitest";
import {
  createIdentity,
  listMembers,
  readAuditLog,
  removeMember,
  setMember,
} from "../../src/core/identities.ts";
import { anIdentity, aUser, fakePorts } from "../support/fakePorts.ts";

describe("publishing identities, as a rule of the core", () => {
  it("are one name whatever its case, and keep the case first registered", () => {
    const ports = fakePorts();
    const owner = aUser(ports, "owner@example.com");
    expect(createIdentity(ports, owner, "Acme")).toEqual({
      ok: true,
      value: { name: "Acme", role: "admin" },
    });
    expect(createIdentity(ports, aUser(ports, "b@example.com"), "ACME")).toEqual({
      ok: false,
      error: { kind: "identity_taken", name: "Acme" },
    });
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
