import os from 'node:os';
import path from 'node:path';
import { findGameTable, localClient, startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { ensureRedis } from '../../infra/local/redis-server.ts';
import { ApiClient } from '../support/api-client.ts';
import { REPO_ROOT, spawnLocalStack } from '../support/local-stack.ts';
import { benchBundles, type BundlesReport } from './bundles.ts';
import { benchCosts, type CostsReport } from './costs.ts';
import { benchEntries, type EntriesReport } from './entries.ts';
import { benchLeaderboards, leaderboardsFailed, type LeaderboardsReport } from './leaderboards.ts';
import { benchRebuild, benchSeal, type RebuildReport, type SealReport } from './seal-and-rebuild.ts';
import { positiveIntegerEnv } from './env.ts';
import { spawnFloorServer } from './floor-process.ts';
import { compare, getMe, recordProgress, type Comparison, type LoadSettings, type Player, type Target } from './measure.ts';
import { markdownTable, writeJson, type BenchReport } from './report.ts';

/**
 * `npm run bench`: the local stack's GET /users/me and POST /users/me/progress against a floor,
 * a bare node:http server doing the same DynamoDB calls, both on one DynamoDB Local, measured in
 * the same run. The ratio is the figure to watch: absolute req/s depend on the machine.
 *
 * BENCH_SECONDS (default 8) sets each measured run, BENCH_ROUNDS (default 2) how many per side,
 * BENCH_CONNECTIONS (default 32) the concurrency. Then the leaderboards phase (leaderboards.ts), which
 * BENCH_LEADERBOARDS=0 skips, and the scale phases (seal-and-rebuild.ts): BENCH_SEAL_ENTRANTS
 * (20,000) sealed, BENCH_REBUILD_PLAYERS (1,000,000) rebuilt. BENCH_PHASES (default
 * `bundles,http,costs,scale`) picks the phases: `bundles` is every function's bundle size and module
 * init (bundles.ts); `http` is the routes, entries and leaderboards; `costs` is each operation's
 * DynamoDB units and Redis commands against the design's minimum, and its price (costs.ts);
 * `entries` alone is the entry burst and the duplicate rush of entries.ts (BENCH_DUPLICATE_PLAYERS
 * x BENCH_DUPLICATE_REQUESTS, 100 x 10), without the other http phases.
 */

const PLAYERS = 200;
const RESULTS_FILE = path.join(REPO_ROOT, 'test/bench/results/latest.json');


const settings: LoadSettings = {
  connections: positiveIntegerEnv('BENCH_CONNECTIONS', 32),
  seconds: positiveIntegerEnv('BENCH_SECONDS', 8),
  primeSeconds: 5,
  warmupSeconds: 2,
  rounds: positiveIntegerEnv('BENCH_ROUNDS', 2),
};
/** The entry burst of the tournaments issue: 2,000 entries per side (BENCH_ENTRIES). */
const ENTRY_BURST = positiveIntegerEnv('BENCH_ENTRIES', 2000);
const SEAL_ENTRANTS = positiveIntegerEnv('BENCH_SEAL_ENTRANTS', 20_000);
const REBUILD_PLAYERS = positiveIntegerEnv('BENCH_REBUILD_PLAYERS', 1_000_000);
const PHASES = new Set((process.env['BENCH_PHASES'] ?? 'bundles,http,costs,scale').split(',').map((p) => p.trim()));

// Each connection holds one player while its request is in flight; the rest wait their turn.
if (settings.connections >= PLAYERS) throw new Error(`BENCH_CONNECTIONS must be below the ${PLAYERS} players`);

/** Stops what was started, newest first; safe to call twice (Ctrl-C during the finally). */
class Processes {
  private readonly stoppers: (() => Promise<unknown>)[] = [];
  private stopping: Promise<void> | undefined;

  started(stop: () => Promise<unknown>): void {
    this.stoppers.push(stop);
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const stop of this.stoppers.reverse()) {
        await stop().catch((error: unknown) => console.error('bench: stopping a process failed:', error));
      }
    })();
    return this.stopping;
  }
}

const log = (line: string) => console.error(`bench: ${line}`);

