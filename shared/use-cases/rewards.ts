import pRetry from 'p-retry';
import { isEntered } from '../domain/entry.ts';
import { InvalidCursor, type EntryRepository } from '../adapters/dynamo/entry-repository.ts';
import type { MemberRepository } from '../adapters/dynamo/member-repository.ts';
import type { TournamentRepository } from '../adapters/dynamo/tournament-repository.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import { TransientError } from '../adapters/transient-error.ts';
import { ApiError } from '../http/problem.ts';
import { tournamentNamed } from './leaderboards.ts';

export interface ClaimResult {
  readonly tournamentId: string;
  readonly rank: number;
  readonly coinsEarned: number;
  readonly coins: number;
}

/**
 * Credits the caller's reward by final rank, once: the claim mark and the coins are one commit,
 * and a second claim (or a racing one) returns the first claim's body and credits nothing.
 */
export async function claimReward(
  deps: { tournaments: TournamentRepository; entries: EntryRepository; members: MemberRepository; users: UserRepository },
  input: { userId: string; tournament: string; now: Date },
): Promise<ClaimResult> {
  const tournament = await tournamentNamed(deps.tournaments, input.tournament, input.now);
  const { tournamentId } = tournament;
  const entry = await deps.entries.get(input.userId, tournamentId);
  if (!isEntered(entry)) throw new ApiError('NOT_PARTICIPATING', `you did not enter ${tournamentId}`);

  const attempt = async (): Promise<ClaimResult> => {
    const member = await deps.members.get(tournamentId, entry.groupId, input.userId);
    if (member?.finalRank === undefined) {
      throw new ApiError('TOURNAMENT_NOT_ENDED', `${tournamentId} is not over yet (rewards open once it is sealed)`);
    }
    const answer = (coins: number) => ({ tournamentId, rank: member.finalRank!, coinsEarned: member.reward ?? 0, coins });
    if (member.claimedAt !== undefined) return answer(member.coinsAfterClaim!);
    const profile = await deps.users.get(input.userId, { consistent: true });
    if (!profile) throw new ApiError('USER_NOT_FOUND', 'your profile is gone');
    const outcome = await deps.members.claim(member, profile.coins, input.now);
    if (outcome === 'claimed') return answer(profile.coins + (member.reward ?? 0));
    // Claimed by a racing call (answer from its mark) or the balance moved: read again.
    throw new TransientError(`claim ${outcome}`);
  };
  return pRetry(attempt, {
    retries: 5,
    minTimeout: 10,
    maxTimeout: 200,
    randomize: true,
    shouldRetry: ({ error }) => error instanceof TransientError,
  }).catch((error: unknown) => {
    if (error instanceof TransientError) throw new ApiError('SERVICE_UNAVAILABLE', 'the claim could not be completed; retry (it credits once)');
    throw error;
  });
}

export interface HistoryItem {
  readonly tournamentId: string;
  readonly groupId: string;
  readonly score: number;
  readonly rank?: number;
  readonly coinsEarned?: number;
  readonly claimed: boolean;
}

/** The caller's tournaments, newest first, a page at a time. */
export async function tournamentHistory(
  deps: { entries: EntryRepository; members: MemberRepository },
  input: { userId: string; limit: number; cursor?: string },
): Promise<{ items: HistoryItem[]; nextCursor?: string }> {
  const page = await deps.entries.enteredByUser(input.userId, input.limit, input.cursor).catch((error: unknown) => {
    if (error instanceof InvalidCursor) {
      throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API returned', [{ field: 'cursor', message: 'invalid cursor' }]);
    }
    throw error;
  });
  const members = await deps.members.many(
    page.entries.map((e) => ({ tournamentId: e.tournamentId, groupId: e.groupId!, userId: input.userId })),
  );
  const byTournament = new Map(members.map((m) => [m.tournamentId, m]));
  const items = page.entries.flatMap((entry): HistoryItem[] => {
    const member = byTournament.get(entry.tournamentId);
    if (!member) return [];
    return [
      {
        tournamentId: entry.tournamentId,
        groupId: member.groupId,
        score: member.score,
        ...(member.finalRank === undefined ? {} : { rank: member.finalRank, coinsEarned: member.reward ?? 0 }),
        claimed: member.claimedAt !== undefined,
      },
    ];
  });
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
