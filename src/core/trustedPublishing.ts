import { identityKey } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import type { IdTokenRefusal, IdTokenVerifier } from "../ports/idTokens.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import { PUBLISH_TOKEN_MINUTES, TOKEN_LIMITS } from "../wire/limits.ts";
import type {
  CreateTrustedPublisher,
  PublishToken,
  TrustedPublisherView,
} from "../wire/trustedPublishing.ts";
import { type AccessError, authorize } from "./access.ts";
import {
  type CiProvider,
  type ClaimError,
  providerNamed,
  type WorkflowRun,
} from "./ciProviders.ts";
import { tellAdmins, trustedPublisherNotice } from "./notices.ts";
import { formatPackagePattern, parsePackagePattern } from "./packagePatterns.ts";
import { insertApiToken } from "./stores/apiTokens.ts";
import { recordAudit } from "./stores/audit.ts";
import {
  deleteTrustedPublisher,
  findTrustedPublisher,
  insertTrustedPublisher,
  pinRepositoryIds,
  type TrustedPublisherRecord,
  trustedPublishersFor,
  trustedPublishersOf,
  useIdTokenOnce,
} from "./stores/trustedPublishers.ts";
import { findOrCreateWorkflowUser, type User } from "./stores/users.ts";
import { isoTime, MINUTE } from "./time.ts";
import { mintTokenText } from "./tokenText.ts";

// Trusted publishing: an identity's admins name the CI workflows that may
// publish some of its packages; a run of one of them trades the ID token its
// CI service gave it for a publish token that works for half an hour, for
// those packages only. No secret is stored anywhere.

export type TrustedPublisherError =
  | AccessError
  | { kind: "untrusted_provider"; provider: string; trusted: readonly string[] }
  | { kind: "invalid_repository"; provider: string; repository: string }
  | { kind: "invalid_workflow"; provider: string; workflow: string }
  | { kind: "invalid_environment"; environment: string }
  | { kind: "invalid_package_pattern"; pattern: string }
  | { kind: "no_package_patterns" }
  | { kind: "too_many_package_patterns"; max: number }
  | { kind: "pattern_outside_identity"; pattern: string; identity: string }
  | { kind: "trusted_publisher_exists"; identity: string }
  | { kind: "no_such_trusted_publisher"; identity: string; id: string };

export type ExchangeError =
  | IdTokenRefusal
  | ClaimError
  | { kind: "id_token_provider"; issuer: string; provider: string }
  | { kind: "no_trusted_publisher"; provider: string; repository: string }
  | { kind: "workflow_not_trusted"; repository: string; workflow: string; trusted: string[] }
  | {
      kind: "environment_not_trusted";
      repository: string;
      environment: string | undefined;
      trusted: string[];
    }
  | { kind: "repository_replaced"; repository: string }
  | { kind: "id_token_replayed" };

/** What trusted publishing needs of the registry's setting. */
export interface TrustedPublishingContext {
  /** The providers whose issuers the registry trusts. */
  providers: readonly string[];
  /** The identity's settings page, linked from the mails. */
  settingsPage: (identity: string) => string;
}

/** An ID token's `jti` is remembered a while past its expiry, for the clocks' disagreement. */
const REPLAY_MEMORY_MARGIN = 10 * MINUTE;

const view = (record: TrustedPublisherRecord): TrustedPublisherView => ({
  id: record.id,
  provider: record.provider,
  repository: record.repository,
  workflow: record.workflow,
  environment: record.environment ?? null,
  packages: record.packages,
  createdAt: isoTime(record.createdAt),
  createdBy: record.createdBy,
});

const labelOf = (name: string): string => providerNamed(name)?.label ?? name;

/** An identity's trusted publishers, for its admins. */
export function listTrustedPublishers(
  db: Database,
  identity: string,
  viewer: User,
): Result<TrustedPublisherView[], AccessError> {
  const access = authorize(db, identity, viewer, "manage_trusted_publishers");
  return access.ok ? ok(trustedPublishersOf(db, access.value.identity.id).map(view)) : access;
}

/**
 * An admin lets a CI workflow publish some of the identity's packages. The
 * identity's admins are mailed, and the audit log keeps it.
 */
