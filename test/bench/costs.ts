import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import { findGameTable, localClient } from '../../infra/local/dynamodb-local.ts';
import { startClusterRedis } from '../../infra/local/redis-server.ts';
import { createTableRef, type TableRef } from '../../shared/adapters/dynamo/client.ts';
import { levelUpItem } from '../../shared/adapters/dynamo/items/level-up.ts';
import { tournamentItem } from '../../shared/adapters/dynamo/items/tournament.ts';
import { redisKeys } from '../../shared/adapters/redis/keys.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { ApiClient, type ApiResponse } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { seedDay } from '../support/seed-day.ts';
import { costPerMillion, noUsage, type CostBreakdown, type OperationUsage } from './aws-prices.ts';
import { DynamoDbCapacityCounter, dynamoDbUsageMinus } from './dynamodb-capacity-counter.ts';
import { redisUsageMinus } from './redis-command-counter.ts';
import { positiveIntegerEnv } from './env.ts';
import { Meter, sleep, type Window } from './cost-windows.ts';
import { RedisCommandCounter } from './redis-command-counter.ts';

/**
 * The `costs` phase of `npm run bench`: what each operation costs, in DynamoDB request units and
 * Redis commands, against what the design needs, and in dollars per 1,000,000 on AWS.
 *
 * How it counts. A local stack of its own runs with DYNAMODB_ENDPOINT at a proxy that asks
 * DynamoDB Local for each request's consumed capacity (dynamodb-capacity-counter.ts) and
 * REDIS_URL at a proxy that counts the commands sent to a private cluster-mode redis-server
 * (redis-command-counter.ts); nothing else uses either proxy, and no other stack runs meanwhile
 * (run.ts runs this phase alone). Each operation is sent over HTTP as a client would, on a warm
 * stack (its functions and scripts loaded by a first, unmeasured call), BENCH_COST_REPETITIONS
 * (20) times one after another, and measured as the difference of the proxies' counters around
 * it; the rows are the means.
 *
 * What else could land in a window, and how it is kept out:
 * - The scheduled jobs (the sweeper and the board watcher run every minute of the stack's
 *   clock): no window starts just before a whole minute of that clock, and a window that still
 *   reaches one (or the few seconds after it) is dropped (`n` counts the kept ones; cost-windows.ts).
 * - The stream consumer, which scores a progress call's level-up: its work is "level-up
 *   scored", not "progress". The DynamoDB proxy holds the stream's GetRecords while a progress
 *   call runs (and first waits for any read in flight), so the consumer cannot see the level-up
 *   before the progress window is closed; then the stream is released, and the consumer's window
 *   runs until its outbox item is marked scored and both proxies have been idle for
 *   CONSUMER_IDLE_MS (its last call, the group board's script, comes right after).
 * - Requests still in flight after an answer: every window ends once both proxies are idle.
 *
 * The seal is measured once, for a day of SEALED_ENTRANTS seeded entrants plus the measured
 * ones: from moving the clock past midnight to the day's CLOSED, everything that runs then (the
 * midnight jobs too), divided by the entrants. Claims follow, on the sealed day.
 */

/** A day no other phase uses (they share one DynamoDB Local), in its entry window. */
const DAY = '2032-06-15';
const STACK_START = `${DAY}T01:00:00Z`;
/** Past the seal's 60 s grace after the day's end. */
const SEAL_AT = '2032-06-16T00:02:00Z';
const REPETITIONS = positiveIntegerEnv('BENCH_COST_REPETITIONS', 20);
/** Players on the global board besides the measured ones: a top-100 page is a full page. */
const BOARD_FILLERS = 100;
/** Seeded straight into the table: the seal's per-entrant figure is then not one group's. */
const SEALED_ENTRANTS = 3_500;
/** Levels the measured players first gain, unentered: from the start level to the entry level. */
const LEVELS_TO_ENTER = gameRules.tournament.minLevel - gameRules.profile.startLevel;
const CONSUMER_IDLE_MS = 300;

/** What the design needs for an operation: its one-line reason names the calls. */
export interface Minimum {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly redisCommands: number;
  readonly why: string;
}

