import type { FastifyRequest } from "fastify";

/**
 * The settings of the site's cookies: HttpOnly and SameSite=Lax; Secure when
 * the browser reaches the site over HTTPS, which it does whenever the public
 * URL says so, whether or not a proxy in front of the server says so too.
 */
export function siteCookies(publicUrl: string) {
  const httpsPublic = new URL(publicUrl).protocol === "https:";
  return (request: FastifyRequest, maxAgeSeconds?: number) => ({
    path: "/",
    httpOnly: true,
    sameSite: "lax" as const,
    secure: httpsPublic || request.protocol === "https",
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  });
}
