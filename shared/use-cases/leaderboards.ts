import { isEntered } from '../domain/entry.ts';
import { rankGroup } from '../domain/ranking.ts';
import { isTournamentId, tournamentIdOn } from '../domain/tournament.ts';
import type { Tournament } from '../domain/tournament-record.ts';
import type { EntryRepository } from '../adapters/dynamo/entry-repository.ts';
import type { GroupRepository } from '../adapters/dynamo/group-repository.ts';
import type { MemberRepository } from '../adapters/dynamo/member-repository.ts';
import type { TournamentRepository } from '../adapters/dynamo/tournament-repository.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import type { BoardPosition, Leaderboards } from '../adapters/redis/leaderboards.ts';
import { logger } from '../adapters/observability.ts';
import { ApiError } from '../http/problem.ts';

export interface GroupDeps {
  readonly tournaments: TournamentRepository;
  readonly entries: EntryRepository;
  readonly members: MemberRepository;
  readonly groups: GroupRepository;
  readonly boards: Leaderboards;
}

/** `current` or a date: the tournament a route's `{tournamentId}` names. */
export async function tournamentNamed(tournaments: TournamentRepository, param: string, now: Date): Promise<Tournament> {
  const current = param === 'current';
  const tournamentId = current ? tournamentIdOn(now) : param;
  if (!isTournamentId(tournamentId)) {
    throw new ApiError('VALIDATION_ERROR', 'tournamentId is a date (YYYY-MM-DD) or "current"', [
      { field: 'tournamentId', message: 'must be YYYY-MM-DD or current' },
    ]);
  }
  const tournament = await tournaments.getCached(tournamentId);
  if (!tournament) {
    throw current
      ? new ApiError('NO_ACTIVE_TOURNAMENT', 'no tournament is running now')
      : new ApiError('TOURNAMENT_NOT_FOUND', `no tournament ${tournamentId}`);
  }
  return tournament;
}

export interface GroupBoardEntry {
  readonly rank: number;
  readonly userId: string;
  readonly displayName: string;
  readonly score: number;
}

/**
 * The caller's group, best first, from the Redis board; if Redis is down, from DynamoDB (one
 * query of at most 35 members), so the board is always served.
 */
export async function groupLeaderboard(
  deps: GroupDeps,
  input: { userId: string; tournament: string; now: Date },
): Promise<{ tournamentId: string; groupId: string; entries: GroupBoardEntry[] }> {
  const tournament = await tournamentNamed(deps.tournaments, input.tournament, input.now);
  const entry = await deps.entries.getForGroup(input.userId, tournament.tournamentId);
  if (!isEntered(entry)) throw new ApiError('NOT_PARTICIPATING', `you did not enter ${tournament.tournamentId}`);
  return {
    tournamentId: tournament.tournamentId,
    groupId: entry.groupId,
    entries:
      (await sealedStandings(deps, tournament, entry.groupId, input.now)) ??
      (await groupStandings(deps, tournament.tournamentId, entry.groupId, input.userId)),
  };
}

/**
 * The group's final standings once its day is sealed (from the group's DynamoDB item): the ranks
 * the rewards are paid by, whatever the live board says. Only an ended day can have them.
 */
async function sealedStandings(deps: GroupDeps, tournament: Tournament, groupId: string, now: Date): Promise<GroupBoardEntry[] | undefined> {
  if (now.getTime() <= new Date(tournament.endsAt).getTime()) return undefined;
  const group = await deps.groups.get(tournament.tournamentId, groupId);
  return group?.standings?.map(({ rank, userId, displayName, score }) => ({ rank, userId, displayName, score }));
}

/** The caller's rank in their group, and how many members it has. */
export async function groupRank(
  deps: GroupDeps,
  input: { userId: string; tournament: string; now: Date },
): Promise<{ rank: number; score: number; groupSize: number }> {
  const board = await groupLeaderboard(deps, input);
  const mine = board.entries.find((e) => e.userId === input.userId);
  if (!mine) throw new ApiError('NOT_PARTICIPATING', 'you are not on your group board yet');
  return { rank: mine.rank, score: mine.score, groupSize: board.entries.length };
}

/**
 * A group's ranked standings: the Redis board's own order (exact: score, then the millisecond it
 * was reached, then userId) when the board is complete and holds the caller; otherwise (Redis
 * down, the board lost or re-created partially by level-ups after a cache loss, a join not shown
 * yet) DynamoDB ranked by the same rules, and the board is repaired from it for the next reader.
 */
async function groupStandings(deps: GroupDeps, tournamentId: string, groupId: string, callerId: string): Promise<GroupBoardEntry[]> {
  let redisAnswers = true;
  try {
    const board = await deps.boards.groupIfComplete(tournamentId, groupId);
    if (board?.some((e) => e.userId === callerId)) {
      return board.map((e, i) => ({ rank: i + 1, userId: e.userId, displayName: e.displayName, score: e.value }));
    }
    logger.warn('group board incomplete; serving it from DynamoDB and repairing it', { tournamentId, groupId });
  } catch (error) {
    redisAnswers = false;
    logger.warn('group board unavailable; serving it from DynamoDB', { error: error as Error, tournamentId, groupId });
  }
  const members = await deps.members.ofGroup(tournamentId, groupId);
  if (redisAnswers) {
    const entries = members.map((m) => ({ userId: m.userId, displayName: m.displayName, value: m.score, reachedAt: m.scoreReachedAt }));
    await deps.boards.repairGroup(tournamentId, groupId, entries).catch((error: unknown) => {
      logger.warn('could not repair the group board', { error: error as Error, tournamentId, groupId });
    });
  }
  return rankGroup(members).map(({ rank, userId, displayName, score }) => ({ rank, userId, displayName, score }));
}

