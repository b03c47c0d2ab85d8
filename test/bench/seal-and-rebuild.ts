import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import pLimit from 'p-limit';
import { startClusterRedis } from '../../infra/local/redis-server.ts';
import { createTableRef, type TableRef } from '../../shared/adapters/dynamo/client.ts';
import { GroupRepository } from '../../shared/adapters/dynamo/group-repository.ts';
import { profileItem } from '../../shared/adapters/dynamo/items/profile.ts';
import { MemberRepository } from '../../shared/adapters/dynamo/member-repository.ts';
import { TournamentRepository } from '../../shared/adapters/dynamo/tournament-repository.ts';
import { redisKeys } from '../../shared/adapters/redis/keys.ts';
import { sealFanOut, sealStandings } from '../../shared/domain/seal.ts';
import { groupId } from '../../shared/domain/tournament.ts';
import { newTournament } from '../../shared/domain/tournament-record.ts';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack } from '../support/local-stack.ts';
import { seedDay } from '../support/seed-day.ts';
import { DynamoDbWriteCounter } from './dynamodb-write-counter.ts';

/**
 * Two scale phases of `npm run bench`:
 * - seal: a day of BENCH_SEAL_ENTRANTS (20,000) entrants sealed by the seal workflow on the local
 *   stack, against a floor that makes the same DynamoDB calls (one Query and one conditional
 *   write per group) straight from this process at the same concurrency, through the same
 *   write-counting proxy;
 * - rebuild: the global board of BENCH_REBUILD_PLAYERS (1,000,000) profiles rebuilt by the rebuild
 *   workflow while a reader counts the live board every few milliseconds: it must only ever see
 *   the old board or the whole new one.
 */

const SEAL_DAY = '2031-03-10';
const FLOOR_DAY = '2031-03-11';
const SEALED_AT = '2031-03-12T00:02:00Z';

export interface SealReport {
  readonly entrants: number;
  readonly groups: number;
  readonly floor: { readonly seconds: number; readonly writes: number };
  readonly stack: { readonly seconds: number; readonly writes: number; readonly writesPerEntrant: number; readonly historyEvents: number };
  /** floor seconds / stack seconds: 1 means the workflow adds nothing to the DynamoDB work itself. */
  readonly ratio: number;
}

export interface RebuildReport {
  readonly players: number;
  readonly seededSeconds: number;
  readonly rebuildSeconds: number;
  readonly reads: number;
  /** Reads that saw neither the old board nor the whole new one (must be 0). */
  readonly partialReads: number;
  readonly liveBefore: number;
  readonly liveAfter: number;
}

interface PhaseArgs {
  readonly dynamodbEndpoint: string;
  readonly started: (stop: () => Promise<unknown>) => void;
  readonly log: (line: string) => void;
}

const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The floor: every group of the day sealed with the same calls the workflow's workers make. */
async function sealDirectly(table: TableRef, tournamentId: string, groupCount: number): Promise<void> {
  const groups = new GroupRepository(table);
  const members = new MemberRepository(table);
  const rewards = newTournament(tournamentId, new Date()).rewards;
  // As many groups at once as the workflow seals: its Map's workers times each worker's groups.
  const { batchesAtOnce, groupsPerBatch, groupsAtOnce } = sealFanOut;
  const limit = pLimit(Math.min(batchesAtOnce, Math.ceil(groupCount / groupsPerBatch)) * groupsAtOnce);
  await Promise.all(
    Array.from({ length: groupCount }, (_, i) =>
      limit(async () => {
        const id = groupId(i + 1);
        await groups.seal(tournamentId, id, sealStandings(await members.ofGroup(tournamentId, id), rewards), new Date());
      }),
    ),
  );
}

export async function benchSeal(args: PhaseArgs & { entrants: number; redisUrl: string; tableName: string }): Promise<SealReport> {
  const { log } = args;
  const counter = new DynamoDbWriteCounter(args.dynamodbEndpoint);
  const proxied = await counter.start();
  args.started(() => counter.stop());
  const stack = await spawnLocalStack(['--ephemeral', '--clock', `${SEAL_DAY}T13:00:00Z`], { DYNAMODB_ENDPOINT: proxied, REDIS_URL: args.redisUrl });
  args.started(() => stack.stop());

  const table = createTableRef({ tableName: args.tableName, endpoint: args.dynamodbEndpoint });
  const proxiedTable = createTableRef({ tableName: args.tableName, endpoint: proxied });
  const userIds = Array.from({ length: args.entrants }, (_, i) => `bench-seal-${String(i).padStart(7, '0')}`);
  const { groups } = await seedDay(table, SEAL_DAY, userIds, { seed: 7 });
  await seedDay(table, FLOOR_DAY, userIds, { seed: 7 });
  await new TournamentRepository(table).createIfAbsent(newTournament(FLOOR_DAY, new Date(`${FLOOR_DAY}T00:00:00Z`)));
  log(`seal: ${args.entrants} entrants in ${groups} groups seeded on two days`);

  counter.reset();
  const floorStart = performance.now();
  await sealDirectly(proxiedTable, FLOOR_DAY, groups);
  const floor = { seconds: seconds(floorStart), writes: counter.report().totalWrites };
  log(`seal floor: ${floor.seconds.toFixed(2)} s, ${floor.writes} writes`);

  const tournaments = new TournamentRepository(table);
  counter.reset();
  const stackStart = performance.now();
  const local = new ApiClient(stack.url);
  const moved = await local.post('/_local/clock', { now: SEALED_AT });
  if (moved.status !== 200) throw new Error(`bench: moving the clock answered ${moved.status}`);
  await until('the seal', async () => ((await tournaments.get(SEAL_DAY))?.state === 'CLOSED' ? true : undefined), 600_000);
  const stackSeconds = seconds(stackStart);
  const writes = counter.report().totalWrites;
  const { body } = await local.get('/_local/executions?limit=50');
  const execution = body.items.find((e: { name: string }) => e.name === `seal-${SEAL_DAY}`);
  const detail = execution ? (await local.get(`/_local/executions/${execution.executionId}`)).body : undefined;
  log(`seal stack: ${stackSeconds.toFixed(2)} s, ${writes} writes`);
  await stack.stop();
  table.doc.destroy();
  proxiedTable.doc.destroy();
  return {
    entrants: args.entrants,
    groups,
    floor,
    stack: { seconds: stackSeconds, writes, writesPerEntrant: writes / args.entrants, historyEvents: detail?.historyEvents ?? 0 },
    ratio: floor.seconds / stackSeconds,
  };
}

