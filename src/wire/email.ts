/** A trimmed, lower-cased email address that passed `parseEmail`. */
export type Email = string & { readonly __brand: "Email" };

// The addresses the registry takes, part of its API: clients check an address
// by this same rule before they send it. Deliberately simpler than RFC 5322:
// an address someone can type and a mail server will accept, with a domain
// that has at least one dot.
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function parseEmail(input: string): Email | undefined {
  const email = input.trim().toLowerCase();
  if (email.length > 254) return undefined;
  const at = email.lastIndexOf("@");
  if (at < 1) return undefined;
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split(".");
  if (local.length > 64 || !LOCAL.test(local)) return undefined;
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return undefined;
  return email as Email;
}