export interface GlobalEntry {
  readonly rank: number;
  readonly userId: string;
  readonly displayName: string;
  readonly level: number;
}

/** Opaque page cursor: the last entry served (its level, the millisecond it was reached, its id). */
export function encodeCursor(last: BoardPosition): string {
  return Buffer.from(JSON.stringify({ v: last.value, t: last.reachedAtMs, u: last.userId })).toString('base64url');
}

/** Largest millisecond a board holds (15 digits, see board-order.ts). */
const CURSOR_MS_LIMIT = 10 ** 15;

function decodeCursor(cursor: string): BoardPosition {
  try {
    const { v, t, u } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; t?: unknown; u?: unknown };
    if (
      typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 &&
      typeof t === 'number' && Number.isSafeInteger(t) && t >= 0 && t < CURSOR_MS_LIMIT &&
      typeof u === 'string' && u.length > 0
    ) {
      return { value: v, reachedAtMs: t, userId: u };
    }
  } catch {
    // not JSON: fall through
  }
  throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API returned', [{ field: 'cursor', message: 'invalid cursor' }]);
}

/** The most entries a global page shows (the route's `limit` at most). */
export const GLOBAL_PAGE_MAX_LIMIT = 1000;

/** A page as Redis has it: `count` entries from a position on. */
export type GlobalBoardPage = Awaited<ReturnType<Leaderboards['globalPage']>>;

export interface GlobalPage {
  readonly entries: GlobalEntry[];
  readonly nextCursor?: string;
}

/** A page of everyone by level; Redis is the only fast index of it, so if it is down: 503. */
export async function globalLeaderboard(boards: Leaderboards, input: { limit: number; cursor?: string }): Promise<GlobalPage> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
  // One more than shown: whether there is a next page.
  return shownGlobalPage(await readGlobalPage(boards, input.limit + 1, after), input.limit);
}

/** `count` entries of the global board (after a position), from a complete board only. */
export async function readGlobalPage(boards: Leaderboards, count: number, after?: BoardPosition): Promise<GlobalBoardPage> {
  const page = await unavailableIfDown(() => boards.globalPage(count, after));
  if (!page.complete) throw beingRebuilt();
  return page;
}

/** The first `limit` entries of a page read with at least one more, and the cursor after them if there are more. */
export function shownGlobalPage(page: GlobalBoardPage, limit: number): GlobalPage {
  const shown = page.entries.slice(0, limit);
  const last = shown.at(-1);
  return {
    entries: shown.map((e, i) => ({ rank: page.firstPosition + i + 1, userId: e.userId, displayName: e.displayName, level: e.value })),
    ...(page.entries.length > limit && last
      ? { nextCursor: encodeCursor({ value: last.value, reachedAtMs: Date.parse(last.reachedAt), userId: last.userId }) }
      : {}),
  };
}

/** The caller's place on the global board (a player not on it yet is placed by their profile). */
export async function globalRank(
  deps: { boards: Leaderboards; users: UserRepository },
  userId: string,
): Promise<{ rank: number; level: number }> {
  const onBoard = await unavailableIfDown(() => deps.boards.globalPosition(userId));
  if (!onBoard.complete) throw beingRebuilt();
  if (onBoard.position !== undefined && onBoard.entry) return { rank: onBoard.position + 1, level: onBoard.entry.value };
  const profile = await deps.users.get(userId);
  if (!profile) throw new ApiError('USER_NOT_FOUND', 'create your profile first with POST /users');
  const position = { value: profile.level, reachedAtMs: Date.parse(profile.levelReachedAt), userId };
  const ahead = await unavailableIfDown(() => deps.boards.globalCountAbove(position));
  return { rank: ahead + 1, level: profile.level };
}

/** How long a client should wait for a global board being rebuilt (about a minute at 1,000,000 players). */
const REBUILD_RETRY_AFTER_SECONDS = 30;

/**
 * The global board lost its data (Redis restarted empty) and is not rebuilt yet: ranks from a
 * partial board would be wrong, so none are given; the WatchLeaderboards job starts the rebuild.
 */
function beingRebuilt(): ApiError {
  return new ApiError('SERVICE_UNAVAILABLE', 'the global leaderboard is being rebuilt; retry in a minute', undefined, REBUILD_RETRY_AFTER_SECONDS);
}

async function unavailableIfDown<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    logger.warn('global board unavailable', { error: error as Error });
    // An honest 503 says when to come back, as the other 503s do (Redis' own timeouts are 1-2 s).
    throw new ApiError('SERVICE_UNAVAILABLE', 'the leaderboard is unavailable right now; retry in a few seconds', undefined, 5);
  }
}
