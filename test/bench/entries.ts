import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { subjectFor } from '../../infra/local/jwt-issuer.ts';
import { createTableRef } from '../../shared/adapters/dynamo/client.ts';
import { profileItem } from '../../shared/adapters/dynamo/items/profile.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { newProfile } from '../../shared/domain/profile.ts';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack } from '../support/local-stack.ts';
import { DynamoDbWriteCounter, type WriteReport } from './dynamodb-write-counter.ts';
import { positiveIntegerEnv } from './env.ts';
import { spawnFloorServer } from './floor-process.ts';
import { percentile } from '../support/stats.ts';

export interface EntriesSide {
  readonly entries: number;
  readonly failed: number;
  readonly entriesPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** What DynamoDB saw during the burst (through the counting proxy). */
  readonly writes: WriteReport;
}

export interface EntriesReport {
  readonly burst: number;
  readonly concurrency: number;
  readonly floor: EntriesSide;
  readonly stack: EntriesSide;
  /** stack entries/s ÷ floor entries/s. */
  readonly ratio: number;
  readonly duplicates: DuplicatesReport;
}

/** A rush of duplicates: each player sends the same entry several times at once. */
export interface DuplicatesReport {
  readonly players: number;
  readonly requestsPerPlayer: number;
  /** The rush's requests (players x requestsPerPlayer); retries of its 409s and 503s come on top. */
  readonly requests: number;
  readonly retries: number;
  /** Entry saga executions started for these players, retries included. */
  readonly sagas: number;
  /** sagas per 1,000 of the rush's requests; the goal is one per player (1000 / requestsPerPlayer). */
  readonly sagasPerThousand: number;
  /** The rush's first answers by status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Players not charged exactly once (must be 0). */
  readonly mischarged: number;
  /** Players with a request still not answered with the entry after its retries (must be 0). */
  readonly unentered: number;
  readonly seconds: number;
}

/** The duplicate rush's size: 100 players x 10 requests at once (1,000 requests). */
const DUPLICATE_PLAYERS = positiveIntegerEnv('BENCH_DUPLICATE_PLAYERS', 100);
const DUPLICATE_REQUESTS = positiveIntegerEnv('BENCH_DUPLICATE_REQUESTS', 10);
/** What a seeded player has (a new profile's coins), and what entering costs it. */
const SEEDED_COINS = gameRules.profile.startCoins;
const ENTRY_FEE = gameRules.tournament.entryFee;
/** A client's retries of a 409 IDEMPOTENCY_IN_PROGRESS or a 503 are bounded (and wait Retry-After). */
const MAX_DUPLICATE_RETRIES = 30;

/** Today at 01:00 UTC: inside the entry window whenever the bench runs. */
const morning = () => `${new Date().toISOString().slice(0, 10)}T01:00:00Z`;

/** Players at level 10 with 1000 coins, written straight to the table (setup, not measured). */
async function seedEligible(endpoint: string, tableName: string, userIds: readonly string[]): Promise<void> {
  // DynamoDB Local takes any credentials, but the SDK refuses to sign without some.
  process.env['AWS_ACCESS_KEY_ID'] ??= 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'local';
  const table = createTableRef({ tableName, endpoint });
  const at = new Date();
  for (let i = 0; i < userIds.length; i += 25) {
    const items = userIds.slice(i, i + 25).map((userId) => ({
      PutRequest: {
        Item: { ...profileItem.key(userId), entity: 'PROFILE', ...newProfile(userId, userId, at), level: 10, updatedAt: at.toISOString() },
      },
    }));
    await table.doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
  }
  table.doc.destroy();
}


/** Sends one entry per player, `concurrency` at a time, and times each. */
async function burst(
  url: string,
  headersOf: (i: number) => Record<string, string>,
  count: number,
  concurrency: number,
): Promise<Omit<EntriesSide, 'writes'>> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      const response = await fetch(`${url}/tournaments/current/entries`, { method: 'POST', headers: headersOf(i) });
      await response.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (response.status !== 201) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { entries: count, failed, entriesPerSec: count / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/**
 * Entries through the saga on the local stack against a floor that calls the saga's steps
 * directly (the same DynamoDB and Redis work, no Step Functions), each a burst of `count`
 * entries by distinct players. Both go through a proxy that counts DynamoDB writes per item,
 * which gives the hot-item figure: the largest share of the burst's writes any one item took.
 */
export async function benchEntries(args: {
  dynamodbEndpoint: string;
  tableName: string;
  redisUrl: string;
  count: number;
  concurrency: number;
  started: (stop: () => Promise<unknown>) => void;
  log: (line: string) => void;
}): Promise<EntriesReport> {
  const { dynamodbEndpoint, tableName, count, concurrency, log } = args;
  const counter = new DynamoDbWriteCounter(dynamodbEndpoint);
  const proxied = await counter.start();
  args.started(() => counter.stop());

  const run = randomBytes(3).toString('hex');
  const stack = await spawnLocalStack(['--ephemeral', '--clock', morning()], { DYNAMODB_ENDPOINT: proxied });
  args.started(() => stack.stop());
  const floor = await spawnFloorServer(proxied, tableName, {
    REDIS_URL: args.redisUrl,
    REDIS_KEY_PREFIX: `goodswipe-bench-floor-${run}:`,
    // A day of its own, far from any real one, so the floor's groups never meet the stack's.
    FLOOR_TOURNAMENT_ID: '2099-01-01',
  });
  args.started(() => floor.stop());

  const floorPlayers = Array.from({ length: count }, (_, i) => `bench-floor-${run}-${i}`);
  const stackUsernames = Array.from({ length: count }, (_, i) => `bench-entrant-${run}-${i}`);
  await seedEligible(dynamodbEndpoint, tableName, [...floorPlayers, ...stackUsernames.map(subjectFor)]);
  const api = new ApiClient(stack.url);
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 50) {
    tokens.push(...(await Promise.all(stackUsernames.slice(i, i + 50).map(async (name) => (await api.signIn(name)).token))));
  }
  log(`entries: ${count} eligible players per side seeded`);

  counter.reset();
  const floorRun = await burst(floor.url, (i) => ({ 'x-user-id': floorPlayers[i]! }), count, concurrency);
  const floorSide = { ...floorRun, writes: counter.report() };
  log(`entries floor: ${floorRun.entriesPerSec.toFixed(0)}/s, p50 ${floorRun.p50Ms.toFixed(1)} ms, failed ${floorRun.failed}`);

  counter.reset();
  const stackRun = await burst(stack.url, (i) => ({ authorization: `Bearer ${tokens[i]}` }), count, concurrency);
  const stackSide = { ...stackRun, writes: counter.report() };
  log(`entries stack: ${stackRun.entriesPerSec.toFixed(0)}/s, p50 ${stackRun.p50Ms.toFixed(1)} ms, failed ${stackRun.failed}`);

  const duplicates = await duplicateRush({ stackUrl: stack.url, dynamodbEndpoint, tableName, run, concurrency, log });
  return { burst: count, concurrency, floor: floorSide, stack: stackSide, ratio: stackRun.entriesPerSec / floorRun.entriesPerSec, duplicates };
}

