import type { Ports } from "../ports/index.ts";
import type { Mail } from "../ports/mailer.ts";
import type { TokenView } from "../wire/tokens.ts";
import type { TrustedPublisherView } from "../wire/trustedPublishing.ts";
import type { WorkflowRun } from "./ciProviders.ts";
import { membersOf } from "./stores/identities.ts";
import type { User } from "./stores/users.ts";

// The mails that tell people of what machines may now do, and did, in their
// name: a new API token to its owner; a trusted publisher added or removed,
// and a version published by a token or a workflow, to the identity's admins.
// A mail that cannot be sent does not undo what it tells of.

const REGISTRY = "the Gren package registry";

export function tokenCreatedNotice(owner: User, token: TokenView, accountPage: string): Mail {
  return {
    to: owner.email,
    subject: `A new API token, ${token.name}, was made for your account`,
    textBody: [
      `An API token named "${token.name}" was made for your account on ${REGISTRY}.`,
      "",
      `It may ${token.actions.join(" and ")} ${token.packages.join(", ")}, until ${token.expiresAt}${
        token.cidrs.length > 0 ? `, from ${token.cidrs.join(", ")}` : ""
      }.`,
      "",
      `If you did not make it, revoke it at once on your account page, and end your other sessions there: ${accountPage}`,
      "",
    ].join("\n"),
  };
}

const describePublisher = (publisher: TrustedPublisherView, label: string): string =>
  `${label}: the workflow ${publisher.workflow} of ${publisher.repository}${
    publisher.environment === null ? "" : `, in the environment ${publisher.environment}`
  }, for ${publisher.packages.join(", ")}`;

export function trustedPublisherNotice(
  change: "added" | "removed",
  identity: string,
  publisher: TrustedPublisherView,
  label: string,
  by: User,
  settingsPage: string,
): Omit<Mail, "to"> {
  return {
    subject: `A trusted publisher was ${change} ${change === "added" ? "to" : "from"} ${identity}`,
    textBody: [
      `${by.email} ${change} a trusted publisher ${change === "added" ? "to" : "from"} the identity ${identity} on ${REGISTRY}:`,
      "",
      `  ${describePublisher(publisher, label)}`,
      "",
      change === "added"
        ? "Runs of that workflow can now publish those packages without any stored secret."
        : "Runs of that workflow can no longer publish; tokens it was given stopped working.",
      `The identity's trusted publishers: ${settingsPage}`,
      "",
    ].join("\n"),
  };
}

/** How a version came to be published by a machine, for the mail and the audit log. */
export type MachinePublication =
  | { kind: "api_token"; owner: string; tokenName: string; tokenId: string }
  | { kind: "trusted_publisher"; label: string; run: WorkflowRun };

export function machinePublishedNotice(
  name: string,
  version: string,
  via: MachinePublication,
): Omit<Mail, "to"> {
  const how =
    via.kind === "api_token"
      ? [`by ${via.owner}, with the API token "${via.tokenName}" (${via.tokenId}).`]
      : [
          `by ${via.label}, for a trusted publisher: the workflow ${via.run.workflowPath} of ${via.run.repository}.`,
          "",
          ...[
            via.run.runUrl && `  run:          ${via.run.runUrl}`,
            `  workflow:     ${via.run.workflowRef}`,
            via.run.environment && `  environment:  ${via.run.environment}`,
            via.run.sha && `  commit:       ${via.run.sha}`,
            via.run.triggeredBy && `  started by:   ${via.run.triggeredBy}`,
          ].filter((line): line is string => typeof line === "string"),
        ];
  return {
    subject: `${name} ${version} was published by ${via.kind === "api_token" ? "an API token" : via.label}`,
    textBody: [
      `${name} ${version} was published on ${REGISTRY}`,
      ...how,
      "",
      "If it should not have been, revoke the version, and the token or the trusted publisher.",
      "",
    ].join("\n"),
  };
}

/** Sends the mail to each admin of the identity; failures are not the change's. */
export async function tellAdmins(
  ports: Ports,
  identityId: number,
  mail: Omit<Mail, "to">,
): Promise<void> {
  const admins = membersOf(ports.db, identityId).filter((member) => member.role === "admin");
  await Promise.all(admins.map((admin) => ports.mailer.send({ ...mail, to: admin.email })));
}
