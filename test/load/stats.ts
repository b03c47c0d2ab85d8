import { percentile } from '../support/stats.ts';
/**
 * What the load test counts: every request by route, its latency, and how it ended. Latencies
 * are kept whole (a 60 s run at 1,000 VUs is ~10^5 numbers), so percentiles are exact, not
 * estimated from buckets.
 */

/** How a request ended, as a client sees it. */
export type Verdict =
  /** 2xx: what the client asked for. */
  | 'ok'
  /** An honest "not now": 503 with Retry-After, or 409 IDEMPOTENCY_IN_PROGRESS; the client retries and nothing was lost. */
  | 'retryable'
  /** Anything else: a failure the player would see (4xx the client did not cause, 5xx, no answer). */
  | 'error';

export interface Recorded {
  readonly route: string;
  /** The HTTP status, or `timeout` / `socket` when no answer came. */
  readonly status: number | 'timeout' | 'socket';
  /** The problem+json `code` of an error answer. */
  readonly code?: string;
  readonly verdict: Verdict;
  /** Time to the whole answer; undefined when none came. */
  readonly ms?: number;
}

export interface RouteSummary {
  readonly route: string;
  readonly requests: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** By `status code`, e.g. `503 SERVICE_UNAVAILABLE`. */
  readonly retryable: Record<string, number>;
  readonly errors: Record<string, number>;
}

export interface StatsSummary {
  readonly seconds: number;
  readonly requests: number;
  readonly reqPerSec: number;
  readonly retryable: number;
  readonly errors: number;
  readonly routes: readonly RouteSummary[];
  /** Requests, errors and retryable answers completed in each second since the start. */
  readonly timeline: readonly { readonly second: number; readonly requests: number; readonly retryable: number; readonly errors: number }[];
}

interface RouteCounts {
  readonly latencies: number[];
  requests: number;
  readonly retryable: Record<string, number>;
  readonly errors: Record<string, number>;
}

const increment = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);


export class LoadStats {
  private readonly routes = new Map<string, RouteCounts>();
  private readonly perSecond: { requests: number; retryable: number; errors: number }[] = [];
  private readonly startedAt = performance.now();
  requests = 0;
  retryable = 0;
  errors = 0;

  record(sample: Recorded): void {
    let counts = this.routes.get(sample.route);
    if (!counts) this.routes.set(sample.route, (counts = { latencies: [], requests: 0, retryable: {}, errors: {} }));
    counts.requests++;
    this.requests++;
    if (sample.ms !== undefined) counts.latencies.push(sample.ms);
    const second = Math.floor((performance.now() - this.startedAt) / 1000);
    const slot = (this.perSecond[second] ??= { requests: 0, retryable: 0, errors: 0 });
    slot.requests++;
    const label = sample.code ? `${sample.status} ${sample.code}` : String(sample.status);
    if (sample.verdict === 'retryable') {
      increment(counts.retryable, label);
      this.retryable++;
      slot.retryable++;
    } else if (sample.verdict === 'error') {
      increment(counts.errors, label);
      this.errors++;
      slot.errors++;
    }
  }

  /** Rates over `seconds`, the load phase's wall time. */
  summary(seconds: number): StatsSummary {
    const routes = [...this.routes.entries()]
      .map(([route, counts]): RouteSummary => {
        const sorted = [...counts.latencies].sort((a, b) => a - b);
        return {
          route,
          requests: counts.requests,
          reqPerSec: counts.requests / seconds,
          p50Ms: percentile(sorted, 50),
          p90Ms: percentile(sorted, 90),
          p99Ms: percentile(sorted, 99),
          maxMs: sorted.at(-1) ?? 0,
          retryable: counts.retryable,
          errors: counts.errors,
        };
      })
      .sort((a, b) => b.requests - a.requests);
    const timeline = Array.from(this.perSecond, (slot, second) => ({ second, ...(slot ?? { requests: 0, retryable: 0, errors: 0 }) }));
    return { seconds, requests: this.requests, reqPerSec: this.requests / seconds, retryable: this.retryable, errors: this.errors, routes, timeline };
  }
}