/*
 * The minimum per operation, by DynamoDB's billing rules. Items are under 1 KB (a write unit
 * each, two in a transaction, a ConditionCheck counted as one of its writes; a read is a unit
 * strongly consistent, half eventually) except a group's sealed standings (~4.5 KB for 35) and
 * a group's members (35 items, ~9 KB read at once). An item entering or leaving a GSI1 listing
 * (an unsettled entry, an unscored level-up, a group) also writes the index: +1 unit (+2 in a
 * transaction). Not in the minimum: an update of an item that stays listed rewrites its index
 * entry too (GSI1 projects ALL attributes), and the tournament record (eventually consistent,
 * cached 30 s per container) adds 0.5 now and then to the operations that read it.
 */
export const MINIMUMS = {
  createProfile: {
    readUnits: 0, writeUnits: 6, redisCommands: 1,
    why: '1 transaction of 2 writes (the profile, conditional: coins granted once; its arrival, the outbox item + its GSI1 listing) + 1 script (raise on the global board, so the first read finds the player)',
  },
  arrivalPlaced: {
    readUnits: 0.5, writeUnits: 2, redisCommands: 1,
    why: '1 read of the name (0.5) + 1 script (global board: the sure write, after the best-effort one) + outbox mark (off GSI1)',
  },
  progress: {
    readUnits: 1, writeUnits: 8, redisCommands: 0,
    why: '1 strong read (the profile the commit is conditioned on) + 1 transaction of 3 writes (profile, outbox item + its GSI1 listing, idempotency record)',
  },
  entry: {
    readUnits: 3, writeUnits: 18, redisCommands: 2,
    why: '3 strong reads (profile + entry at ValidateEntry, the coins at the end) + reserve txn (entry onto GSI1, profile: 6) + join txn (entry, group, member, level check: 8) + confirm (entry off GSI1: 2) + the entry-idempotency table\'s 2 writes (Powertools: in progress, then the answer) + 1 seat script + 1 board script',
  },
  levelUpScored: {
    readUnits: 1.5, writeUnits: 3, redisCommands: 2,
    why: '1 strong read (the entry: a join a moment ago must score) + 1 read of the member (its level at entry; eventually consistent) + member update + outbox mark (off GSI1: 2) + 2 scripts (global board, group board: two slots)',
  },
  levelUpScoredNotEntered: {
    readUnits: 1.5, writeUnits: 2, redisCommands: 1,
    why: '1 strong read (the entry: none) + 1 read of the name (0.5) + outbox mark (off GSI1) + 1 script (global board)',
  },
  groupBoard: {
    readUnits: 0.5, writeUnits: 0, redisCommands: 1,
    why: '1 read of the entry (its group; eventually consistent, a group never changes once joined) + 1 script (the board page)',
  },
  groupRank: {
    readUnits: 0.5, writeUnits: 0, redisCommands: 1,
    why: 'as the board: 1 read of the entry + 1 script',
  },
  globalPage: {
    readUnits: 0, writeUnits: 0, redisCommands: 0,
    why: 'none while the container\'s copy of the top is under a second old (shared/use-cases/global-first-pages.ts); else 1 script (the top 1,001: ~100 KB, ~100 ECPU), at most once a second per container',
  },
  globalRank: {
    readUnits: 0, writeUnits: 0, redisCommands: 1,
    why: '1 script (the player\'s position)',
  },
  claim: {
    readUnits: 2, writeUnits: 4, redisCommands: 0,
    why: 'entry (0.5: its group) + the group\'s standings (0.5 eventually consistent; 1 for a full group, over 4 KB) + the profile (1 strong: the balance the answer reports) + 1 transaction of 2 (claim mark, credit)',
  },
  sealPerEntrant: {
    readUnits: 3 / 35, writeUnits: 5 / 35, redisCommands: 0,
    why: 'per group of 35: 1 strong Query of its members (~9 KB: 3) + 1 write of its standings (~4.5 KB: 5); the day\'s fixed reads (the drain check, PlanSeal\'s index queries and probe, ~180 units) vanish at 1,000,000 entrants',
  },
} as const satisfies Record<string, Minimum>;

