import { isEntered } from '../domain/entry.ts';
import { rankGroup, type Standing } from '../domain/ranking.ts';
import { isTournamentId, tournamentIdOn } from '../domain/tournament.ts';
import type { Tournament } from '../domain/tournament-record.ts';
import type { EntryRepository } from '../adapters/dynamo/entry-repository.ts';
import type { MemberRepository } from '../adapters/dynamo/member-repository.ts';
import type { TournamentRepository } from '../adapters/dynamo/tournament-repository.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import type { Leaderboards } from '../adapters/redis/leaderboards.ts';
import { encodeBoardScore } from '../domain/ranking.ts';
import { logger } from '../adapters/observability.ts';
import { ApiError } from '../http/problem.ts';

export interface GroupDeps {
  readonly tournaments: TournamentRepository;
  readonly entries: EntryRepository;
  readonly members: MemberRepository;
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
  const entry = await deps.entries.get(input.userId, tournament.tournamentId);
  if (!isEntered(entry)) throw new ApiError('NOT_PARTICIPATING', `you did not enter ${tournament.tournamentId}`);
  const standings = await groupStandings(deps, tournament.tournamentId, entry.groupId, input.userId);
  return {
    tournamentId: tournament.tournamentId,
    groupId: entry.groupId,
    entries: rankGroup(standings).map(({ rank, userId, displayName, score }) => ({ rank, userId, displayName, score })),
  };
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
 * A group's standings from its Redis board, or from DynamoDB when Redis is down or the board
 * lacks the caller (lost, evicted, or not yet holding a member whose join could not be shown).
 */
async function groupStandings(
  deps: GroupDeps,
  tournamentId: string,
  groupId: string,
  callerId: string,
): Promise<(Standing & { displayName: string })[]> {
  try {
    const board = await deps.boards.group(tournamentId, groupId);
    if (board.some((e) => e.userId === callerId)) {
      const names = await deps.boards.names(board.map((e) => e.userId));
      return board.map((e) => ({ userId: e.userId, displayName: names.get(e.userId) ?? e.userId, score: e.value, scoreReachedAt: e.reachedAt }));
    }
    logger.warn('group board incomplete; serving it from DynamoDB', { tournamentId, groupId });
  } catch (error) {
    logger.warn('group board unavailable; serving it from DynamoDB', { error: error as Error, tournamentId, groupId });
  }
  return (await deps.members.ofGroup(tournamentId, groupId)).map((m) => ({
    userId: m.userId,
    displayName: m.displayName,
    score: m.score,
    scoreReachedAt: m.scoreReachedAt,
  }));
}

export interface GlobalEntry {
  readonly rank: number;
  readonly userId: string;
  readonly displayName: string;
  readonly level: number;
}

/** Opaque page cursor: the last entry served (its encoded board score and id). */
export function encodeCursor(last: { encoded: number; userId: string }): string {
  return Buffer.from(JSON.stringify({ s: last.encoded, u: last.userId })).toString('base64url');
}

export function decodeCursor(cursor: string): { encoded: number; userId: string } {
  try {
    const { s, u } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; u?: unknown };
    if (typeof s === 'number' && Number.isSafeInteger(s) && s >= 0 && typeof u === 'string' && u.length > 0) {
      return { encoded: s, userId: u };
    }
  } catch {
    // not JSON: fall through
  }
  throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API returned', [{ field: 'cursor', message: 'invalid cursor' }]);
}

/** A page of everyone by level; Redis is the only fast index of it, so if it is down: 503. */
export async function globalLeaderboard(
  boards: Leaderboards,
  input: { limit: number; cursor?: string },
): Promise<{ entries: GlobalEntry[]; nextCursor?: string }> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
  const page = await unavailableIfDown(() => boards.globalPage(input.limit + 1, after));
  const shown = page.entries.slice(0, input.limit);
  const names = await unavailableIfDown(() => boards.names(shown.map((e) => e.userId)));
  const last = shown.at(-1);
  return {
    entries: shown.map((e, i) => ({
      rank: page.firstRank + i,
      userId: e.userId,
      displayName: names.get(e.userId) ?? e.userId,
      level: e.value,
    })),
    ...(page.entries.length > input.limit && last ? { nextCursor: encodeCursor(last) } : {}),
  };
}

/** The caller's place on the global board (a player not on it yet is placed by their profile). */
export async function globalRank(
  deps: { boards: Leaderboards; users: UserRepository },
  userId: string,
): Promise<{ rank: number; level: number }> {
  const onBoard = await unavailableIfDown(() => deps.boards.globalPosition(userId));
  if (onBoard) return { rank: onBoard.position + 1, level: onBoard.entry.value };
  const profile = await deps.users.get(userId);
  if (!profile) throw new ApiError('USER_NOT_FOUND', 'create your profile first with POST /users');
  const ahead = await unavailableIfDown(() => deps.boards.countAbove(encodeBoardScore(profile.level, profile.levelReachedAt)));
  return { rank: ahead + 1, level: profile.level };
}

async function unavailableIfDown<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    logger.warn('global board unavailable', { error: error as Error });
    throw new ApiError('SERVICE_UNAVAILABLE', 'the leaderboard is unavailable right now; retry later');
  }
}