/**
 * Players who each send the same entry `DUPLICATE_REQUESTS` times at once (double taps, retrying
 * clients at 00:00), `concurrency` players at a time. Answers of 409 IDEMPOTENCY_IN_PROGRESS and
 * 503 are retried after their Retry-After, as a client would. Reports the entry saga executions
 * started for these players per 1,000 of the rush's requests (Powertools idempotency: one per
 * player), and checks every player entered and paid once.
 */
async function duplicateRush(args: {
  stackUrl: string;
  dynamodbEndpoint: string;
  tableName: string;
  run: string;
  concurrency: number;
  log: (line: string) => void;
}): Promise<DuplicatesReport> {
  const { stackUrl, dynamodbEndpoint, tableName, run, log } = args;
  const api = new ApiClient(stackUrl);
  const usernames = Array.from({ length: DUPLICATE_PLAYERS }, (_, i) => `bench-duplicate-${run}-${i}`);
  const subs = usernames.map(subjectFor);
  await seedEligible(dynamodbEndpoint, tableName, subs);
  const tokens: string[] = [];
  for (let i = 0; i < usernames.length; i += 50) {
    tokens.push(...(await Promise.all(usernames.slice(i, i + 50).map(async (name) => (await api.signIn(name)).token))));
  }
  const { body: machines } = await api.get('/_local/state-machines');
  const sagaArn = machines.items.find((m: { type: string }) => m.type === 'EXPRESS').stateMachineArn as string;

  const statuses: Record<string, number> = {};
  let retries = 0;
  let unentered = 0;
  const enter = async (token: string) => {
    const response = await fetch(`${stackUrl}/tournaments/current/entries`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    return response;
  };
  // Each request is its own client's: one told to retry (409 in progress, 503) retries on its own.
  const untilAnswered = async (token: string, first: Response): Promise<boolean> => {
    let last = first;
    for (let attempt = 0; attempt < MAX_DUPLICATE_RETRIES && (last.status === 409 || last.status === 503); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Number(last.headers.get('retry-after') ?? 1) * 1000));
      retries++;
      last = await enter(token);
    }
    return last.status === 200 || last.status === 201;
  };
  const rushOne = async (token: string) => {
    const answers = await Promise.all(Array.from({ length: DUPLICATE_REQUESTS }, () => enter(token)));
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    const answered = await Promise.all(answers.map((a) => untilAnswered(token, a)));
    if (answered.some((ok) => !ok)) unentered++;
  };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tokens.length; i = next++) await rushOne(tokens[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(args.concurrency, tokens.length) }, worker));
  const seconds = (performance.now() - started) / 1000;

  // The local stack keeps each state machine's newest 1,000 executions, newest first: enough
  // for this rush's (a count of 1,000 would mean the figure is capped, not measured).
  const { body: executions } = await api.get(`/_local/executions?stateMachineArn=${encodeURIComponent(sagaArn)}&limit=1000`);
  const ours = new Set(subs);
  const sagas = executions.items.filter((e: { input?: { userId?: string } }) => ours.has(e.input?.userId ?? '')).length;

  const table = createTableRef({ tableName, endpoint: dynamodbEndpoint });
  let mischarged = 0;
  try {
    for (const sub of subs) {
      const { Item } = await table.doc.send(new GetCommand({ TableName: tableName, Key: profileItem.key(sub), ConsistentRead: true }));
      if (Item?.['coins'] !== SEEDED_COINS - ENTRY_FEE) mischarged++;
    }
  } finally {
    table.doc.destroy();
  }
  const requests = DUPLICATE_PLAYERS * DUPLICATE_REQUESTS;
  const report = { players: DUPLICATE_PLAYERS, requestsPerPlayer: DUPLICATE_REQUESTS, requests, retries, sagas, sagasPerThousand: (sagas / requests) * 1000, statuses, mischarged, unentered, seconds };
  log(`entries duplicates: ${sagas} sagas for ${requests} requests of ${DUPLICATE_PLAYERS} players (${report.sagasPerThousand.toFixed(0)} per 1,000), statuses ${JSON.stringify(statuses)}, ${retries} retries, mischarged ${mischarged}, unentered ${unentered}`);
  return report;
}
