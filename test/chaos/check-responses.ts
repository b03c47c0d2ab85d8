import type { Outcome } from './http.ts';
import type { Violations } from './violations.ts';

/** What an op expects may legitimately go wrong with one of its requests. */
export interface Allowance {
  /** An `error` fault is armed on this request's own path: a 500 INTERNAL is that fault, by design. */
  readonly injectedError?: boolean;
  /** A `crash` fault is armed: the process may die under the request, dropping the connection. */
  readonly crashArmed?: boolean;
}

/** Stack frames or source paths in a body are internals a client must never see. */
const INTERNALS = /\bat .+\.(ts|js):\d+|node_modules|\/work\//;

/**
 * The rules every answer obeys: no 5xx but an honest 503 with Retry-After (and the 500 of a fault
 * the op injected itself), every error problem+json with its code and status, no internals, and
 * no dropped connection unless the op armed a crash. `route` names the route, not the caller.
 */
export function judgeResponse(violations: Violations, opIndex: number, route: string, outcome: Outcome, allowance: Allowance = {}): void {
  if (!outcome.ok) {
    if (!allowance.crashArmed) violations.add('http.connection', `${route}: no answer (${outcome.error})`, opIndex);
    return;
  }
  const { status, json } = outcome;
  if (status >= 500) {
    const honest503 = status === 503 && outcome.retryAfter !== null;
    const injected500 = status === 500 && allowance.injectedError === true && json?.code === 'INTERNAL';
    if (!honest503 && !injected500) {
      const why = status === 503 ? '503 without Retry-After' : `${status}`;
      violations.add('http.5xx', `${route}: ${why} ${json?.code ?? ''} "${json?.detail ?? outcome.text.slice(0, 120)}"`, opIndex);
    }
  }
  if (status >= 400) {
    if (!outcome.contentType.startsWith('application/problem+json') || typeof json?.code !== 'string' || json?.status !== status) {
      violations.add('http.problem', `${route}: ${status} is not problem+json with its code and status (${outcome.contentType}: ${outcome.text.slice(0, 120)})`, opIndex);
    }
    if (INTERNALS.test(outcome.text)) violations.add('http.internals', `${route}: ${status} body shows internals: ${outcome.text.slice(0, 200)}`, opIndex);
  }
}

/** The answer's status, or 0 for a dropped connection. */
export const statusOf = (outcome: Outcome): number => (outcome.ok ? outcome.status : 0);

/** The problem's code, if the answer is one. */
export const codeOf = (outcome: Outcome): string | undefined => (outcome.ok && outcome.status >= 400 ? outcome.json?.code : undefined);