export async function addTrustedPublisher(
  ports: Ports,
  actor: User,
  identityName: string,
  input: CreateTrustedPublisher,
  context: TrustedPublishingContext,
): Promise<Result<TrustedPublisherView, TrustedPublisherError>> {
  const { db } = ports;
  const now = ports.clock.now();
  const added = db.transaction((): Result<TrustedPublisherRecord, TrustedPublisherError> => {
    const access = authorize(db, identityName, actor, "manage_trusted_publishers");
    if (!access.ok) return access;
    const { identity } = access.value;
    const provider = providerNamed(input.provider);
    if (!provider || !context.providers.includes(provider.name)) {
      return err({
        kind: "untrusted_provider",
        provider: input.provider,
        trusted: context.providers,
      });
    }
    const repository = provider.parseRepository(input.repository);
    if (!repository) {
      return err({
        kind: "invalid_repository",
        provider: provider.label,
        repository: input.repository,
      });
    }
    const workflow = provider.parseWorkflow(input.workflow);
    if (!workflow) {
      return err({ kind: "invalid_workflow", provider: provider.label, workflow: input.workflow });
    }
    const environment = input.environment?.trim() || undefined;
    if (environment !== undefined && (environment.length > 255 || /\p{Cc}/u.test(environment))) {
      return err({ kind: "invalid_environment", environment });
    }
    if (input.packages.length === 0) return err({ kind: "no_package_patterns" });
    if (input.packages.length > TOKEN_LIMITS.patterns) {
      return err({ kind: "too_many_package_patterns", max: TOKEN_LIMITS.patterns });
    }
    const packages: string[] = [];
    for (const text of input.packages) {
      const pattern = parsePackagePattern(text);
      if (!pattern) return err({ kind: "invalid_package_pattern", pattern: text });
      if (identityKey(pattern.author) !== identityKey(identity.name)) {
        return err({ kind: "pattern_outside_identity", pattern: text, identity: identity.name });
      }
      packages.push(formatPackagePattern({ author: identity.name, project: pattern.project }));
    }
    const same = trustedPublishersOf(db, identity.id).find(
      (other) =>
        other.provider === provider.name &&
        other.repository.toLowerCase() === repository.toLowerCase() &&
        other.workflow === workflow &&
        (other.environment ?? "").toLowerCase() === (environment ?? "").toLowerCase(),
    );
    if (same) return err({ kind: "trusted_publisher_exists", identity: identity.name });
    const id = ports.random.uuid();
    insertTrustedPublisher(db, {
      id,
      identityId: identity.id,
      provider: provider.name,
      repository,
      workflow,
      environment,
      packages,
      createdAt: now,
      createdBy: actor.id,
    });
    const record = findTrustedPublisher(db, id)!;
    auditChange(db, { at: now, actor, action: "trusted_publisher.add", record });
    return ok(record);
  });
  if (!added.ok) return added;
  await tellAdminsOfChange(ports, "added", added.value, actor, context);
  return ok(view(added.value));
}

/** The audit log's entry for a trusted publisher added or removed. */
function auditChange(
  db: Database,
  change: {
    at: number;
    actor: User;
    action: "trusted_publisher.add" | "trusted_publisher.remove";
    record: TrustedPublisherRecord;
  },
): void {
  const { record } = change;
  recordAudit(db, {
    at: change.at,
    actorId: change.actor.id,
    identityId: record.identityId,
    action: change.action,
    subject: `${labelOf(record.provider)}: ${record.repository} ${record.workflow}`,
    detail: {
      id: record.id,
      provider: record.provider,
      repository: record.repository,
      workflow: record.workflow,
      environment: record.environment ?? null,
      packages: record.packages,
    },
  });
}

/** Tells the identity's admins that a trusted publisher was added or removed, and by whom. */
const tellAdminsOfChange = (
  ports: Ports,
  change: "added" | "removed",
  record: TrustedPublisherRecord,
  actor: User,
  context: TrustedPublishingContext,
): Promise<void> =>
  tellAdmins(
    ports,
    record.identityId,
    trustedPublisherNotice(
      change,
      record.identityName,
      view(record),
      labelOf(record.provider),
      actor,
      context.settingsPage(record.identityName),
    ),
  );

/**
 * An admin removes a trusted publisher: its workflow can no longer publish,
 * and the tokens it was given stop working at once.
 */
export async function removeTrustedPublisher(
  ports: Ports,
  actor: User,
  identityName: string,
  id: string,
  context: TrustedPublishingContext,
): Promise<Result<void, TrustedPublisherError>> {
  const { db } = ports;
  const removed = db.transaction((): Result<TrustedPublisherRecord, TrustedPublisherError> => {
    const access = authorize(db, identityName, actor, "manage_trusted_publishers");
    if (!access.ok) return access;
    const { identity } = access.value;
    const record = findTrustedPublisher(db, id);
    if (!record || record.identityId !== identity.id) {
      return err({ kind: "no_such_trusted_publisher", identity: identity.name, id });
    }
    deleteTrustedPublisher(db, id);
    auditChange(db, { at: ports.clock.now(), actor, action: "trusted_publisher.remove", record });
    return ok(record);
  });
  if (!removed.ok) return removed;
  await tellAdminsOfChange(ports, "removed", removed.value, actor, context);
  return ok(undefined);
}

