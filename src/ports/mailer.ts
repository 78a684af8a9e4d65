export interface Mail {
  to: string;
  subject: string;
  textBody: string;
}

export type SendResult = { ok: true } | { ok: false; reason: string };

export interface Mailer {
  send(mail: Mail): Promise<SendResult>;
}
