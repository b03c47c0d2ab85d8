import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

/** A seeded player: the floor is told its `sub`, the stack gets its token. */
export interface Player {
  readonly sub: string;
  readonly token: string;
}

export type Side = 'floor' | 'stack';

export interface Target {
  readonly side: Side;
  readonly url: string;
  /** The headers that say who is calling. */
  identify(player: Player): Record<string, string>;
}

export interface Scenario {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  /** Headers that change on every request (beyond the caller's identity). */
  perRequestHeaders?(): Record<string, string>;
}

export interface LoadSettings {
  readonly connections: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Measured runs per side, floor and stack taking turns. */
  readonly rounds: number;
}

export interface RunResult {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Non-2xx responses plus connection errors and timeouts. */
  readonly errors: number;
  /** Count per non-2xx status, and `socket` for connection errors and timeouts. */
  readonly errorsBy: Record<string, number>;
}

export interface SideResult {
  /** The run kept for the comparison: the highest req/s of the measured runs. */
  readonly best: RunResult;
  readonly runs: readonly RunResult[];
  /** Every failed request of this side, warm-ups included: none should fail anywhere. */
  readonly errors: number;
  readonly errorsBy: Record<string, number>;
}

export interface Comparison {
  readonly scenario: string;
  readonly floor: SideResult;
  readonly stack: SideResult;
  /** stack req/s ÷ floor req/s of the best runs: 1 would be no overhead at all. */
  readonly ratio: number;
}

export const getMe: Scenario = { name: 'GET /users/me', method: 'GET', path: '/users/me' };

const idempotencyPrefix = randomUUID();
let idempotencySerial = 0;

export const recordProgress: Scenario = {
  name: 'POST /users/me/progress',
  method: 'POST',
  path: '/users/me/progress',
  body: JSON.stringify({ levelIncrease: 1 }),
  // A new key every time: a reused key would be a replay, not a level-up.
  perRequestHeaders: () => ({ 'idempotency-key': `${idempotencyPrefix}-${++idempotencySerial}` }),
};

/**
 * The scenario as an autocannon request that takes the next player on every send. Round-robin
 * over all players: with far more players than connections, no player has two requests in
 * flight, so the progress transactions never contend.
 */
function rotatingRequest(scenario: Scenario, target: Target, players: readonly Player[]): autocannon.Request {
  let next = 0;
  const contentType: Record<string, string> = scenario.body === undefined ? {} : { 'content-type': 'application/json' };
  return {
    method: scenario.method,
    path: scenario.path,
    body: scenario.body,
    setupRequest: (request) => {
      const player = players[next++ % players.length]!;
      return {
        ...request,
        headers: { ...contentType, ...target.identify(player), ...scenario.perRequestHeaders?.() },
      };
    },
  };
}

function errorsOf(result: autocannon.Result): Record<string, number> {
  const errorsBy: Record<string, number> = {};
  for (const [status, { count = 0 }] of Object.entries(result.statusCodeStats ?? {})) {
    if (!status.startsWith('2') && count > 0) errorsBy[status] = count;
  }
  // `errors` counts connection errors, timeouts included.
  if (result.errors > 0) errorsBy['socket'] = result.errors;
  return errorsBy;
}

async function runLoad(
  scenario: Scenario,
  target: Target,
  players: readonly Player[],
  connections: number,
  seconds: number,
): Promise<RunResult> {
  const result = await autocannon({
    url: target.url,
    connections,
    duration: seconds,
    requests: [rotatingRequest(scenario, target, players)],
  });
  const errorsBy = errorsOf(result);
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: sum(Object.values(errorsBy)),
    errorsBy,
  };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function addErrors(into: Record<string, number>, from: Record<string, number>): void {
  for (const [kind, count] of Object.entries(from)) into[kind] = (into[kind] ?? 0) + count;
}

/**
 * Runs a scenario against both targets, taking turns (floor, stack, floor, stack...) so a noisy
 * moment of the machine hits both sides alike, and keeps each side's best measured run. Each
 * measured run follows its own warm-up, whose figures are dropped but whose errors still count.
 */
export async function compare(
  scenario: Scenario,
  targets: { floor: Target; stack: Target },
  players: readonly Player[],
  settings: LoadSettings,
  progress: (line: string) => void,
): Promise<Comparison> {
  const measured: Record<Side, RunResult[]> = { floor: [], stack: [] };
  const errorsBy: Record<Side, Record<string, number>> = { floor: {}, stack: {} };
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of [targets.floor, targets.stack]) {
      const warmup = await runLoad(scenario, target, players, settings.connections, settings.warmupSeconds);
      const run = await runLoad(scenario, target, players, settings.connections, settings.seconds);
      addErrors(errorsBy[target.side], warmup.errorsBy);
      addErrors(errorsBy[target.side], run.errorsBy);
      measured[target.side].push(run);
      progress(
        `${scenario.name} ${target.side} round ${round}: ${run.reqPerSec.toFixed(0)} req/s, ` +
          `p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, errors ${warmup.errors + run.errors}`,
      );
    }
  }
  const sideResult = (side: Side): SideResult => ({
    best: measured[side].reduce((a, b) => (b.reqPerSec > a.reqPerSec ? b : a)),
    runs: measured[side],
    errors: sum(Object.values(errorsBy[side])),
    errorsBy: errorsBy[side],
  });
  const floor = sideResult('floor');
  const stack = sideResult('stack');
  return { scenario: scenario.name, floor, stack, ratio: stack.best.reqPerSec / floor.best.reqPerSec };
}
