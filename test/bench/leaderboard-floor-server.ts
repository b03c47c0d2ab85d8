import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTableRef } from '../../shared/adapters/dynamo/client.ts';
import { EntryRepository } from '../../shared/adapters/dynamo/entry-repository.ts';
import { createRedis } from '../../shared/adapters/redis/client.ts';
import { isEntered } from '../../shared/domain/entry.ts';
import { Leaderboards } from '../../shared/adapters/redis/leaderboards.ts';
import { requiredEnv, sendJson, serveFloor } from './floor-http.ts';

/**
 * The leaderboards' floor: the fastest a server could answer the two leaderboard routes while
 * doing the same data work as their handlers, round trip for round trip. A bare `node:http`
 * server, no framework, no validation, no JWT (the caller is the plain `x-user-id` header), the
 * same Redis client settings and key prefix as the stack it stands beside, a client per request
 * in flight as the stack's containers have.
 *
 * - GET /tournaments/current/leaderboard: the caller's entry (one consistent GetItem, as the
 *   handler reads it) for its group, then the group board (one script call).
 * - GET /leaderboards/global?limit=N: one page script call (one more than shown, for the cursor).
 *
 * Run by test/bench/leaderboards.ts with TABLE_NAME, DYNAMODB_ENDPOINT, REDIS_URL,
 * REDIS_KEY_PREFIX, FLOOR_TOURNAMENT_ID and the AWS_* credentials set.
 */


const tournamentId = requiredEnv('FLOOR_TOURNAMENT_ID');
const table = createTableRef({ tableName: requiredEnv('TABLE_NAME'), endpoint: requiredEnv('DYNAMODB_ENDPOINT') });
const entries = new EntryRepository(table);

/*
 * One Redis client per request in flight, as Lambda has it: each concurrent invocation runs in a
 * container of its own, with its own connections (the local stack's runtime does the same). One
 * client shared by every request would pipeline them all on one socket per node, which no
 * deployment of the handlers can: that floor measured the sharing, not the handler.
 */
const idleBoards: Leaderboards[] = [];
const newBoards = () =>
  new Leaderboards(createRedis({ url: requiredEnv('REDIS_URL'), keyPrefix: requiredEnv('REDIS_KEY_PREFIX'), cluster: process.env['REDIS_CLUSTER'] === 'true' }));

async function withBoards<T>(use: (boards: Leaderboards) => Promise<T>): Promise<T> {
  const boards = idleBoards.pop() ?? newBoards();
  try {
    return await use(boards);
  } finally {
    idleBoards.push(boards);
  }
}


async function groupBoard(userId: string, response: ServerResponse): Promise<void> {
  const entry = await entries.get(userId, tournamentId);
  if (!isEntered(entry)) return sendJson(response, 404, { code: 'NOT_PARTICIPATING' });
  const board = await withBoards((boards) => boards.group(tournamentId, entry.groupId));
  sendJson(response, 200, {
    tournamentId,
    groupId: entry.groupId,
    entries: board.map((e, i) => ({ rank: i + 1, userId: e.userId, displayName: e.displayName, score: e.value })),
  });
}

async function globalBoard(limit: number, response: ServerResponse): Promise<void> {
  const page = await withBoards((boards) => boards.globalPage(limit + 1));
  const shown = page.entries.slice(0, limit);
  const last = shown.at(-1);
  sendJson(response, 200, {
    entries: shown.map((e, i) => ({ rank: page.firstPosition + i + 1, userId: e.userId, displayName: e.displayName, level: e.value })),
    ...(page.entries.length > limit && last
      ? { nextCursor: Buffer.from(JSON.stringify({ v: last.value, t: Date.parse(last.reachedAt), u: last.userId })).toString('base64url') }
      : {}),
  });
}

async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://floor');
  if (request.method === 'GET' && url.pathname === '/leaderboards/global') {
    return globalBoard(Number(url.searchParams.get('limit') ?? 100), response);
  }
  const userId = request.headers['x-user-id'];
  if (typeof userId !== 'string') return sendJson(response, 401, { code: 'UNAUTHORIZED' });
  if (request.method === 'GET' && url.pathname === '/tournaments/current/leaderboard') return groupBoard(userId, response);
  sendJson(response, 404, { code: 'ROUTE_NOT_FOUND' });
}

serveFloor('leaderboard floor', route);
