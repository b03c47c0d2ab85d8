import { jsonRequest } from '../support/api-client.ts';
/**
 * One HTTP exchange as the checker needs it: status, the headers that matter, the body parsed if
 * it is JSON, or how the connection failed. Unlike test/support/api-client.ts it never throws: a
 * dropped connection is an outcome to judge (expected when the op armed a crash, a violation
 * otherwise).
 */
export type Outcome =
  | {
      readonly ok: true;
      readonly status: number;
      readonly contentType: string;
      readonly retryAfter: string | null;
      readonly text: string;
      /** The body as JSON, or undefined if it is none. */
      readonly json: any;
    }
  | { readonly ok: false; readonly error: string };

/** A bound on one exchange (the entry saga's own limit is 25 s): longer is a hang, not slowness. */
const REQUEST_TIMEOUT_MS = 90_000;

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Outcome> {
  const { headers, body } = jsonRequest(options);
  try {
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return {
      ok: true,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      retryAfter: response.headers.get('retry-after'),
      text,
      json,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, error: `${(error as Error).name}: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
  }
}