/** Profiles written straight into the table, 25 a call, many calls at once. */
async function seedProfiles(table: TableRef, count: number, log: (line: string) => void): Promise<void> {
  const limit = pLimit(16);
  const at = '2031-03-01T10:00:00.000Z';
  const calls: Promise<void>[] = [];
  for (let first = 0; first < count; first += 25) {
    calls.push(
      limit(async () => {
        let requests = Array.from({ length: Math.min(25, count - first) }, (_, i) => {
          const userId = `bench-rebuild-${String(first + i).padStart(7, '0')}`;
          return {
            PutRequest: {
              Item: {
                ...profileItem.key(userId),
                entity: 'PROFILE',
                userId,
                displayName: `Player ${first + i}`,
                // Few levels and few instants: many ties, broken by the millisecond and the id.
                level: 1 + ((first + i) % 500),
                coins: 1000,
                createdAt: at,
                levelReachedAt: new Date(Date.parse(at) + ((first + i) % 1000)).toISOString(),
                updatedAt: at,
              },
            },
          };
        }) as { PutRequest: { Item: Record<string, unknown> } }[];
        while (requests.length > 0) {
          const { UnprocessedItems } = await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }));
          requests = (UnprocessedItems?.[table.tableName] ?? []) as typeof requests;
        }
        if ((first / 25) % 4000 === 0) log(`rebuild: ${first} profiles written`);
      }),
    );
  }
  await Promise.all(calls);
}

export async function benchRebuild(args: PhaseArgs & { players: number; tableName: string }): Promise<RebuildReport> {
  const { log } = args;
  // A Redis of its own: the reader counts the one global board on it.
  const redis = await startClusterRedis();
  args.started(() => redis.stop());
  const stack = await spawnLocalStack(['--ephemeral', '--clock', '2031-03-02T08:00:00Z'], { DYNAMODB_ENDPOINT: args.dynamodbEndpoint, REDIS_URL: redis.url });
  args.started(() => stack.stop());
  const local = new ApiClient(stack.url);

  // A live board before the rebuild: a few players created through the API. The rebuild reads
  // every profile of the table (earlier phases' players too): the new board is all of them.
  for (let i = 0; i < 5; i++) {
    const player = await local.signIn(`bench-rebuild-live-${i}`);
    await player.api.post('/users', { displayName: `Live ${i}` });
  }
  const table = createTableRef({ tableName: args.tableName, endpoint: args.dynamodbEndpoint });
  const seedStart = performance.now();
  await seedProfiles(table, args.players, log);
  const seededSeconds = seconds(seedStart);
  log(`rebuild: ${args.players} profiles seeded in ${seededSeconds.toFixed(0)} s`);

  const client = new Redis(redis.url);
  const [liveKey] = await until('the live board', async () => {
    const found = await client.keys(`*${redisKeys.globalBoard().order}`);
    return found.length === 1 ? found : undefined;
  }, 30_000);
  const liveBefore = await client.zcard(liveKey!);

  // Every count the reader sees; afterwards each must be the old board's or the new board's.
  let reading = true;
  const seen: number[] = [];
  const reader = (async () => {
    while (reading) {
      seen.push(await client.zcard(liveKey!));
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  const rebuildStart = performance.now();
  const started = await local.post('/_local/jobs/rebuild-leaderboards');
  const name = started.body?.result?.execution;
  if (!name) throw new Error(`bench: the rebuild job answered ${started.status} ${JSON.stringify(started.body)}`);
  const execution = await until('the rebuild', async () => {
    const { body } = await local.get('/_local/executions?limit=50');
    const found = body.items.find((e: { name: string; status: string }) => e.name === name);
    return found && found.status !== 'RUNNING' ? found : undefined;
  }, 1_800_000);
  const rebuildSeconds = seconds(rebuildStart);
  reading = false;
  await reader;
  const liveAfter = await client.zcard(liveKey!);
  const reads = seen.length;
  const partialReads = seen.filter((members) => members !== liveBefore && members !== liveAfter).length;
  client.disconnect();
  table.doc.destroy();
  await stack.stop();
  if (execution.status !== 'SUCCEEDED') throw new Error(`bench: the rebuild ended ${execution.status}`);
  log(`rebuild: ${liveAfter} players in ${rebuildSeconds.toFixed(1)} s; ${reads} reads, ${partialReads} partial`);
  return { players: args.players, seededSeconds, rebuildSeconds, reads, partialReads, liveBefore, liveAfter };
}
