import { Pool } from 'undici';
import type { LoadStats, Verdict } from './stats.ts';
import { jsonRequest } from '../support/api-client.ts';

/** An answer from the stack, whatever its status. */
export interface Answer {
  readonly ok: true;
  readonly status: number;
  /** The problem+json `code` of an error answer. */
  readonly code?: string;
  /** Seconds, from `Retry-After`, when the answer carries one. */
  readonly retryAfterSeconds?: number;
  readonly verdict: Verdict;
  /** The body as JSON (undefined if empty or not JSON). */
  readonly json: any;
}

/** No answer: the client gave up waiting, or the connection failed. */
export interface NoAnswer {
  readonly ok: false;
  readonly kind: 'timeout' | 'socket';
  /** The error's code (`ECONNRESET`, `UND_ERR_HEADERS_TIMEOUT`...). */
  readonly detail: string;
}

export type Outcome = Answer | NoAnswer;

/**
 * HTTP API's integration timeout is 30 s: an answer that takes longer is not coming. A few
 * seconds over it, so the stack's own 503 for a late function arrives before the client gives up.
 */
const CLIENT_TIMEOUT_MS = 35_000;

/** What a client makes of a status: 2xx is done; an honest "not now" is retried; the rest failed. */
export function verdictOf(status: number, code: string | undefined, retryAfter: string | undefined): Verdict {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 503 && retryAfter !== undefined && Number(retryAfter) >= 0) return 'retryable';
  if (status === 409 && code === 'IDEMPOTENCY_IN_PROGRESS') return 'retryable';
  return 'error';
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * One undici keep-alive pool to the stack, so 1,000 VUs cost the driver little CPU (the
 * machine's two cores are shared with the stack it loads).
 */
export class StackConnections {
  readonly pool: Pool;
  /** The base URL's path (a deployed stage's URL may have one), put before every route's path. */
  readonly basePath: string;

  constructor(baseUrl: string, connections: number) {
    const url = new URL(baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections,
      pipelining: 1,
      headersTimeout: CLIENT_TIMEOUT_MS,
      bodyTimeout: CLIENT_TIMEOUT_MS,
      connectTimeout: 10_000,
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The VUs' client: every request is recorded in `stats` under its route name, with its latency and how it ended. */
export class LoadHttp {
  constructor(
    private readonly connections: StackConnections,
    private readonly stats: LoadStats,
  ) {}

  async send(
    route: string,
    method: 'GET' | 'POST',
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Outcome> {
    const { headers, body } = jsonRequest(options);
    const started = performance.now();
    try {
      const response = await this.connections.pool.request({ method, path: `${this.connections.basePath}${path}`, headers, body });
      const json = parseJson(await response.body.text()) as any;
      const ms = performance.now() - started;
      const retryAfter = headerValue(response.headers['retry-after']);
      const code = response.statusCode >= 400 && typeof json?.code === 'string' ? (json.code as string) : undefined;
      const verdict = verdictOf(response.statusCode, code, retryAfter);
      this.stats.record({ route, status: response.statusCode, ...(code ? { code } : {}), verdict, ms });
      return {
        ok: true,
        status: response.statusCode,
        ...(code ? { code } : {}),
        ...(retryAfter !== undefined ? { retryAfterSeconds: Number(retryAfter) } : {}),
        verdict,
        json,
      };
    } catch (error) {
      const detail = String((error as { code?: string }).code ?? (error as Error).name ?? error);
      const kind = /TIMEOUT/i.test(detail) ? 'timeout' : 'socket';
      this.stats.record({ route, status: kind, code: detail, verdict: 'error' });
      return { ok: false, kind, detail };
    }
  }
}
