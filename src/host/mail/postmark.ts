import { ServerClient } from "postmark";
import type { Mail, Mailer } from "../../ports/mailer.ts";

export interface PostmarkOptions {
  serverToken: string;
  from: string;
  /** Another base URL for the Postmark API (a proxy, or a fake in tests). */
  apiUrl?: string | undefined;
}

export function postmarkMailer(options: PostmarkOptions): Mailer {
  const client = new ServerClient(options.serverToken, {
    timeout: 15,
    ...endpoint(options.apiUrl),
  });
  return {
    async send(mail: Mail) {
      try {
        await client.sendEmail({
          From: options.from,
          To: mail.to,
          Subject: mail.subject,
          TextBody: mail.textBody,
          MessageStream: "outbound",
        });
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
    },
  };
}

function endpoint(apiUrl: string | undefined) {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  return {
    useHttps: url.protocol === "https:",
    requestHost: url.host + url.pathname.replace(/\/$/, ""),
  };
}
