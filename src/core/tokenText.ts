import type { Digest, Random } from "../ports/index.ts";
import { TOKEN_PREFIX } from "../wire/tokenActions.ts";

// The text of an API token: a prefix that secret scanners recognise, 40
// random characters (about 238 bits), and 6 characters of checksum, so a
// mistyped or truncated token is told apart from a wrong one before anything
// is looked up.

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 40;
const CHECKSUM_LENGTH = 6;
const SHAPE = new RegExp(
  `^${TOKEN_PREFIX}[0-9A-Za-z]{${BODY_LENGTH}}[0-9A-Za-z]{${CHECKSUM_LENGTH}}$`,
);

/** 32 bits of the body's digest, written in the token's own alphabet. */
function checksum(digest: Digest, body: string): string {
  let value = Number.parseInt(digest.sha256(`${TOKEN_PREFIX}${body}`).slice(0, 8), 16);
  let text = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    text = ALPHABET.charAt(value % ALPHABET.length) + text;
    value = Math.floor(value / ALPHABET.length);
  }
  return text;
}

/** A new token's text. */
export function mintTokenText(ports: { random: Random; digest: Digest }): string {
  const body = Array.from({ length: BODY_LENGTH }, () =>
    ALPHABET.charAt(ports.random.below(ALPHABET.length)),
  ).join("");
  return `${TOKEN_PREFIX}${body}${checksum(ports.digest, body)}`;
}

/** Whether the text claims to be an API token (rather than a session token). */
export const looksLikeApiToken = (text: string): boolean => text.startsWith(TOKEN_PREFIX);

/** Whether an API token's text is whole: the right shape, and its checksum agrees. */
export function isWellFormedToken(digest: Digest, text: string): boolean {
  if (!SHAPE.test(text)) return false;
  const body = text.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + BODY_LENGTH);
  return text.slice(TOKEN_PREFIX.length + BODY_LENGTH) === checksum(digest, body);
}
