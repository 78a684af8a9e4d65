import type { Mailer } from "../../ports/mailer.ts";
import type { MailConfig } from "../config.ts";
import { consoleMailer } from "./console.ts";
import { postmarkMailer } from "./postmark.ts";

export function mailerFor(config: MailConfig, print: (text: string) => void): Mailer {
  return config.kind === "postmark"
    ? postmarkMailer(config)
    : consoleMailer({ outbox: config.outbox, print });
}
