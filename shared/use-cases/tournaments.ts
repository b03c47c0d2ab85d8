import { newTournament, windowOfTournament, type Tournament } from '../domain/tournament-record.ts';
import { phaseAt, tournamentIdOn } from '../domain/tournament.ts';
import type { TournamentRepository } from '../adapters/dynamo/tournament-repository.ts';
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

export interface CurrentTournamentView extends Omit<Tournament, 'state' | 'createdAt'> {
  readonly status: 'OPEN' | 'ENTRY_CLOSED';
}

/** The tournament running at `now`, as `GET /tournaments/current` shows it. */
export async function currentTournament(tournaments: TournamentRepository, now: Date): Promise<CurrentTournamentView> {
  const tournamentId = tournamentIdOn(now);
  const tournament = await tournaments.getCached(tournamentId);
  const phase = tournament && phaseAt(windowOfTournament(tournament), now);
  if (!tournament || (phase !== 'OPEN' && phase !== 'ENTRY_CLOSED')) {
    throw new ApiError('NO_ACTIVE_TOURNAMENT', 'no tournament is running now');
  }
  const { state: _state, createdAt: _createdAt, ...view } = tournament;
  return { ...view, status: phase };
}
