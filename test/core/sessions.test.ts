import { describe, expect, it } from "vitest";
import { parseEmail } from "../../src/core/email.ts";
import { CODE_ALPHABET, normalizeCode } from "../../src/core/sessions.ts";

describe("confirmation codes", () => {
  it("use no characters that look alike", () => {
    for (const lookAlike of ["0", "O", "1", "I", "L"])
      expect(CODE_ALPHABET).not.toContain(lookAlike);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
  });

  it("are read case-insensitively, with spaces and hyphens ignored", () => {
    expect(normalizeCode(" ab2c-d3 ef ")).toBe("AB2CD3EF");
  });
});

describe("email addresses", () => {
  it("are trimmed and lower-cased", () => {
    expect(parseEmail("  Me@Example.COM\n")).toBe("me@example.com");
  });

  it("need a local part and a dotted domain", () => {
    for (const bad of [
      "me",
      "@example.com",
      "me@",
      "me@localhost",
      "me@exa mple.com",
      "a@-x.com",
      "a..b@x.com",
    ]) {
      expect(parseEmail(bad)).toBeUndefined();
    }
    for (const good of ["me+tag@example.com", "first.last@sub.example.co.uk"]) {
      expect(parseEmail(good)).toBe(good);
    }
  });
});