export type OperationName = keyof typeof MINIMUMS;

const OPERATION_LABELS: Record<OperationName, string> = {
  createProfile: 'create profile (POST /users)',
  arrivalPlaced: 'arrival placed (its outbox event)',
  progress: 'progress, with Idempotency-Key',
  entry: 'entry (the whole saga)',
  levelUpScored: 'level-up scored (entrant)',
  levelUpScoredNotEntered: 'level-up scored (not entered)',
  groupBoard: 'group board read',
  groupRank: 'group rank',
  globalPage: 'global page (top 100)',
  globalRank: 'global rank',
  claim: 'claim',
  sealPerEntrant: 'seal, per entrant',
};

export interface CostRow {
  readonly operation: OperationName;
  readonly label: string;
  /** Windows kept (a window that met a scheduled job is dropped). */
  readonly samples: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Mean DynamoDB requests per operation, by type. */
  readonly dynamodbRequests: Record<string, number>;
  /** Their mean units, by the same names. */
  readonly dynamodbUnits: Record<string, number>;
  /** Mean Redis commands per operation, by name. */
  readonly redisCommands: Record<string, number>;
  readonly ecpu: number;
  /** Mean client latency (or, for the consumer, its busy time), the Lambda duration assumed. */
  readonly ms: number;
  /** Data-plane answers without a capacity (must be 0: none failed). */
  readonly unmeasured: number;
  readonly minimum: Minimum;
  readonly costPerMillion: CostBreakdown;
}

export interface CostsReport {
  readonly repetitions: number;
  readonly sealedEntrants: number;
  readonly sealedGroups: number;
  readonly rows: readonly CostRow[];
}

/** The mean of the windows, as one row (before prices). */
function meanOf(windows: readonly Window[]): Omit<CostRow, 'operation' | 'label' | 'minimum' | 'costPerMillion'> {
  const n = windows.length;
  const perOp = (sum: number) => (n === 0 ? 0 : sum / n);
  const dynamodbRequests: Record<string, number> = {};
  const dynamodbUnits: Record<string, number> = {};
  const redisCommands: Record<string, number> = {};
  let ecpu = 0;
  for (const w of windows) {
    for (const [name, count] of Object.entries(w.dynamodb.requests)) dynamodbRequests[name] = (dynamodbRequests[name] ?? 0) + count / n;
    for (const [name, units] of Object.entries(w.dynamodb.unitsByRequest)) dynamodbUnits[name] = (dynamodbUnits[name] ?? 0) + units / n;
    for (const [name, used] of Object.entries(w.redis.commands)) {
      redisCommands[name] = (redisCommands[name] ?? 0) + used.count / n;
      ecpu += used.ecpu / n;
    }
  }
  return {
    samples: n,
    readUnits: perOp(windows.reduce((s, w) => s + w.dynamodb.readUnits, 0)),
    writeUnits: perOp(windows.reduce((s, w) => s + w.dynamodb.writeUnits, 0)),
    dynamodbRequests,
    dynamodbUnits,
    redisCommands,
    ecpu,
    ms: perOp(windows.reduce((s, w) => s + w.ms, 0)),
    unmeasured: perOp(windows.reduce((s, w) => s + w.dynamodb.unmeasured, 0)),
  };
}

/** The services an operation uses besides DynamoDB and Redis, per operation (for its price). */
function servicesOf(operation: OperationName, ms: number): Partial<OperationUsage> {
  switch (operation) {
    case 'entry':
      // The enter function waits for the whole saga; its four step functions run within it.
      return { httpRequests: 1, lambdaInvocations: 5, lambdaMs: 2 * ms, expressExecutions: 1, expressMs: ms };
    case 'arrivalPlaced':
    case 'levelUpScored':
    case 'levelUpScoredNotEntered':
      return { lambdaInvocations: 1, lambdaMs: ms, levelUpEvents: 1 };
    case 'sealPerEntrant':
      return {}; // measured from the execution itself (benchSealCosts)
    default:
      return { httpRequests: 1, lambdaInvocations: 1, lambdaMs: ms };
  }
}

