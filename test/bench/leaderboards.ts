import { randomBytes } from 'node:crypto';
import { seededRandom } from '../../infra/local/seeded-random.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import { DynamoDbStreamPoller, fileCheckpoint } from '../../infra/local/dynamodb-stream.ts';
import { subjectFor } from '../../infra/local/jwt-issuer.ts';
import { createTableRef } from '../../shared/adapters/dynamo/client.ts';
import { profileItem } from '../../shared/adapters/dynamo/items/profile.ts';
import { newProfile } from '../../shared/domain/profile.ts';
import { createRedis } from '../../shared/adapters/redis/client.ts';
import { redisKeys } from '../../shared/adapters/redis/keys.ts';
import { Leaderboards, type BoardEntry } from '../../shared/adapters/redis/leaderboards.ts';
import { pointsForLevels } from '../../shared/domain/scoring.ts';
import { REPO_ROOT, spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { positiveIntegerEnv } from './env.ts';
import { spawnFloorProcess, type FloorProcess } from './floor-process.ts';
import { compare, type Comparison, type LoadSettings, type Player, type Scenario, type Target } from './measure.ts';
import { percentile } from '../support/stats.ts';

/**
 * The leaderboards phase of `npm run bench` (skipped with BENCH_LEADERBOARDS=0), on a local stack
 * of its own whose Redis key prefix is known (its state directory's stack-id is written first):
 *
 * 1. Level-up -> visible on the group board: BENCH_LEADERBOARD_PLAYERS (300) entered players send
 *    POST /users/me/progress at a fixed BENCH_LEVELUP_RATE (200/s, open loop) for
 *    BENCH_LEVELUP_SECONDS (10); each level-up is timed from its request to the moment its new
 *    score is in the player's Redis group board (the boards with a level-up pending, read in one
 *    pipelined round trip every ~5 ms), after a 2 s warm-up on the same schedule, drained first.
 * 2. GET /tournaments/current/leaderboard by the members of one full group, beside a floor.
 * 3. GET /leaderboards/global?limit=1000 with BENCH_GLOBAL_MEMBERS (1,000,000) players on the
 *    board, at BENCH_GLOBAL_CONNECTIONS (8), beside a floor.
 *
 * Every key under the stack's prefix (the million members included) is unlinked at the end,
 * on failure and on Ctrl-C too.
 */

export interface LevelUpReport {
  readonly players: number;
  /** Level-ups per second asked for, and for how long. */
  readonly rate: number;
  readonly seconds: number;
  readonly sent: number;
  /** Slots of the schedule with no player idle (every one still waiting for its previous answer): not sent. */
  readonly skipped: number;
  /** Answers other than 200 with the expected level, and requests that got no answer. */
  readonly failed: number;
  readonly achievedPerSec: number;
  /** How late the latest request left against its slot of the schedule. */
  readonly maxSendLagMs: number;
  readonly responseP50Ms: number;
  readonly responseP99Ms: number;
  /** From sending the request to the new score being in the player's Redis group board. */
  readonly visibleP50Ms: number;
  readonly visibleP99Ms: number;
  readonly visibleMaxMs: number;
  /** The p50 of the level-ups sent in each second of the run: climbing, the scoring falls behind the rate. */
  readonly visibleP50BySecond: readonly number[];
  readonly visible: number;
  /** Not on the board within `timeoutMs` of the request: must be 0. */
  readonly neverVisible: number;
  readonly timeoutMs: number;
}

export interface LeaderboardsReport {
  readonly tournamentId: string;
  readonly players: number;
  /** Unmeasured: the same schedule for LEVELUP_WARMUP_SECONDS, every level-up visible (or timed out) before the measured run. */
  readonly levelUpsWarmup: LevelUpReport;
  readonly levelUps: LevelUpReport;
  /** After the measured run, until every board showed every level sent (undefined: not within DRAIN_TIMEOUT_MS); the reads start then. */
  readonly scoredAfterRunMs: number | undefined;
  readonly groupBoard: { readonly groupSize: number; readonly settings: LoadSettings; readonly comparison: Comparison };
  readonly globalBoard: {
    readonly members: number;
    readonly limit: number;
    readonly fillSeconds: number;
    readonly settings: LoadSettings;
    readonly comparison: Comparison;
  };
}

/** Something went wrong that makes the phase's figures unclean. */
export function leaderboardsFailed(report: LeaderboardsReport): boolean {
  const { levelUpsWarmup, levelUps, groupBoard, globalBoard } = report;
  const errors = (c: Comparison) => c.floor.errors + c.stack.errors;
  const problems = (l: LevelUpReport) => l.failed + l.skipped + l.neverVisible;
  return (
    problems(levelUpsWarmup) + problems(levelUps) > 0 ||
    errors(groupBoard.comparison) + errors(globalBoard.comparison) > 0
  );
}


const LEVEL_AT_ENTRY = 10;
const LEVELUP_WARMUP_SECONDS = 2;
const VISIBILITY_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 5;
/** How long the scoring backlog of the level-up run may take to drain before the reads are measured. */
const DRAIN_TIMEOUT_MS = 180_000;
const GLOBAL_LIMIT = 1000;
const FILL_CHUNK = 5000;
/** Chunks per pipelined round trip of the fill. */
const FILL_WINDOW = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Entrant extends Player {
  readonly groupId: string;
  /** The level of the last level-up sent (or answered). */
  level: number;
}

/** Players at level 10 with 1000 coins, written straight to the table (setup, not measured). */
async function seedEligible(endpoint: string, tableName: string, users: readonly { userId: string; displayName: string }[]): Promise<void> {
  // DynamoDB Local takes any credentials, but the SDK refuses to sign without some.
  process.env['AWS_ACCESS_KEY_ID'] ??= 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'local';
  const table = createTableRef({ tableName, endpoint });
  const at = new Date();
  try {
    for (let i = 0; i < users.length; i += 25) {
      const items = users.slice(i, i + 25).map(({ userId, displayName }) => ({
        PutRequest: {
          Item: {
            ...profileItem.key(userId),
            entity: 'PROFILE',
            ...newProfile(userId, displayName, at),
            level: LEVEL_AT_ENTRY,
            updatedAt: at.toISOString(),
          },
        },
      }));
      await table.doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
    }
  } finally {
    table.doc.destroy();
  }
}

/**
 * Moves a checkpoint file to the end of the table's stream, so a stack started with it does not
 * first score every level-up the earlier phases wrote (tens of thousands) while this one is measured.
 */
async function skipStreamBacklog(endpoint: string, tableName: string, file: string): Promise<void> {
  const poller = new DynamoDbStreamPoller({
    endpoint,
    tableName,
    onRecords: async () => {},
    checkpoint: fileCheckpoint(file),
    pollIntervalMs: 20,
  });
  await poller.start();
  try {
    await poller.drained();
  } finally {
    await poller.stop();
  }
}

async function inBatches<T, R>(items: readonly T[], size: number, each: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map((item, i) => each(item, start + i)))));
  }
  return results;
}

