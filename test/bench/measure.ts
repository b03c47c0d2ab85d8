import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { median } from '../support/stats.ts';

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
  /** Once per side before the first round: DynamoDB Local's JVM needs a while to reach speed. */
  readonly primeSeconds: number;
  /** Before each measured run, for the target's own JIT and connections. */
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

/** A side's figures for the comparison: the median of its measured runs, figure by figure. */
export interface Figures {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface SideResult {
  readonly median: Figures;
  readonly runs: readonly RunResult[];
  /** Every failed request of this side, warm-ups included: none should fail anywhere. */
  readonly errors: number;
  readonly errorsBy: Record<string, number>;
}

export interface Comparison {
  readonly scenario: string;
  readonly floor: SideResult;
  readonly stack: SideResult;
  /** stack req/s ÷ floor req/s, medians: 1 would be no overhead at all. */
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

/** What autocannon keeps per request, from setupRequest to onResponse. */
interface RequestContext {
  player?: Player;
}

/**
 * The scenario as an autocannon request that goes out as the player idle the longest, who
 * rejoins the queue when the response comes back. So requests rotate over all the players and a
 * player never has two in flight: progress transactions never contend for a profile.
 */
function rotatingRequest(scenario: Scenario, target: Target, players: readonly Player[]): autocannon.Request {
  const idle = [...players];
  const contentType: Record<string, string> = scenario.body === undefined ? {} : { 'content-type': 'application/json' };
  return {
    method: scenario.method,
    path: scenario.path,
    body: scenario.body,
    setupRequest: (request, context) => {
      // Only connection errors (never answered, so never given back) can empty the queue; they
      // are reported, and the run goes on with a player that may be in flight.
      const player = idle.shift() ?? players[0]!;
      (context as RequestContext).player = player;
      return {
        ...request,
        headers: { ...contentType, ...target.identify(player), ...scenario.perRequestHeaders?.() },
      };
    },
    onResponse: (_status, _body, context) => {
      const { player } = context as RequestContext;
      if (player) idle.push(player);
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
  // autocannon stops without waiting for the requests in flight: let the server finish them, so
  // they neither slow the next run down nor contend with its first requests.
  await sleep(1000);
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function addErrors(into: Record<string, number>, from: Record<string, number>): void {
  for (const [kind, count] of Object.entries(from)) into[kind] = (into[kind] ?? 0) + count;
}

/**
 * Runs a scenario against both targets, taking turns so a noisy moment of the machine hits both
 * sides alike, and keeps the median of each side's measured runs. The order swaps every round
 * (floor, stack, stack, floor...): DynamoDB Local keeps getting faster for minutes as its JVM
 * warms up, which would favour whichever side always went second; swapped turns and medians
 * cancel such a steady drift. Before that each side is primed once, and each measured run
 * follows its own warm-up; their figures are dropped but their errors still count.
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
  const unmeasured = async (target: Target, seconds: number) => {
    const run = await runLoad(scenario, target, players, settings.connections, seconds);
    addErrors(errorsBy[target.side], run.errorsBy);
  };

  for (const target of [targets.floor, targets.stack]) await unmeasured(target, settings.primeSeconds);
  for (let round = 1; round <= settings.rounds; round++) {
    const turns = round % 2 === 1 ? [targets.floor, targets.stack] : [targets.stack, targets.floor];
    for (const target of turns) {
      await unmeasured(target, settings.warmupSeconds);
      const run = await runLoad(scenario, target, players, settings.connections, settings.seconds);
      addErrors(errorsBy[target.side], run.errorsBy);
      measured[target.side].push(run);
      progress(
        `${scenario.name} ${target.side} round ${round}: ${run.reqPerSec.toFixed(0)} req/s, ` +
          `p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, errors ${run.errors}`,
      );
    }
  }
  const sideResult = (side: Side): SideResult => ({
    median: {
      reqPerSec: median(measured[side].map((run) => run.reqPerSec)),
      p50Ms: median(measured[side].map((run) => run.p50Ms)),
      p99Ms: median(measured[side].map((run) => run.p99Ms)),
    },
    runs: measured[side],
    errors: sum(Object.values(errorsBy[side])),
    errorsBy: errorsBy[side],
  });
  const floor = sideResult('floor');
  const stack = sideResult('stack');
  return { scenario: scenario.name, floor, stack, ratio: stack.median.reqPerSec / floor.median.reqPerSec };
}