/** The trusted publishers a run matches, or why it matches none; each step says what failed. */
function matchingPublishers(
  db: Database,
  provider: CiProvider,
  run: WorkflowRun,
): Result<TrustedPublisherRecord[], ExchangeError> {
  const candidates = trustedPublishersFor(db, provider.name, run.repository);
  if (candidates.length === 0) {
    return err({
      kind: "no_trusted_publisher",
      provider: provider.label,
      repository: run.repository,
    });
  }
  const byWorkflow = candidates.filter(
    (candidate) => provider.workflowPath(candidate.workflow) === run.workflowPath,
  );
  if (byWorkflow.length === 0) {
    return err({
      kind: "workflow_not_trusted",
      repository: run.repository,
      workflow: run.workflowPath || run.workflowRef,
      trusted: [...new Set(candidates.map((c) => provider.workflowPath(c.workflow)))],
    });
  }
  const byEnvironment = byWorkflow.filter(
    (candidate) =>
      candidate.environment === undefined ||
      candidate.environment.toLowerCase() === run.environment?.toLowerCase(),
  );
  if (byEnvironment.length === 0) {
    return err({
      kind: "environment_not_trusted",
      repository: run.repository,
      environment: run.environment,
      trusted: [...new Set(byWorkflow.flatMap((c) => c.environment ?? []))],
    });
  }
  const sameRepository = byEnvironment.filter(
    (candidate) =>
      (candidate.repositoryId === undefined || candidate.repositoryId === run.repositoryId) &&
      (candidate.ownerId === undefined || candidate.ownerId === run.ownerId),
  );
  if (sameRepository.length === 0)
    return err({ kind: "repository_replaced", repository: run.repository });
  return ok(sameRepository);
}

/**
 * Trades a CI job's ID token for a publish token. The ID token is verified
 * against its issuer's keys (by the verifier); its claims must then match a
 * trusted publisher exactly, and its `jti` must not have been seen before.
 * The publish token may publish the matched publishers' packages for half an
 * hour, and nothing else.
 */
export async function exchangeIdToken(
  ports: Ports,
  verifier: IdTokenVerifier,
  idToken: string,
  audience: string,
): Promise<Result<PublishToken, ExchangeError>> {
  const verified = await verifier.verify(idToken, audience);
  if (!verified.ok) return verified;
  const { issuer, claims } = verified.value;
  const provider = providerNamed(verified.value.provider);
  if (!provider)
    return err({ kind: "id_token_provider", issuer, provider: verified.value.provider });
  const described = provider.run(claims, issuer);
  if (!described.ok) return described;
  const run = described.value;
  const jti = String(claims.jti);
  const { db } = ports;
  const now = ports.clock.now();
  return db.transaction((): Result<PublishToken, ExchangeError> => {
    const matched = matchingPublishers(db, provider, run);
    if (!matched.ok) return matched;
    const fresh = useIdTokenOnce(db, {
      issuer,
      jti,
      expiresAt: verified.value.expiresAt + REPLAY_MEMORY_MARGIN,
      now,
    });
    if (!fresh) return err({ kind: "id_token_replayed" });
    if (run.repositoryId !== undefined && run.ownerId !== undefined) {
      for (const publisher of matched.value) {
        pinRepositoryIds(db, publisher.id, {
          repositoryId: run.repositoryId,
          ownerId: run.ownerId,
        });
      }
    }
    findOrCreateWorkflowUser(db, provider.label, now);
    const token = mintTokenText(ports);
    const expiresAt = now + PUBLISH_TOKEN_MINUTES * MINUTE;
    insertApiToken(db, {
      id: ports.random.uuid(),
      tokenHash: ports.digest.sha256(token),
      holder: { kind: "trusted_publisher", trustedPublisherId: matched.value[0]!.id },
      name: `${provider.label}: ${run.repository} ${run.workflowPath}${run.runId ? ` run ${run.runId}` : ""}`,
      actions: ["publish"],
      packages: [...new Set(matched.value.flatMap((publisher) => publisher.packages))],
      cidrs: [],
      workflowRun: { ...run, trustedPublishers: matched.value.map((publisher) => publisher.id) },
      createdAt: now,
      expiresAt,
    });
    return ok({ token, expiresAt: isoTime(expiresAt) });
  });
}