function rowOf(operation: OperationName, measured: ReturnType<typeof meanOf>, extra: Partial<OperationUsage> = {}): CostRow {
  const usage: OperationUsage = {
    ...noUsage,
    readUnits: measured.readUnits,
    writeUnits: measured.writeUnits,
    ecpu: measured.ecpu,
    ...servicesOf(operation, measured.ms),
    ...extra,
  };
  return { operation, label: OPERATION_LABELS[operation], ...measured, minimum: MINIMUMS[operation], costPerMillion: costPerMillion(usage) };
}

function expectStatus(what: string, response: ApiResponse, ...statuses: number[]): void {
  if (!statuses.includes(response.status)) throw new Error(`bench costs: ${what} answered ${response.status} ${JSON.stringify(response.body)}`);
}

interface Player {
  readonly name: string;
  readonly sub: string;
  readonly api: ApiClient;
}

/** Runs the scenario on a stack wired to the two proxies and returns the rows. */
async function scenario(args: {
  meter: Meter;
  stack: StackProcess;
  table: TableRef;
  redis: Redis;
  log: (line: string) => void;
}): Promise<CostsReport> {
  const { meter, stack, table, log } = args;
  const local = new ApiClient(stack.url);
  const windows: Partial<Record<OperationName, Window[]>> = {};
  const keep = (operation: OperationName, window: Window | undefined) => {
    if (window) (windows[operation] ??= []).push(window);
  };
  const run = randomUUID().slice(0, 8);
  const signIn = async (name: string): Promise<Player> => {
    const { api, sub } = await local.signIn(name);
    return { name, sub, api };
  };
  await meter.syncClock();

  // Setup, unmeasured: the global board's other players, and a day of seeded entrants to seal.
  for (let i = 0; i < BOARD_FILLERS; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, BOARD_FILLERS - i) }, async (_, j) => {
        const filler = await signIn(`costs-filler-${run}-${i + j}`);
        expectStatus('creating a filler', await filler.api.post('/users', { displayName: `Filler ${i + j}` }), 201);
      }),
    );
  }
  const sealed = await seedDay(table, DAY, Array.from({ length: SEALED_ENTRANTS }, (_, i) => `costs-sealed-${run}-${i}`), { seed: 11 });
  // The seeded day took the first seats: the measured entrants' seats come after them, as if they came later.
  const boardKey = (await args.redis.keys(`*${redisKeys.globalBoard().complete}`))[0];
  if (!boardKey) throw new Error('bench costs: the stack did not mark its global board complete');
  const keyPrefix = boardKey.slice(0, -redisKeys.globalBoard().complete.length);
  await args.redis.set(`${keyPrefix}${redisKeys.seatCounter(DAY)}`, String(SEALED_ENTRANTS));
  log(`costs: ${BOARD_FILLERS} players on the global board, ${SEALED_ENTRANTS} entrants of ${DAY} seeded (${sealed.groups} groups)`);

  // Warm every function and script with one unmeasured call each (a cold start loads modules and scripts).
  const warm = await signIn(`costs-warm-${run}`);
  expectStatus('warming POST /users', await warm.api.post('/users', { displayName: 'Warm' }), 201);
  const progress = (player: Player, levels: number) =>
    player.api.post('/users/me/progress', { levelIncrease: levels }, { 'idempotency-key': randomUUID() });
  expectStatus('warming progress', await progress(warm, LEVELS_TO_ENTER), 200);
  expectStatus('warming the entry', await warm.api.post('/tournaments/current/entries'), 201);
  expectStatus('warming an entrant\'s progress', await progress(warm, 1), 200);
  expectStatus('warming the board', await warm.api.get('/tournaments/current/leaderboard'), 200);
  expectStatus('warming the rank', await warm.api.get('/tournaments/current/rank'), 200);
  expectStatus('warming the global page', await warm.api.get('/leaderboards/global?limit=100'), 200);
  expectStatus('warming the global rank', await warm.api.get('/leaderboards/global/me'), 200);
  await meter.idle(CONSUMER_IDLE_MS);

  /**
   * A call that writes an outbox item (it answers the level that item reaches), then the stream
   * consumer's work for that item, each in its own window: the stream is held until the call answered.
   */
  const withItsEvent = async (player: Player, rows: [call: OperationName, consumer: OperationName], call: () => Promise<number>) => {
    let level = 0;
    await meter.ready();
    await meter.pauseStreams();
    const callWindow = await meter.measure(async () => {
      level = await call();
    });
    const consumerWindow = await meter.measure(
      async () => {
        meter.mark();
        meter.resumeStreams();
      },
      async () => {
        const key = levelUpItem.key(player.sub, level);
        while (!(await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item?.['scoredAt']) await sleep(20);
        await meter.idle(CONSUMER_IDLE_MS);
      },
    );
    keep(rows[0], callWindow);
    keep(rows[1], consumerWindow && { ...consumerWindow, ms: meter.busyMs() });
  };

  const players: Player[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const player = await signIn(`costs-player-${run}-${i}`);
    players.push(player);
    await withItsEvent(player, ['createProfile', 'arrivalPlaced'], async () => {
      const answer = await player.api.post('/users', { displayName: `Costs ${i}` });
      expectStatus('POST /users', answer, 201);
      return answer.body.level;
    });
  }
  log('costs: profiles measured');

  /** A progress call, then its level-up's scoring by the stream consumer. */
  const levelUp = (player: Player, levels: number, consumerRow: 'levelUpScored' | 'levelUpScoredNotEntered') =>
    withItsEvent(player, ['progress', consumerRow], async () => {
      const answer = await progress(player, levels);
      expectStatus('progress', answer, 200);
      return answer.body.level;
    });
  for (const player of players) await levelUp(player, LEVELS_TO_ENTER, 'levelUpScoredNotEntered');
  log('costs: level-ups of players not entered measured');

  for (const player of players) {
    keep('entry', await meter.measure(async () => expectStatus('the entry', await player.api.post('/tournaments/current/entries'), 201)));
  }
  log('costs: entries measured');
  for (const player of players) await levelUp(player, 1, 'levelUpScored');
  log('costs: level-ups of entrants measured');

  // The group's first board read repairs the board from DynamoDB (a new group's board is not
  // known complete): once per group a day, so outside the measured reads.
  expectStatus('the first board read', await players[0]!.api.get('/tournaments/current/leaderboard'), 200);
  const reads: [OperationName, string][] = [
    ['groupBoard', '/tournaments/current/leaderboard'],
    ['groupRank', '/tournaments/current/rank'],
    ['globalPage', '/leaderboards/global?limit=100'],
    ['globalRank', '/leaderboards/global/me'],
  ];
  for (const [operation, path] of reads) {
    for (const player of players) keep(operation, await meter.measure(async () => expectStatus(path, await player.api.get(path), 200)));
  }
  log('costs: reads measured');

  const seal = await measureSeal({ meter, local, table, entrants: SEALED_ENTRANTS + players.length + 1 });
  log(`costs: ${seal.entrants} entrants sealed in ${seal.groups} groups`);
  await meter.syncClock();
  for (const player of players) {
    keep('claim', await meter.measure(async () => expectStatus('the claim', await player.api.post(`/tournaments/${DAY}/reward`), 200)));
  }
  log('costs: claims measured');

  const rows = (Object.keys(MINIMUMS) as OperationName[])
    .filter((operation) => operation !== 'sealPerEntrant')
    .map((operation) => rowOf(operation, meanOf(windows[operation] ?? [])));
  return { repetitions: REPETITIONS, sealedEntrants: seal.entrants, sealedGroups: seal.groups, rows: [...rows, seal.row] };
}

