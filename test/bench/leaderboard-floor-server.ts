import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTableRef } from '../../shared/adapters/dynamo/client.ts';
import { EntryRepository } from '../../shared/adapters/dynamo/entry-repository.ts';
import { createRedis } from '../../shared/adapters/redis/client.ts';
import { isEntered } from '../../shared/domain/entry.ts';
import { decodeBoardScore } from '../../shared/domain/ranking.ts';
import { requiredEnv, sendJson, serveFloor } from './floor-http.ts';

/**
 * The leaderboards' floor: the fastest a server could answer the two leaderboard routes while
 * doing the same data work as their handlers, round trip for round trip. A bare `node:http`
 * server, no framework, no validation, no JWT (the caller is the plain `x-user-id` header), the
 * same Redis client settings and key prefix as the stack it stands beside.
 *
 * - GET /tournaments/current/leaderboard: the caller's entry (one consistent GetItem, as the
 *   handler reads it) for its group, then ZREVRANGE board 0 -1 WITHSCORES and HMGET names.
 * - GET /leaderboards/global?limit=N: ZREVRANGE board:global 0 N WITHSCORES (one more than shown,
 *   for the cursor), ZREVRANK of the first, HMGET names of those shown.
 *
 * Run by test/bench/leaderboards.ts with TABLE_NAME, DYNAMODB_ENDPOINT, REDIS_URL,
 * REDIS_KEY_PREFIX, FLOOR_TOURNAMENT_ID and the AWS_* credentials set.
 */


const tournamentId = requiredEnv('FLOOR_TOURNAMENT_ID');
const table = createTableRef({ tableName: requiredEnv('TABLE_NAME'), endpoint: requiredEnv('DYNAMODB_ENDPOINT') });
const entries = new EntryRepository(table);
const redis = createRedis({ url: requiredEnv('REDIS_URL'), keyPrefix: requiredEnv('REDIS_KEY_PREFIX') });


async function groupBoard(userId: string, response: ServerResponse): Promise<void> {
  const entry = await entries.get(userId, tournamentId);
  if (!isEntered(entry)) return sendJson(response, 404, { code: 'NOT_PARTICIPATING' });
  const flat = await redis.zrevrange(`board:group:${tournamentId}:${entry.groupId}`, 0, -1, 'WITHSCORES');
  const ids = flat.filter((_, i) => i % 2 === 0);
  const names = ids.length > 0 ? await redis.hmget('names', ...ids) : [];
  sendJson(response, 200, {
    tournamentId,
    groupId: entry.groupId,
    entries: ids.map((id, i) => ({
      rank: i + 1,
      userId: id,
      displayName: names[i] ?? id,
      score: decodeBoardScore(Number(flat[i * 2 + 1])).primary,
    })),
  });
}

async function globalBoard(limit: number, response: ServerResponse): Promise<void> {
  const flat = await redis.zrevrange('board:global', 0, limit, 'WITHSCORES');
  const ids = flat.filter((_, i) => i % 2 === 0);
  const firstRank = ids[0] === undefined ? 0 : ((await redis.zrevrank('board:global', ids[0])) ?? 0) + 1;
  const shown = ids.slice(0, limit);
  const names = shown.length > 0 ? await redis.hmget('names', ...shown) : [];
  const last = shown.length - 1;
  sendJson(response, 200, {
    entries: shown.map((id, i) => ({
      rank: firstRank + i,
      userId: id,
      displayName: names[i] ?? id,
      level: decodeBoardScore(Number(flat[i * 2 + 1])).primary,
    })),
    ...(ids.length > limit && last >= 0
      ? { nextCursor: Buffer.from(JSON.stringify({ s: Number(flat[last * 2 + 1]), u: shown[last] })).toString('base64url') }
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
