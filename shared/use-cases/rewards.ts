import { isEntered } from '../domain/entry.ts';
import type { Tournament } from '../domain/tournament-record.ts';
import { InvalidCursor, type EntryRepository } from '../adapters/dynamo/entry-repository.ts';
import type { GroupRepository } from '../adapters/dynamo/group-repository.ts';
import type { MemberRepository } from '../adapters/dynamo/member-repository.ts';
import type { TournamentRepository } from '../adapters/dynamo/tournament-repository.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import { TransientError, retryTransient } from '../adapters/transient-error.ts';
import { ApiError } from '../http/problem.ts';
import { metrics, noMetrics, type MetricsRecorder } from '../adapters/metrics.ts';
import { tournamentNamed } from './leaderboards.ts';

export interface ClaimResult {
  readonly tournamentId: string;
  readonly rank: number;
  readonly coinsEarned: number;
  readonly coins: number;
}

/** How long a player asking for a reward while the day is being sealed should wait before asking again. */
const SEALING_RETRY_AFTER_SECONDS = 30;

/**
 * Credits the caller's reward by final rank, once: the claim mark and the coins are one commit,
 * and a second claim (or a racing one) returns the first claim's body and credits nothing. The
 * rank and reward are the group's sealed standings: what the board shows after the seal.
 */
export async function claimReward(
  deps: { tournaments: TournamentRepository; entries: EntryRepository; members: MemberRepository; groups: GroupRepository; users: UserRepository },
  input: { userId: string; tournament: string; now: Date },
  recorder: MetricsRecorder = noMetrics,
): Promise<ClaimResult> {
  const tournament = await tournamentNamed(deps.tournaments, input.tournament, input.now);
  const { tournamentId } = tournament;
  const entry = await deps.entries.getForGroup(input.userId, tournamentId);
  if (!isEntered(entry)) throw new ApiError('NOT_PARTICIPATING', `you did not enter ${tournamentId}`);
  const seat = { tournamentId, groupId: entry.groupId, userId: input.userId };

  /** The claim was made before (an earlier call, a racing one): its mark on the member is the answer. */
  const claimedBefore = async (): Promise<ClaimResult> => {
    const member = await deps.members.get(tournamentId, entry.groupId, input.userId);
    if (!member) throw new ApiError('NOT_PARTICIPATING', `you are not in a group of ${tournamentId}`);
    if (member.claimedAt === undefined) throw new TransientError('claim refused, yet not marked');
    return { tournamentId, rank: member.finalRank!, coinsEarned: member.reward ?? 0, coins: member.coinsAfterClaim! };
  };

  // The member is not read first: a first claim (the common case) needs only the standing and the
  // balance, and the commit's claim condition is what makes it happen once, whatever was read.
  const attempt = async (): Promise<ClaimResult> => {
    const group = await deps.groups.get(tournamentId, entry.groupId);
    const standing = group?.standings?.find((s) => s.userId === input.userId);
    if (!standing) throw notSealedYet(tournament, input.now);
    const profile = await deps.users.get(input.userId, { consistent: true });
    if (!profile) throw new ApiError('USER_NOT_FOUND', 'your profile is gone');
    const outcome = await deps.members.claim(seat, standing, profile.coins, input.now);
    if (outcome === 'claimed') {
      recorder.record(metrics.rewardCoinsPaid, standing.reward);
      return { tournamentId, rank: standing.rank, coinsEarned: standing.reward, coins: profile.coins + standing.reward };
    }
    if (outcome === 'already-claimed') return claimedBefore();
    // The balance moved since it was read, or another transaction collided: read again.
    throw new TransientError(`claim ${outcome}`);
  };
  return retryTransient(attempt).catch((error: unknown) => {
    if (error instanceof TransientError) throw new ApiError('SERVICE_UNAVAILABLE', 'the claim could not be completed; retry (it credits once)');
    throw error;
  });
}

/** No final standings yet: the day is still running, or it ended and is being sealed (then: retry soon). */
function notSealedYet(tournament: Tournament, now: Date): ApiError {
  if (now.getTime() <= new Date(tournament.endsAt).getTime()) {
    return new ApiError('TOURNAMENT_NOT_ENDED', `${tournament.tournamentId} is not over yet (rewards open once it is sealed)`);
  }
  return new ApiError(
    'TOURNAMENT_NOT_ENDED',
    `${tournament.tournamentId} has ended and its results are being sealed; retry in ${SEALING_RETRY_AFTER_SECONDS} seconds`,
    undefined,
    SEALING_RETRY_AFTER_SECONDS,
  );
}

export interface HistoryItem {
  readonly tournamentId: string;
  readonly groupId: string;
  readonly score: number;
  readonly rank?: number;
  readonly coinsEarned?: number;
  readonly claimed: boolean;
}

/** The caller's tournaments, newest first, a page at a time; sealed days with their final rank. */
export async function tournamentHistory(
  deps: { entries: EntryRepository; members: MemberRepository; groups: GroupRepository },
  input: { userId: string; limit: number; cursor?: string },
): Promise<{ items: HistoryItem[]; nextCursor?: string }> {
  const page = await deps.entries.enteredByUser(input.userId, input.limit, input.cursor).catch((error: unknown) => {
    if (error instanceof InvalidCursor) {
      throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API returned', [{ field: 'cursor', message: 'invalid cursor' }]);
    }
    throw error;
  });
  const refs = page.entries.map((e) => ({ tournamentId: e.tournamentId, groupId: e.groupId!, userId: input.userId }));
  const [members, groups] = await Promise.all([deps.members.many(refs), deps.groups.many(refs)]);
  const memberOf = new Map(members.map((m) => [m.tournamentId, m]));
  const standingOf = new Map(groups.map((g) => [g.tournamentId, g.standings?.find((s) => s.userId === input.userId)]));
  const items = page.entries.flatMap((entry): HistoryItem[] => {
    const member = memberOf.get(entry.tournamentId);
    if (!member) return [];
    const standing = standingOf.get(entry.tournamentId);
    return [
      {
        tournamentId: entry.tournamentId,
        groupId: member.groupId,
        score: standing?.score ?? member.score,
        ...(standing ? { rank: standing.rank, coinsEarned: standing.reward } : {}),
        claimed: member.claimedAt !== undefined,
      },
    ];
  });
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