/** Signs the seeded players in and enters each through the stack's entry saga. */
async function enterPlayers(stackUrl: string, usernames: readonly string[]): Promise<Entrant[]> {
  return inBatches(usernames, 32, async (username) => {
    const signIn = await fetch(`${stackUrl}/_local/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    const { token, sub } = (await signIn.json()) as { token: string; sub: string };
    // 503 says "retry" (and a retry never charges twice): a client would, so setup does too.
    let entry: Response;
    let body: { groupId?: string };
    for (let attempt = 1; ; attempt++) {
      entry = await fetch(`${stackUrl}/tournaments/current/entries`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      body = (await entry.json()) as { groupId?: string };
      if (entry.status !== 503 || attempt === 5) break;
      await sleep(200 * attempt);
    }
    if (entry.status !== 201 || !body.groupId) {
      throw new Error(`entering ${username}: POST /tournaments/current/entries answered ${entry.status} ${JSON.stringify(body)}`);
    }
    return { sub, token, groupId: body.groupId, level: LEVEL_AT_ENTRY };
  });
}

/**
 * Level-ups at a fixed rate (the schedule does not wait for answers), each by the player idle
 * the longest, so no player has two in flight; each is timed until the player's Redis group
 * board holds its new score (or a higher one: the boards only ever raise).
 */
/** Every member's score on the given group boards, read side by side (each board is in its own slot). */
async function boardScores(boards: Leaderboards, tournamentId: string, groupIds: readonly string[]): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  for (const board of await Promise.all(groupIds.map((groupId) => boards.group(tournamentId, groupId)))) {
    for (const entry of board) scores.set(entry.userId, entry.value);
  }
  return scores;
}

/** Milliseconds until every player's group board score is that of the last level sent; undefined past DRAIN_TIMEOUT_MS. */
async function untilScored(boards: Leaderboards, tournamentId: string, players: readonly Entrant[]): Promise<number | undefined> {
  const started = performance.now();
  const groups = [...new Set(players.map((p) => p.groupId))];
  while (performance.now() - started < DRAIN_TIMEOUT_MS) {
    const scores = await boardScores(boards, tournamentId, groups);
    if (players.every((p) => (scores.get(p.sub) ?? -1) >= pointsForLevels(LEVEL_AT_ENTRY, p.level))) return performance.now() - started;
    await sleep(250);
  }
  return undefined;
}

async function levelUpsToBoard(args: {
  stackUrl: string;
  boards: Leaderboards;
  tournamentId: string;
  players: readonly Entrant[];
  rate: number;
  seconds: number;
}): Promise<LevelUpReport> {
  const { stackUrl, boards, tournamentId, players, rate, seconds } = args;
  interface Pending {
    readonly player: Entrant;
    readonly expected: number;
    readonly sentAt: number;
  }
  const idle = [...players];
  const pending = new Set<Pending>();
  const inFlight = new Set<Promise<void>>();
  const visible: { sentOffsetMs: number; latencyMs: number }[] = [];
  const responseMs: number[] = [];
  let skipped = 0;
  let failed = 0;
  let neverVisible = 0;
  let maxSendLagMs = 0;
  let sending = true;
  const runId = randomBytes(4).toString('hex');
  const body = JSON.stringify({ levelIncrease: 1 });
  const t0 = performance.now();

  // One read per group board with a level-up pending (at most 35 members each), side by side
  // (each board is in its own slot), however many level-ups wait: a backlog does not make it heavier.
  const watcher = (async () => {
    while (sending || pending.size > 0) {
      if (pending.size > 0) {
        const batch = [...pending];
        const scores = await boardScores(boards, tournamentId, [...new Set(batch.map(({ player }) => player.groupId))]);
        const at = performance.now();
        for (const entry of batch) {
          if (!pending.has(entry)) continue; // failed meanwhile
          if ((scores.get(entry.player.sub) ?? -1) >= entry.expected) {
            visible.push({ sentOffsetMs: entry.sentAt - t0, latencyMs: at - entry.sentAt });
            pending.delete(entry);
          } else if (at - entry.sentAt > VISIBILITY_TIMEOUT_MS) {
            neverVisible++;
            pending.delete(entry);
          }
        }
      }
      await sleep(POLL_INTERVAL_MS);
    }
  })();
  // Awaited once the sending is over; handled now so a Redis error meanwhile is not an unhandled rejection.
  watcher.catch(() => {});

  const send = (player: Entrant, serial: number) => {
    player.level++;
    const entry: Pending = { player, expected: pointsForLevels(LEVEL_AT_ENTRY, player.level), sentAt: performance.now() };
    pending.add(entry);
    const fail = () => {
      failed++;
      pending.delete(entry);
    };
    const request = fetch(`${stackUrl}/users/me/progress`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${player.token}`,
        'content-type': 'application/json',
        'idempotency-key': `bench-lb-${runId}-${serial}`,
      },
      body,
    })
      .then(async (response) => {
        const answer = (await response.json()) as { level?: number };
        responseMs.push(performance.now() - entry.sentAt);
        if (response.status !== 200) {
          player.level--;
          fail();
        } else if (answer.level !== player.level) {
          // Not the level this bench expected: count it, and expect what the stack says from now on.
          player.level = answer.level ?? player.level;
          fail();
        }
      })
      .catch(() => {
        player.level--;
        fail();
      })
      .finally(() => {
        idle.push(player);
        inFlight.delete(request);
      });
    inFlight.add(request);
  };

  const total = rate * seconds;
  const intervalMs = 1000 / rate;
  let lastSentAt = t0;
  let sent = 0;
  for (let i = 0; i < total; i++) {
    const due = t0 + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const now = performance.now();
    maxSendLagMs = Math.max(maxSendLagMs, now - due);
    const player = idle.shift();
    if (!player) {
      skipped++;
      continue;
    }
    send(player, i);
    sent++;
    lastSentAt = now;
  }
  await Promise.all(inFlight);
  sending = false;
  await watcher;

  const visibleMs = visible.map((v) => v.latencyMs).sort((a, b) => a - b);
  const visibleP50BySecond = Array.from({ length: seconds }, (_, second) =>
    percentile(
      visible.filter((v) => Math.floor(v.sentOffsetMs / 1000) === second).map((v) => v.latencyMs).sort((a, b) => a - b),
      50,
    ),
  );
  responseMs.sort((a, b) => a - b);
  return {
    players: players.length,
    rate,
    seconds,
    sent,
    skipped,
    failed,
    achievedPerSec: sent / ((lastSentAt - t0) / 1000 + intervalMs / 1000),
    maxSendLagMs,
    responseP50Ms: percentile(responseMs, 50),
    responseP99Ms: percentile(responseMs, 99),
    visibleP50Ms: percentile(visibleMs, 50),
    visibleP99Ms: percentile(visibleMs, 99),
    visibleMaxMs: visibleMs.at(-1) ?? 0,
    visibleP50BySecond,
    visible: visibleMs.length,
    neverVisible,
    timeoutMs: VISIBILITY_TIMEOUT_MS,
  };
}

