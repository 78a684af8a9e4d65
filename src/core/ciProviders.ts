import { err, ok, type Result } from "../result.ts";
import type { ProviderName } from "../wire/trustedPublishing.ts";

// The CI services whose workflows can publish, each a small description: its
// issuer, the signing algorithms it uses, how a trusted publisher's
// repository and workflow are written for it, and which claims of its ID
// tokens say the same. Another service is another entry here; which issuers
// are trusted is configuration (REGISTRY_OIDC_ISSUERS).

/** What a verified ID token says about the job that holds it. */
export interface WorkflowRun {
  provider: ProviderName;
  issuer: string;
  /** `owner/name` on GitHub, the project's full path on GitLab. */
  repository: string;
  /** The provider's own ids, which survive renames and die with the repository. */
  repositoryId: string | undefined;
  ownerId: string | undefined;
  /** The workflow file's path in the repository, as the provider names it. */
  workflowPath: string;
  /** The claim that named it, whole (with its ref). */
  workflowRef: string;
  environment: string | undefined;
  ref: string | undefined;
  sha: string | undefined;
  runId: string | undefined;
  /** The provider's user who started the run. */
  triggeredBy: string | undefined;
  /** Where people can look at the run. */
  runUrl: string | undefined;
}

export type Claims = Record<string, unknown>;
export type ClaimError = { kind: "id_token_claim_missing"; claim: string };

export interface CiProvider {
  name: ProviderName;
  /** Who published, for people: the account versions from these workflows are published by. */
  label: string;
  issuer: string;
  algorithms: readonly string[];
  /** A trusted publisher's repository as written, or undefined when it cannot be one. */
  parseRepository(text: string): string | undefined;
  /** A trusted publisher's workflow as written, or undefined when it cannot be one. */
  parseWorkflow(text: string): string | undefined;
  /** The path in the repository a registered workflow stands for. */
  workflowPath(registered: string): string;
  /** What the job's claims say about it. */
  run(claims: Claims, issuer: string): Result<WorkflowRun, ClaimError>;
}

const claimText = (claims: Claims, name: string): string | undefined => {
  const value = claims[name];
  if (typeof value === "string" && value !== "") return value;
  return typeof value === "number" ? String(value) : undefined;
};

function required(claims: Claims, names: readonly string[]): Result<string[], ClaimError> {
  const values: string[] = [];
  for (const name of names) {
    const value = claimText(claims, name);
    if (value === undefined) return err({ kind: "id_token_claim_missing", claim: name });
    values.push(value);
  }
  return ok(values);
}

/** `owner/name`: letters, digits, `-`, `_` and `.`, as GitHub allows. */
const GITHUB_REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const GITHUB_WORKFLOW = /^[A-Za-z0-9._-]{1,200}\.ya?ml$/;
const WORKFLOWS = ".github/workflows/";

export const GITHUB: CiProvider = {
  name: "github",
  label: "GitHub Actions",
  issuer: "https://token.actions.githubusercontent.com",
  algorithms: ["RS256"],
  parseRepository: (text) => (GITHUB_REPOSITORY.test(text.trim()) ? text.trim() : undefined),
  // The file's name, as it sits in .github/workflows/; the whole path is taken too.
  parseWorkflow: (text) => {
    const name = text.trim().replace(/^\.github\/workflows\//, "");
    return GITHUB_WORKFLOW.test(name) ? name : undefined;
  },
  workflowPath: (registered) => `${WORKFLOWS}${registered}`,
  run(claims, issuer) {
    const found = required(claims, ["repository", "repository_owner", "workflow_ref", "jti"]);
    if (!found.ok) return found;
    const [repository, owner, workflowRef] = found.value as [string, string, string];
    // "acme/widgets/.github/workflows/release.yml@refs/tags/v1.0.0": the top-level
    // workflow of the run, in the repository the token is for.
    const prefix = `${repository}/`;
    const at = workflowRef.lastIndexOf("@");
    const workflowPath =
      workflowRef.startsWith(prefix) && at > prefix.length
        ? workflowRef.slice(prefix.length, at)
        : "";
    const runId = claimText(claims, "run_id");
    const attempt = claimText(claims, "run_attempt");
    // github.com's issuer is a service of its own; GitHub Enterprise Server's lives on its host.
    const site = issuer === GITHUB.issuer ? "https://github.com" : new URL(issuer).origin;
    return ok({
      provider: "github",
      issuer,
      repository,
      repositoryId: claimText(claims, "repository_id"),
      ownerId: claimText(claims, "repository_owner_id"),
      workflowPath: repository.split("/")[0] === owner ? workflowPath : "",
      workflowRef,
      environment: claimText(claims, "environment"),
      ref: claimText(claims, "ref"),
      sha: claimText(claims, "sha"),
      runId,
      triggeredBy: claimText(claims, "actor"),
      runUrl:
        runId === undefined
          ? undefined
          : `${site}/${repository}/actions/runs/${runId}${attempt ? `/attempts/${attempt}` : ""}`,
    });
  },
};

/** `group/subgroup/project`. */
const GITLAB_PROJECT = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)+$/;
const GITLAB_CONFIG = /^[A-Za-z0-9._/-]{1,255}\.ya?ml$/;

export const GITLAB: CiProvider = {
  name: "gitlab",
  label: "GitLab CI/CD",
  issuer: "https://gitlab.com",
  algorithms: ["RS256"],
  parseRepository: (text) =>
    text.trim().length <= 255 && GITLAB_PROJECT.test(text.trim()) ? text.trim() : undefined,
  parseWorkflow: (text) => {
    const path = text.trim();
    return GITLAB_CONFIG.test(path) && !path.split("/").includes("..") ? path : undefined;
  },
  workflowPath: (registered) => registered,
  run(claims, issuer) {
    const found = required(claims, ["project_path", "namespace_path", "ci_config_ref_uri", "jti"]);
    if (!found.ok) return found;
    const [repository, namespace, configRef] = found.value as [string, string, string];
    // "gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main"
    const host = new URL(issuer).host;
    const prefix = `${host}/${repository}//`;
    const at = configRef.lastIndexOf("@");
    const workflowPath =
      configRef.startsWith(prefix) && at > prefix.length ? configRef.slice(prefix.length, at) : "";
    const jobId = claimText(claims, "job_id");
    return ok({
      provider: "gitlab",
      issuer,
      repository,
      repositoryId: claimText(claims, "project_id"),
      ownerId: claimText(claims, "namespace_id"),
      workflowPath: repository.startsWith(`${namespace}/`) ? workflowPath : "",
      workflowRef: configRef,
      environment: claimText(claims, "environment"),
      ref: claimText(claims, "ref"),
      sha: claimText(claims, "sha"),
      runId: claimText(claims, "pipeline_id"),
      triggeredBy: claimText(claims, "user_login"),
      runUrl: jobId === undefined ? undefined : `${issuer}/${repository}/-/jobs/${jobId}`,
    });
  },
};

export const CI_PROVIDERS: readonly CiProvider[] = [GITHUB, GITLAB];

export const providerNamed = (name: string): CiProvider | undefined =>
  CI_PROVIDERS.find((provider) => provider.name === name);