/** The stack creates its tables on the DynamoDB Local it is given; read the game table's name back from there. */
async function stackTableName(dynamodbEndpoint: string): Promise<string> {
  const client = localClient(dynamodbEndpoint);
  try {
    return await findGameTable(client);
  } finally {
    client.destroy();
  }
}

/** Signs players in and creates their profiles through the stack's API, a few at a time. */
async function seedPlayers(stackUrl: string, count: number): Promise<Player[]> {
  const api = new ApiClient(stackUrl);
  const seedOne = async (index: number): Promise<Player> => {
    const { api: player, sub, token } = await api.signIn(`bench-player-${index}`);
    const created = await player.post('/users', { displayName: `Bench ${index}` });
    if (created.status !== 201 && created.status !== 200) {
      throw new Error(`seeding player ${index}: POST /users answered ${created.status} ${JSON.stringify(created.body)}`);
    }
    return { sub, token };
  };
  const players: Player[] = [];
  const batchSize = 10;
  for (let start = 0; start < count; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => seedOne(start + i));
    players.push(...(await Promise.all(batch)));
  }
  return players;
}

interface Results {
  bundles?: BundlesReport;
  comparisons?: Comparison[];
  entries?: EntriesReport;
  leaderboards?: LeaderboardsReport;
  costs?: CostsReport;
  seal?: SealReport;
  rebuild?: RebuildReport;
}

async function bench(processes: Processes): Promise<Results> {
  // First, on a quiet machine: nothing else of the bench is running yet.
  const bundles = PHASES.has('bundles') ? await benchBundles(log) : undefined;
  if (!PHASES.has('http') && !PHASES.has('scale') && !PHASES.has('costs') && !PHASES.has('entries')) return { bundles };
  // This process reads and writes DynamoDB Local itself (seeding, floors): any credentials do.
  process.env['AWS_ACCESS_KEY_ID'] ??= 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'local';
  const dynamodb = await startDynamoDbLocal({});
  processes.started(() => dynamodb.stop());
  // One Redis for every phase, as AWS runs it (cluster mode) unless REDIS_URL names one; the
  // floors and this process learn its mode as the functions do, from REDIS_CLUSTER.
  const redis = await ensureRedis(process.env['REDIS_URL'] || undefined);
  processes.started(() => redis.stop());
  process.env['REDIS_CLUSTER'] = String(redis.cluster);
  log(`DynamoDB Local (in memory) at ${dynamodb.endpoint}`);

  const results: Results = { bundles };
  const started = (stop: () => Promise<unknown>) => processes.started(stop);
  let tableName: string | undefined;
  if (PHASES.has('http') || PHASES.has('scale') || PHASES.has('entries')) {
    const stack = await spawnLocalStack(['--ephemeral'], { DYNAMODB_ENDPOINT: dynamodb.endpoint });
    processes.started(() => stack.stop());
    tableName = await stackTableName(dynamodb.endpoint);
    log(`local stack at ${stack.url}, table ${tableName}`);
    if (PHASES.has('http')) Object.assign(results, await httpPhases(processes, stack, { dynamodb, redis, tableName }));
    // `entries` alone: the entry burst and the duplicate rush, without the other http phases.
    else if (PHASES.has('entries')) {
      // Its stacks read the table's stream: stopped here, before the costs phase counts every call.
      const entriesProcesses = new Processes();
      processes.started(() => entriesProcesses.stopAll());
      const entriesStarted = (stop: () => Promise<unknown>) => entriesProcesses.started(stop);
      results.entries = await benchEntries({ dynamodbEndpoint: dynamodb.endpoint, tableName, redisUrl: redis.url, count: ENTRY_BURST, concurrency: settings.connections, started: entriesStarted, log });
      await entriesProcesses.stopAll();
    }
    await stack.stop();
  }
  // Alone: every other stack of the bench has stopped, so the phase's proxies see its calls only.
  if (PHASES.has('costs')) results.costs = await benchCosts({ dynamodbEndpoint: dynamodb.endpoint, started, log });
  if (PHASES.has('scale') && tableName !== undefined) {
    results.seal = await benchSeal({ dynamodbEndpoint: dynamodb.endpoint, tableName, redisUrl: redis.url, entrants: SEAL_ENTRANTS, started, log });
    results.rebuild = await benchRebuild({ dynamodbEndpoint: dynamodb.endpoint, tableName, players: REBUILD_PLAYERS, started, log });
  }
  return results;
}

