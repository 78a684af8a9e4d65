import { appendFileSync } from "node:fs";
import type { Mail, Mailer } from "../../ports/mailer.ts";

/**
 * Mail for local use: printed to the console so a developer can log in
 * without a mail service, and appended as one JSON line to `outbox` when set,
 * so scripts and tests can read it.
 */
export function consoleMailer(options: {
  outbox?: string | undefined;
  print: (text: string) => void;
}): Mailer {
  return {
    async send(mail: Mail) {
      try {
        options.print(`Mail to ${mail.to}\nSubject: ${mail.subject}\n\n${mail.textBody}`);
        if (options.outbox) {
          const { to, subject, textBody } = mail;
          appendFileSync(options.outbox, `${JSON.stringify({ to, subject, textBody })}\n`);
        }
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
    },
  };
}