/** Ids shaped like the players' (a Cognito sub), so pages weigh what real ones would. */
const globalMemberId = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

/**
 * `members` players on the global board, straight through Redis as a global rebuild (begin, add,
 * commit): levels 1..500, most of them low (level = 1 + ⌊500·u²⌋), each reached at some
 * millisecond of the past year.
 */
async function fillGlobalBoard(boards: Leaderboards, members: number, stopping: () => boolean): Promise<void> {
  const random = seededRandom(0x5eed);
  const until = Date.now();
  const from = until - 365 * 24 * 60 * 60 * 1000;
  await boards.beginGlobalRebuild();
  for (let start = 0; start < members; start += FILL_CHUNK * FILL_WINDOW) {
    if (stopping()) throw new Error('the bench is stopping');
    const window: Promise<void>[] = [];
    for (let chunk = start; chunk < Math.min(members, start + FILL_CHUNK * FILL_WINDOW); chunk += FILL_CHUNK) {
      const entries: BoardEntry[] = [];
      for (let i = chunk; i < Math.min(members, chunk + FILL_CHUNK); i++) {
        const u = random();
        const level = 1 + Math.floor(500 * u * u);
        const reachedAt = new Date(from + Math.floor(random() * (until - from))).toISOString();
        entries.push({ userId: globalMemberId(i), displayName: `Player ${i}`, value: level, reachedAt });
      }
      window.push(boards.addToGlobalRebuild(entries));
    }
    await Promise.all(window);
  }
  await boards.commitGlobalRebuild();
}

