import { newTournament, type Tournament } from '../domain/tournament-record.ts';
import { phaseAt, previousTournamentId, tournamentIdOn, windowOf } from '../domain/tournament.ts';
import type { LevelUpOutbox } from '../adapters/dynamo/level-up-outbox.ts';
import type { MemberRepository } from '../adapters/dynamo/member-repository.ts';
import type { TournamentRepository } from '../adapters/dynamo/tournament-repository.ts';
import { rankGroup } from '../domain/ranking.ts';
import { rewardForRank } from '../domain/rewards.ts';
import { ApiError } from '../http/problem.ts';

/** Creates the tournament of the UTC day `at` falls in; a no-op if it exists. */
export async function createTournamentOf(
  tournaments: TournamentRepository,
  at: Date,
): Promise<{ tournamentId: string; created: boolean }> {
  const tournamentId = tournamentIdOn(at);
  const created = await tournaments.createIfAbsent(newTournament(tournamentId, at));
  return { tournamentId, created };
}

/**
 * Index entries of level-ups committed just before the end may take a moment to show in GSI1
 * (it is eventually consistent): the day is sealed no sooner than this after its end.
 */
const SEAL_GRACE_MS = 60_000;

/** Members ranked at a time while sealing. */
const RANKING_CONCURRENCY = 16;

export type CloseOutcome = 'sealed' | 'already-closed' | 'missing' | 'too-early' | 'scores-pending';

/**
 * Seals the day before `at` (the close schedule runs at 00:00 and every minute after until it
 * succeeds): once every level-up of that day has been scored (a drain check on the outbox, not a
 * sleep), each group's final ranks and rewards are fixed, then the tournament is marked CLOSED,
 * which opens the claims. Every write is conditional, so a run that dies half-way is finished by
 * the next one.
 */
export async function closeTournamentBefore(
  deps: { tournaments: TournamentRepository; members: MemberRepository; outbox: LevelUpOutbox },
  at: Date,
): Promise<{ tournamentId: string; outcome: CloseOutcome }> {
  const tournamentId = previousTournamentId(tournamentIdOn(at));
  const outcome = await seal(deps, tournamentId, at);
  return { tournamentId, outcome };
}

async function seal(
  deps: { tournaments: TournamentRepository; members: MemberRepository; outbox: LevelUpOutbox },
  tournamentId: string,
  at: Date,
): Promise<CloseOutcome> {
  const tournament = await deps.tournaments.get(tournamentId);
  if (!tournament) return 'missing';
  if (tournament.state === 'CLOSED') return 'already-closed';
  const endsAt = new Date(tournament.endsAt);
  if (at.getTime() < endsAt.getTime() + SEAL_GRACE_MS) return 'too-early';
  if (await deps.outbox.hasUnscored(tournamentId, endsAt)) return 'scores-pending';
  for (const groupId of await deps.members.groupIdsOf(tournamentId)) {
    const ranked = rankGroup(await deps.members.ofGroup(tournamentId, groupId));
    for (let i = 0; i < ranked.length; i += RANKING_CONCURRENCY) {
      await Promise.all(
        ranked.slice(i, i + RANKING_CONCURRENCY).map((m) => deps.members.setFinalRank(m, m.rank, rewardForRank(m.rank))),
      );
    }
  }
  await deps.tournaments.close(tournamentId, at);
  return 'sealed';
}

export interface CurrentTournamentView extends Omit<Tournament, 'state' | 'createdAt'> {
  readonly status: 'OPEN' | 'ENTRY_CLOSED';
}

/** The tournament running at `now`, as `GET /tournaments/current` shows it. */
export async function currentTournament(tournaments: TournamentRepository, now: Date): Promise<CurrentTournamentView> {
  const tournamentId = tournamentIdOn(now);
  const tournament = await tournaments.getCached(tournamentId);
  const phase = phaseAt(windowOf(tournamentId), now);
  if (!tournament || (phase !== 'OPEN' && phase !== 'ENTRY_CLOSED')) {
    throw new ApiError('NO_ACTIVE_TOURNAMENT', 'no tournament is running now');
  }
  const { state: _state, createdAt: _createdAt, ...view } = tournament;
  return { ...view, status: phase };
}