/** Moves the clock past midnight and measures everything until the day is CLOSED, per entrant. */
async function measureSeal(args: { meter: Meter; local: ApiClient; table: TableRef; entrants: number }): Promise<{ row: CostRow; entrants: number; groups: number }> {
  const { meter, local, table, entrants } = args;
  await meter.idle(CONSUMER_IDLE_MS);
  const before = meter.counters();
  const t0 = performance.now();
  expectStatus('moving the clock', await local.post('/_local/clock', { now: SEAL_AT }), 200);
  for (;;) {
    const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: tournamentItem.key(DAY), ConsistentRead: true }));
    if (Item?.['state'] === 'CLOSED') break;
    if (performance.now() - t0 > 600_000) throw new Error('bench costs: the seal did not close the day within 10 minutes');
    await sleep(50);
  }
  const ms = performance.now() - t0;
  await meter.idle(CONSUMER_IDLE_MS);
  const after = meter.counters();
  const { body } = await local.get('/_local/executions?limit=100');
  const execution = body.items.find((e: { name: string }) => e.name === `seal-${DAY}`);
  if (!execution) throw new Error('bench costs: no seal execution found');
  const history: { type: string }[] = (await local.get(`/_local/executions/${execution.executionId}/history`)).body.items;
  const count = (type: RegExp) => history.filter((event) => type.test(event.type)).length;
  const batches = history.filter((event) => event.type === 'LambdaFunctionScheduled').length;
  const dynamodb = dynamoDbUsageMinus(after.dynamodb, before.dynamodb);
  const redis = redisUsageMinus(after.redis, before.redis);
  const per = (value: number) => value / entrants;
  const perEntrant: Window = {
    dynamodb: {
      readUnits: per(dynamodb.readUnits),
      writeUnits: per(dynamodb.writeUnits),
      requests: Object.fromEntries(Object.entries(dynamodb.requests).map(([name, n]) => [name, per(n)])),
      unitsByRequest: Object.fromEntries(Object.entries(dynamodb.unitsByRequest).map(([name, n]) => [name, per(n)])),
      unmeasured: per(dynamodb.unmeasured),
    },
    redis: { commands: Object.fromEntries(Object.entries(redis.commands).map(([name, used]) => [name, { count: per(used.count), bytes: per(used.bytes), ecpu: per(used.ecpu) }])) },
    ms: per(ms),
  };
  const measured = { ...meanOf([perEntrant]), samples: 1 };
  // Lambda time: the wall time of the whole seal, an upper bound (its Waits included).
  const row = rowOf('sealPerEntrant', measured, {
    lambdaInvocations: per(batches),
    lambdaMs: per(ms),
    standardTransitions: per(count(/StateEntered$/)),
  });
  const groups = Math.ceil(entrants / gameRules.tournament.groupSize);
  return { row, entrants, groups };
}

