import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTableRef } from '../../shared/adapters/dynamo/client.ts';
import { UserRepository } from '../../shared/adapters/dynamo/user-repository.ts';
import { EntryRepository } from '../../shared/adapters/dynamo/entry-repository.ts';
import { TournamentRepository } from '../../shared/adapters/dynamo/tournament-repository.ts';
import { createRedis } from '../../shared/adapters/redis/client.ts';
import { Leaderboards } from '../../shared/adapters/redis/leaderboards.ts';
import { SeatDispenser } from '../../shared/adapters/redis/seat-dispenser.ts';
import { levelUp, ownView } from '../../shared/domain/profile.ts';
import { newTournament } from '../../shared/domain/tournament-record.ts';
import {
  confirmReservation,
  joinGroup,
  reserveCoins,
  validateEntry,
  type EntrySagaDeps,
  type EntrySagaState,
} from '../../shared/use-cases/entry-saga.ts';
import { requiredEnv, sendJson, serveFloor } from './floor-http.ts';

/**
 * The benchmark's floor: the fastest a server could answer the two benchmarked routes while
 * doing the same DynamoDB work as their handlers. A bare `node:http` server, no framework, no
 * validation, no JWT (the caller is the plain `x-user-id` header). It goes through the project's
 * repository, so the DynamoDB requests are exactly the handlers' requests.
 *
 * Run by test/bench/run.ts with TABLE_NAME, DYNAMODB_ENDPOINT and the AWS_* credentials set.
 */

const tableName = requiredEnv('TABLE_NAME');
const table = createTableRef({ tableName, endpoint: requiredEnv('DYNAMODB_ENDPOINT') });
const users = new UserRepository(table);



function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** GET /users/me: the handler's one (eventually consistent) GetItem of the profile. */
async function getMe(userId: string, response: ServerResponse): Promise<void> {
  const profile = await users.get(userId);
  if (!profile) return sendJson(response, 404, { code: 'USER_NOT_FOUND' });
  sendJson(response, 200, ownView(profile));
}

/**
 * POST /users/me/progress: the handler's happy path, which is a consistent GetItem of the
 * profile, then one TransactWriteItems of the conditional profile Update and the idempotency
 * record's Put (commitLevelUp builds both; the Put only when an Idempotency-Key is sent). The handler retries a lost race; the floor does not,
 * it answers 409 so the benchmark counts it as an error.
 */
async function recordProgress(userId: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  const { levelIncrease } = JSON.parse(body) as { levelIncrease: number };
  const key = request.headers['idempotency-key'];
  const profile = await users.get(userId, { consistent: true });
  if (!profile) return sendJson(response, 404, { code: 'USER_NOT_FOUND' });

  const next = levelUp(profile, levelIncrease);
  const result = { level: next.level, coins: next.coins, coinsEarned: next.coinsEarned };
  // The same record the use case stores, so both sides write items of the same size.
  const requestHash = createHash('sha256').update(JSON.stringify({ levelIncrease })).digest('hex');
  const outcome = await users.commitLevelUp({
    from: profile,
    levelUp: next,
    at: new Date(),
    idempotency:
      typeof key === 'string' ? { userId, operation: 'progress', key, requestHash, response: { ...result } } : undefined,
  });
  if (outcome !== 'applied') return sendJson(response, 409, { code: 'LEVEL_UP_NOT_APPLIED', outcome });
  sendJson(response, 200, result);
}

/**
 * The entry saga's steps called one after the other in this process: the same DynamoDB reads
 * and writes (and the same Redis seat) as the four Lambda steps, without Step Functions. It enters
 * its own tournament (FLOOR_TOURNAMENT_ID) so its groups never mix with the stack's.
 */
const entrySteps = (() => {
  const tournamentId = process.env['FLOOR_TOURNAMENT_ID'];
  if (!tournamentId) return undefined;
  const redis = createRedis({ url: requiredEnv('REDIS_URL'), keyPrefix: requiredEnv('REDIS_KEY_PREFIX'), cluster: process.env['REDIS_CLUSTER'] === 'true' });
  const deps: EntrySagaDeps = {
    users,
    tournaments: new TournamentRepository(table),
    entries: new EntryRepository(table),
    seats: new SeatDispenser(redis),
    boards: new Leaderboards(redis),
  };
  const ready = deps.tournaments.createIfAbsent(newTournament(tournamentId, new Date(`${tournamentId}T00:00:00Z`)));
  return async (userId: string) => {
    await ready;
    const state: EntrySagaState = { userId, tournamentId, requestedAt: `${tournamentId}T01:00:00.000Z` };
    return confirmReservation(deps, await joinGroup(deps, await reserveCoins(deps, await validateEntry(deps, state))));
  };
})();

async function enter(userId: string, response: ServerResponse): Promise<void> {
  if (!entrySteps) return sendJson(response, 404, { code: 'ROUTE_NOT_FOUND' });
  const { tournamentId, groupId, joinedAt, coins, charged } = await entrySteps(userId);
  sendJson(response, charged ? 201 : 200, { tournamentId, groupId, joinedAt, coins });
}

async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const userId = request.headers['x-user-id'];
  if (typeof userId !== 'string') return sendJson(response, 401, { code: 'UNAUTHORIZED' });
  if (request.method === 'GET' && request.url === '/users/me') return getMe(userId, response);
  if (request.method === 'POST' && request.url === '/users/me/progress') return recordProgress(userId, request, response);
  if (request.method === 'POST' && request.url === '/tournaments/current/entries') return enter(userId, response);
  sendJson(response, 404, { code: 'ROUTE_NOT_FOUND' });
}

serveFloor('floor', route);
