import { z } from 'zod';
import { ApiError } from '../../shared/http/problem.ts';
import { validate } from '../../shared/http/request.ts';
import { ClockWentBack, type LocalClock } from './clock.ts';
import { faultRuleSchema, type LocalFaults } from './faults.ts';
import type { LocalJwtIssuer } from './jwt-issuer.ts';

/** A schedule that fired because the clock passed its time. */
export interface FiredSchedule {
  readonly schedule: string;
  readonly at: string;
}

export interface ControlDeps {
  readonly clock: LocalClock;
  readonly issuer: LocalJwtIssuer;
  readonly faults: LocalFaults;
  /** Each dependency's state; the stack is healthy when all are 'ok'. */
  readonly health: () => Promise<Record<string, string>>;
  /** Runs, in time order, every schedule whose time lies in (from, to]. */
  readonly runSchedulesBetween: (from: Date, to: Date) => Promise<FiredSchedule[]>;
}

export interface ControlResult {
  readonly status: number;
  readonly body: unknown;
}

type ControlRoute = (deps: ControlDeps, body: unknown) => Promise<ControlResult>;

const signInBody = z.strictObject({ username: z.string().regex(/^[\w.@+-]{1,64}$/, 'must be 1-64 letters, digits or ._@+-') });
const clockBody = z.union([
  z.strictObject({ now: z.iso.datetime({ offset: true }) }),
  z.strictObject({ advanceSeconds: z.number().int().min(0).max(366 * 24 * 3600) }),
]);

/** The `/_local/*` API: never deployed, never behind the authorizer. */
export const controlRoutes: Record<string, ControlRoute> = {
  'GET /_local/health': async (deps) => {
    const checks = await deps.health();
    const ok = Object.values(checks).every((state) => state === 'ok');
    return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', now: deps.clock.now().toISOString(), ...checks } };
  },

  'POST /_local/sign-in': async (deps, body) => {
    const { username } = validate(signInBody, body, 'sign-in body is invalid');
    return { status: 200, body: await deps.issuer.signIn(username) };
  },

  'GET /_local/clock': async (deps) => ({ status: 200, body: { now: deps.clock.now().toISOString() } }),

  'POST /_local/clock': async (deps, body) => {
    const move = validate(clockBody, body, 'send { "now": ISO-8601 } or { "advanceSeconds": n }');
    const current = deps.clock.now();
    const to = 'now' in move ? new Date(move.now) : new Date(current.getTime() + move.advanceSeconds * 1000);
    let from: Date;
    try {
      from = deps.clock.moveTo(to);
    } catch (error) {
      if (error instanceof ClockWentBack) throw new ApiError('CLOCK_MOVED_BACK', error.message);
      throw error;
    }
    const fired = await deps.runSchedulesBetween(from, to);
    return { status: 200, body: { now: deps.clock.now().toISOString(), fired } };
  },

  'GET /_local/faults': async (deps) => ({ status: 200, body: { items: deps.faults.list() } }),

  'POST /_local/faults': async (deps, body) => {
    const rule = validate(faultRuleSchema, body, 'fault rule is invalid');
    deps.faults.arm(rule);
    return { status: 201, body: rule };
  },

  'DELETE /_local/faults': async (deps) => {
    deps.faults.clear();
    return { status: 204, body: undefined };
  },
};