export async function benchCosts(args: {
  dynamodbEndpoint: string;
  started: (stop: () => Promise<unknown>) => void;
  log: (line: string) => void;
}): Promise<CostsReport> {
  const { log } = args;
  // A Redis of its own: only this stack's commands reach the proxy in front of it.
  const redisServer = await startClusterRedis();
  args.started(() => redisServer.stop());
  const redisCounter = new RedisCommandCounter(redisServer.url);
  const redisUrl = await redisCounter.start();
  args.started(() => redisCounter.stop());
  const dynamodbCounter = new DynamoDbCapacityCounter(args.dynamodbEndpoint);
  const dynamodbUrl = await dynamodbCounter.start();
  args.started(() => dynamodbCounter.stop());

  const stack = await spawnLocalStack(['--ephemeral', '--clock', STACK_START], { DYNAMODB_ENDPOINT: dynamodbUrl, REDIS_URL: redisUrl });
  args.started(() => stack.stop());
  const admin = localClient(args.dynamodbEndpoint);
  const tableName = await findGameTable(admin).finally(() => admin.destroy());
  dynamodbCounter.mainTable = tableName;
  // The bench's own reads (is it scored, is it closed) and seeding go straight to DynamoDB Local and Redis.
  const table = createTableRef({ tableName, endpoint: args.dynamodbEndpoint });
  const redis = new Redis(redisServer.url);
  log(`costs: local stack at ${stack.url} through counting proxies`);
  try {
    return await scenario({ meter: new Meter(dynamodbCounter, redisCounter, new ApiClient(stack.url)), stack, table, redis, log });
  } finally {
    redis.disconnect();
    table.doc.destroy();
    await stack.stop();
  }
}
