export type PostResult = { ok: true; status: number } | { ok: false; error: string };

/** Outgoing HTTP, for webhook deliveries. */
export interface HttpOut {
  post(
    url: string,
    request: { headers: Record<string, string>; body: string; timeoutMs: number },
  ): Promise<PostResult>;
}
