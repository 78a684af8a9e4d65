import type { HttpOut } from "../ports/http.ts";

export const fetchHttpOut: HttpOut = {
  async post(url, request) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        redirect: "manual",
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      // The body is not needed, but must be consumed to free the connection.
      await response.arrayBuffer().catch(() => undefined);
      return { ok: true, status: response.status };
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      return { ok: false, error: cause ?? (error as Error).message };
    }
  },
};