/** The routes against their floors, the entry burst and the leaderboards (the `http` phases). */
async function httpPhases(
  processes: Processes,
  stack: Awaited<ReturnType<typeof spawnLocalStack>>,
  engines: { dynamodb: { endpoint: string }; redis: { url: string }; tableName: string },
): Promise<Results> {
  const { dynamodb, redis, tableName } = engines;

  const floor = await spawnFloorServer(dynamodb.endpoint, tableName);
  processes.started(() => floor.stop());
  log(`floor at ${floor.url}`);

  const players = await seedPlayers(stack.url, PLAYERS);
  log(`${players.length} players seeded; ${settings.connections} connections, runs of ${settings.seconds} s`);

  const targets: { floor: Target; stack: Target } = {
    floor: { side: 'floor', url: floor.url, identify: (player) => ({ 'x-user-id': player.sub }) },
    stack: { side: 'stack', url: stack.url, identify: (player) => ({ authorization: `Bearer ${player.token}` }) },
  };
  const comparisons: Comparison[] = [];
  for (const scenario of [getMe, recordProgress]) {
    comparisons.push(await compare(scenario, targets, players, settings, log));
  }
  // The entries phase's processes on their own list, so they can be stopped before the next phase.
  const entriesProcesses = new Processes();
  processes.started(() => entriesProcesses.stopAll());
  const entries = await benchEntries({
    dynamodbEndpoint: dynamodb.endpoint,
    tableName,
    redisUrl: redis.url,
    count: ENTRY_BURST,
    concurrency: settings.connections,
    started: (stop) => entriesProcesses.started(stop),
    log,
  });
  // Every stack reads the table's stream: the earlier two would score this phase's level-ups too
  // (and a stack left running would score the costs phase's: none outlives its phase).
  await entriesProcesses.stopAll();
  if (process.env['BENCH_LEADERBOARDS'] === '0') return { comparisons, entries };
  await stack.stop();
  const leaderboardsProcesses = new Processes();
  processes.started(() => leaderboardsProcesses.stopAll());
  const leaderboards = await benchLeaderboards({
    dynamodbEndpoint: dynamodb.endpoint,
    tableName,
    redisUrl: redis.url,
    settings,
    started: (stop) => leaderboardsProcesses.started(stop),
    log,
  });
  await leaderboardsProcesses.stopAll();
  return { comparisons, entries, leaderboards };
}

async function main(): Promise<void> {
  const processes = new Processes();
  const interrupt = (signal: NodeJS.Signals) => {
    log(`${signal}, stopping`);
    void processes.stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  // Other work on the machine skews both sides; the load average tells a reader whether some
  // was running. Only before the start: once running, the bench's own processes dominate it.
  const loadAverage = os.loadavg()[0]!;
  let results: Results;
  try {
    results = await bench(processes);
  } finally {
    await processes.stopAll();
  }

  const report: BenchReport = {
    finishedAt: new Date().toISOString(),
    node: process.version,
    cpus: os.availableParallelism(),
    loadAverage,
    players: PLAYERS,
    settings,
    ...results,
  };
  console.log(markdownTable(report));
  writeJson(report, RESULTS_FILE);
  log(`results written to ${path.relative(REPO_ROOT, RESULTS_FILE)}`);
  const { comparisons = [], entries, leaderboards, rebuild } = results;
  if (
    comparisons.some((c) => c.floor.errors + c.stack.errors > 0) ||
    (entries !== undefined && entries.floor.failed + entries.stack.failed > 0) ||
    (leaderboards !== undefined && leaderboardsFailed(leaderboards)) ||
    (rebuild !== undefined && rebuild.partialReads > 0)
  ) {
    log('some requests failed (see the errors column) or a reader saw a partial board: these figures are not a clean measurement');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
