import { type Static, Type } from "typebox";
import { Role } from "./identities.ts";

export const Email = Type.String({ maxLength: 320 });

export const LoginRequest = Type.Object({ email: Email });
export type LoginRequest = Static<typeof LoginRequest>;

export const LoginStarted = Type.Object({ fetchSessionToken: Type.String() });
export type LoginStarted = Static<typeof LoginStarted>;

/** Without a code, it waits for the login to be confirmed by the link in the mail. */
export const CodeExchange = Type.Object({
  fetchSessionToken: Type.String({ maxLength: 200 }),
  emailConfirmationCode: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CodeExchange = Static<typeof CodeExchange>;

export const SessionCreated = Type.Object({ sessionToken: Type.String() });
export type SessionCreated = Static<typeof SessionCreated>;

/** Not confirmed yet: ask again (at once: the wait was on the registry's side). */
export const LoginWaiting = Type.Object({
  status: Type.Literal("waiting"),
  message: Type.String(),
});
export type LoginWaiting = Static<typeof LoginWaiting>;

export const UserView = Type.Object({
  email: Type.String(),
  identities: Type.Array(Type.Object({ name: Type.String(), role: Role })),
});
export type UserView = Static<typeof UserView>;

export const SessionView = Type.Object({
  id: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.String(),
  /** When it ends unless used again before: the idle limit, or the absolute one if sooner. */
  expiresAt: Type.String(),
  /** Whether it is the session this request was made with. */
  current: Type.Boolean(),
});
export type SessionView = Static<typeof SessionView>;

export const SessionList = Type.Object({ sessions: Type.Array(SessionView) });
export type SessionList = Static<typeof SessionList>;

export const SessionParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
