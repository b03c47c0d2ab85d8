import { positiveIntegerEnv } from '../bench/env.ts';

/** The knobs of `npm run load`, all from the environment (README, "Load test"). */
export interface LoadSettings {
  /** Virtual users, each one player playing its own sequential session. */
  readonly vus: number;
  /** How long VUs keep starting new actions; a VU finishes what it is doing (an entry it was told to retry) after that. */
  readonly seconds: number;
  /** VUs start spread evenly over this many seconds: phones do not open the app in the same millisecond. */
  readonly rampSeconds: number;
  /** Mean think time between a VU's actions (exponentially distributed, so arrivals are Poisson-like). */
  readonly thinkMs: number;
  /** Seeds every VU's choices: the same seed makes the same sessions (timings still differ). */
  readonly seed: number;
  /** A running stack to load (its clock is left alone); unset: a fresh `--ephemeral` stack is started. */
  readonly url?: string;
  /** Where a started stack's local clock begins: shortly after a day's start, so entries arrive at 00:00. */
  readonly clock: string;
  /** Keep-alive connections to the stack at most; default one per VU, as each phone holds its own. */
  readonly connections: number;
  /** How long after the end VUs may still retry what they were told to retry (an entry's 503). */
  readonly drainSeconds: number;
}

/** 00:00:30 UTC of today: the tournament was created at 00:00 and entry is open. */
function startOfToday(): string {
  return `${new Date().toISOString().slice(0, 10)}T00:00:30.000Z`;
}

export function loadSettings(): LoadSettings {
  const env = process.env;
  const vus = positiveIntegerEnv('LOAD_VUS', 1000);
  const url = env['LOAD_URL']?.replace(/\/+$/, '') || undefined;
  return {
    vus,
    seconds: positiveIntegerEnv('LOAD_SECONDS', 60),
    rampSeconds: positiveIntegerEnv('LOAD_RAMP_SECONDS', 10),
    thinkMs: positiveIntegerEnv('LOAD_THINK_MS', 1500),
    seed: positiveIntegerEnv('LOAD_SEED', 1),
    ...(url ? { url } : {}),
    clock: env['LOAD_CLOCK'] || startOfToday(),
    connections: positiveIntegerEnv('LOAD_CONNECTIONS', vus),
    drainSeconds: positiveIntegerEnv('LOAD_DRAIN_SECONDS', 60),
  };
}
