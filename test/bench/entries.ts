import { randomBytes } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { subjectFor } from '../../infra/local/jwt-issuer.ts';
import { createTableRef } from '../../shared/adapters/dynamo/client.ts';
import { keys } from '../../shared/adapters/dynamo/keys.ts';
import { newProfile } from '../../shared/domain/profile.ts';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack } from '../support/local-stack.ts';
import { DynamoDbWriteCounter, type WriteReport } from './dynamodb-write-counter.ts';
import { spawnFloorServer } from './floor-process.ts';

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
}

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
        Item: { ...keys.profile(userId), entity: 'PROFILE', ...newProfile(userId, userId, at), level: 10, updatedAt: at.toISOString() },
      },
    }));
    await table.doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
  }
  table.doc.destroy();
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

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

  return { burst: count, concurrency, floor: floorSide, stack: stackSide, ratio: stackRun.entriesPerSec / floorRun.entriesPerSec };
}