/** Unlinks every key under `prefix`, a SCAN page at a time; returns how many. */
async function unlinkPrefixed(redisUrl: string, prefix: string): Promise<number> {
  if (!/^[\w:-]+:$/.test(prefix)) throw new Error(`refusing to delete keys under an unusual prefix: ${prefix}`);
  const client = new Redis(redisUrl, { protocol: 2, maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    let unlinked = 0;
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      // One UNLINK per key: the keys span slots, which a cluster-mode server refuses in one command.
      const pipeline = client.pipeline();
      for (const key of found) pipeline.unlink(key);
      for (const [error, count] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        unlinked += Number(count);
      }
    } while (cursor !== '0');
    return unlinked;
  } finally {
    client.disconnect();
  }
}


export async function benchLeaderboards(args: {
  dynamodbEndpoint: string;
  tableName: string;
  redisUrl: string;
  /** The bench's comparison settings; each comparison here primes for 2 s only (DynamoDB Local is warm by now). */
  settings: LoadSettings;
  started: (stop: () => Promise<unknown>) => void;
  log: (line: string) => void;
}): Promise<LeaderboardsReport> {
  const { dynamodbEndpoint, tableName, redisUrl, log } = args;
  const playerCount = positiveIntegerEnv('BENCH_LEADERBOARD_PLAYERS', 300);
  const rate = positiveIntegerEnv('BENCH_LEVELUP_RATE', 200);
  const levelUpSeconds = positiveIntegerEnv('BENCH_LEVELUP_SECONDS', 10);
  const globalMembers = positiveIntegerEnv('BENCH_GLOBAL_MEMBERS', 1_000_000);
  const globalConnections = positiveIntegerEnv('BENCH_GLOBAL_CONNECTIONS', 8);

  const phaseStarted = performance.now();
  const run = randomBytes(3).toString('hex');
  const stackId = `bench-lb-${run}`;
  const keyPrefix = `goodswipe:${stackId}:`;
  // A day no other phase uses: the entries phase filled today's groups, and this stack's seat
  // counter (under its own prefix) would start again at group 1.
  const tournamentId = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'goodswipe-bench-lb-'));
  writeFileSync(path.join(stateDir, 'stack-id'), stackId);

  const redis = createRedis({ url: redisUrl, keyPrefix, cluster: process.env['REDIS_CLUSTER'] === 'true' });
  const boards = new Leaderboards(redis);
  let stack: StackProcess | undefined;
  let floor: FloorProcess | undefined;
  let stopping = false;
  let filling: Promise<void> | undefined;
  let teardown: Promise<void> | undefined;
  const stopAll = () =>
    (teardown ??= (async () => {
      stopping = true;
      await filling?.catch(() => {});
      await floor?.stop();
      await stack?.stop();
      try {
        const unlinked = await unlinkPrefixed(redisUrl, keyPrefix);
        log(`leaderboards: ${unlinked} Redis keys under ${keyPrefix} unlinked`);
      } finally {
        redis.disconnect();
        rmSync(stateDir, { recursive: true, force: true });
      }
    })());
  args.started(stopAll);

  try {
    await skipStreamBacklog(dynamodbEndpoint, tableName, path.join(stateDir, 'stream-checkpoint.json'));
    stack = await spawnLocalStack(['--state-dir', stateDir, '--clock', `${tournamentId}T01:00:00Z`], {
      DYNAMODB_ENDPOINT: dynamodbEndpoint,
      REDIS_URL: redisUrl,
      LOCAL_EPHEMERAL: '0',
    });
    floor = await spawnFloorProcess('test/bench/leaderboard-floor-server.ts', 'leaderboard floor listening on', {
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: dynamodbEndpoint,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      FLOOR_TOURNAMENT_ID: tournamentId,
    });
    log(`leaderboards: stack at ${stack.url} (Redis prefix ${keyPrefix}, clock ${tournamentId}T01:00Z), floor at ${floor.url}`);

    const usernames = Array.from({ length: playerCount }, (_, i) => `bench-lb-${run}-${i}`);
    await seedEligible(
      dynamodbEndpoint,
      tableName,
      usernames.map((name, i) => ({ userId: subjectFor(name), displayName: `Board ${run} ${i}` })),
    );
    const players = await enterPlayers(stack.url, usernames);
    const first = players[0]!;
    if (!(await boards.group(tournamentId, first.groupId)).some((e) => e.userId === first.sub)) {
      throw new Error(`${first.sub} entered ${first.groupId} but is not on that board under ${keyPrefix}: not the stack's key prefix?`);
    }
    log(`leaderboards: ${players.length} players entered ${tournamentId}; ${rate} level-ups/s for ${levelUpSeconds} s`);

    // A warm-up first (the scoring path's first calls in this stack), drained before the measured run.
    const warmup = await levelUpsToBoard({ stackUrl: stack.url, boards, tournamentId, players, rate, seconds: LEVELUP_WARMUP_SECONDS });
    log(
      `leaderboards: warm-up ${LEVELUP_WARMUP_SECONDS} s: visible p50 ${warmup.visibleP50Ms.toFixed(1)} ms, max ${warmup.visibleMaxMs.toFixed(1)} ms, ` +
        `never visible ${warmup.neverVisible}, failed ${warmup.failed}`,
    );
    const levelUps = await levelUpsToBoard({ stackUrl: stack.url, boards, tournamentId, players, rate, seconds: levelUpSeconds });
    log(
      `leaderboards: level-up -> group board p50 ${levelUps.visibleP50Ms.toFixed(1)} ms, p99 ${levelUps.visibleP99Ms.toFixed(1)} ms, ` +
        `max ${levelUps.visibleMaxMs.toFixed(1)} ms at ${levelUps.achievedPerSec.toFixed(1)}/s; ` +
        `never visible ${levelUps.neverVisible}, failed ${levelUps.failed}, skipped ${levelUps.skipped}`,
    );

    // The reads below must not share the stack with a scoring backlog (level-ups not visible
    // within 10 s are still in the pipeline): wait until every board shows every level sent.
    const drainMs = await untilScored(boards, tournamentId, players);
    log(`leaderboards: every level-up scored ${drainMs === undefined ? `NOT within ${DRAIN_TIMEOUT_MS / 1000} s` : `${(drainMs / 1000).toFixed(1)} s after the run`}`);

    const byGroup = new Map<string, Entrant[]>();
    for (const player of players) byGroup.set(player.groupId, [...(byGroup.get(player.groupId) ?? []), player]);
    const group = [...byGroup.values()].sort((a, b) => b.length - a.length)[0]!;
    const targets: { floor: Target; stack: Target } = {
      floor: { side: 'floor', url: floor.url, identify: (player) => ({ 'x-user-id': player.sub }) },
      stack: { side: 'stack', url: stack.url, identify: (player) => ({ authorization: `Bearer ${player.token}` }) },
    };
    const groupSettings: LoadSettings = { ...args.settings, primeSeconds: 2 };
    const groupScenario: Scenario = { name: 'GET /tournaments/current/leaderboard', method: 'GET', path: '/tournaments/current/leaderboard' };
    const groupComparison = await compare(groupScenario, targets, group, groupSettings, log);

    log(`leaderboards: filling board:global with ${globalMembers} players`);
    const fillStarted = performance.now();
    filling = fillGlobalBoard(boards, globalMembers, () => stopping);
    await filling;
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    log(`leaderboards: the global board holds ${await redis.zcard(redisKeys.globalBoard().order)} players (filled in ${fillSeconds.toFixed(1)} s)`);

    const globalSettings: LoadSettings = { ...args.settings, connections: globalConnections, primeSeconds: 2 };
    const globalScenario: Scenario = { name: `GET /leaderboards/global?limit=${GLOBAL_LIMIT}`, method: 'GET', path: `/leaderboards/global?limit=${GLOBAL_LIMIT}` };
    const globalComparison = await compare(globalScenario, targets, players, globalSettings, log);
    log(`leaderboards: phase took ${((performance.now() - phaseStarted) / 1000).toFixed(0)} s (cleanup next)`);

    return {
      tournamentId,
      players: players.length,
      levelUpsWarmup: warmup,
      levelUps,
      scoredAfterRunMs: drainMs,
      groupBoard: { groupSize: group.length, settings: groupSettings, comparison: groupComparison },
      globalBoard: { members: globalMembers, limit: GLOBAL_LIMIT, fillSeconds, settings: globalSettings, comparison: globalComparison },
    };
  } finally {
    // A failed cleanup must not hide why the phase failed; it says what it left behind.
    await stopAll().catch((error: unknown) => log(`leaderboards: cleanup failed, keys under ${keyPrefix} may be left in Redis: ${String(error)}`));
  }
}
