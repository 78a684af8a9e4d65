import { formatPackageName, type PackageName } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import { err, ok, type Result } from "../result.ts";
import type { TokenAction } from "../wire/tokens.ts";
import { type AccessError, authorize } from "./access.ts";
import type { WorkflowRun } from "./ciProviders.ts";
import {
  anyPatternMatches,
  describePatterns,
  type PackagePattern,
  parsePackagePattern,
} from "./packagePatterns.ts";
import type { Action } from "./roles.ts";
import type { Identity } from "./stores/identities.ts";
import type { TrustedPublisherRecord } from "./stores/trustedPublishers.ts";
import type { User } from "./stores/users.ts";

// What an API token lets its bearer do: some actions, on some packages, and
// never more than whoever stands behind it may do at that moment: the user who
// made it (with their role now), or the trusted publishers it was exchanged for
// (while they are still registered).

export type GrantHolder =
  | { kind: "user"; user: User; packages: readonly PackagePattern[] }
  | {
      kind: "trusted_publisher";
      /** The trusted publishers the workflow matched that are still registered. */
      publishers: readonly TrustedPublisherRecord[];
      run: WorkflowRun;
      /** The account a workflow publishes as (`GitHub Actions`). */
      account: User;
    };

export interface Grant {
  tokenId: string;
  tokenName: string;
  actions: readonly TokenAction[];
  holder: GrantHolder;
}

export type GrantError =
  | { kind: "token_action"; action: TokenAction; allowed: readonly TokenAction[] }
  | { kind: "token_package"; name: string; patterns: string };

/** The token action each identity action needs; the others no token may do. */
export const TOKEN_ACTION: Partial<Record<Action, TokenAction>> = {
  publish_version: "publish",
  publish_history: "publish",
  revoke_version: "revoke",
  revoke_package: "revoke",
};

/** Who acts when a grant is used: the token's maker, or the workflow account. */
export const actingUser = (grant: Grant): User =>
  grant.holder.kind === "user" ? grant.holder.user : grant.holder.account;

export const patternsOf = (publisher: TrustedPublisherRecord): PackagePattern[] =>
  publisher.packages.flatMap((text) => parsePackagePattern(text) ?? []);

function grantedPatterns(holder: GrantHolder): PackagePattern[] {
  return holder.kind === "user" ? [...holder.packages] : holder.publishers.flatMap(patternsOf);
}

/**
 * May this caller do this to this package? Without a grant (a session), the
 * user's role decides. With one, the action and the package must be within
 * the token's scopes, and then its holder must be allowed: the user's role
 * now, or a trusted publisher of the package's identity that is still there.
 */
export function authorizeGranted(
  db: Database,
  name: PackageName,
  actor: User,
  action: Action,
  grant: Grant | undefined,
): Result<{ identity: Identity }, AccessError | GrantError> {
  if (!grant) return authorize(db, name.author, actor, action);
  const tokenAction = TOKEN_ACTION[action];
  if (tokenAction === undefined || !grant.actions.includes(tokenAction)) {
    return err({ kind: "token_action", action: tokenAction ?? "publish", allowed: grant.actions });
  }
  const patterns = grantedPatterns(grant.holder);
  if (!anyPatternMatches(patterns, name)) {
    return err({
      kind: "token_package",
      name: formatPackageName(name),
      patterns: describePatterns(patterns),
    });
  }
  const { holder } = grant;
  if (holder.kind === "user") return authorize(db, name.author, holder.user, action);
  const publisher = holder.publishers.find((p) => anyPatternMatches(patternsOf(p), name))!;
  return ok({ identity: { id: publisher.identityId, name: publisher.identityName } });
}
