import type { Outcome } from './http.ts';

/** How a VU retries, as a game client would. */
export interface RetryPolicy {
  /** No retry starts after this (epoch ms): the run's end, or its end plus the drain for an entry. */
  readonly giveUpAt: number;
  /** Retries of an honest "not now" (503 + Retry-After, 409 IDEMPOTENCY_IN_PROGRESS). */
  readonly maxRetryable: number;
  /** Retries of a 5xx or a request that got no answer (the same key: a retry changes nothing twice). */
  readonly maxFailed: number;
}

export interface Retried {
  /** The last outcome: the answer the VU acts on. */
  readonly outcome: Outcome;
  readonly attempts: number;
}

export type Send = () => Promise<Outcome>;

/** Waits, unless the run is being stopped (Ctrl-C). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Sends until the answer is final: retries a 503 after its Retry-After (a 409 in-progress after
 * a second), each wait stretched by up to 20 % of jitter so retries do not arrive in
 * step; retries a 5xx or a lost answer after 1 s, then 2 s; returns a 4xx at once (a retry
 * cannot change it). Every attempt is recorded by the client, so the figures show each retry.
 */
export async function sendWithRetries(send: Send, policy: RetryPolicy, random: () => number, signal?: AbortSignal): Promise<Retried> {
  let retryable = 0;
  let failed = 0;
  for (let attempts = 1; ; attempts++) {
    const outcome = await send();
    let waitMs: number;
    if (outcome.ok && outcome.verdict === 'ok') return { outcome, attempts };
    if (outcome.ok && outcome.verdict === 'retryable') {
      if (++retryable > policy.maxRetryable) return { outcome, attempts };
      // 409 IDEMPOTENCY_IN_PROGRESS carries no Retry-After: the first request is still running, a second is a fair wait.
      waitMs = outcome.status === 503 ? (outcome.retryAfterSeconds ?? 1) * 1000 : 1000;
    } else if (!outcome.ok || outcome.status >= 500) {
      if (++failed > policy.maxFailed) return { outcome, attempts };
      waitMs = 1000 * failed;
    } else {
      return { outcome, attempts };
    }
    waitMs *= 1 + 0.2 * random();
    if (signal?.aborted || Date.now() + waitMs > policy.giveUpAt) return { outcome, attempts };
    await pause(waitMs, signal);
  }
}

/** A short name for an outcome, for violation messages. */
export function describe(outcome: Outcome): string {
  if (!outcome.ok) return `no answer (${outcome.detail})`;
  return outcome.code ? `${outcome.status} ${outcome.code}` : String(outcome.status);
}

