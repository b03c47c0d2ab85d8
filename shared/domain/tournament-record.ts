import { gameRules } from './game-rules.ts';
import type { RewardTier } from './rewards.ts';
import { windowOf, type TournamentWindow } from './tournament.ts';

/**
 * A tournament as stored and served: its window and the rules it was created with. Once it
 * exists it is the one source of its day's rules: entry checks, the fee charged, the group size
 * and the rewards all read it; `gameRules` only fills in a new one.
 */
export interface Tournament {
  readonly tournamentId: string;
  readonly startsAt: string;
  readonly entryClosesAt: string;
  readonly endsAt: string;
  readonly entryFee: number;
  readonly minLevel: number;
  readonly groupSize: number;
  readonly rewards: readonly RewardTier[];
  /** RUNNING until the close job seals it. */
  readonly state: 'RUNNING' | 'CLOSED';
  readonly createdAt: string;
}

/** Today's rules are frozen into the tournament, so a later rules change never alters a running day. */
export function newTournament(tournamentId: string, now: Date): Tournament {
  const window = windowOf(tournamentId);
  const { entryFee, minLevel, groupSize, rewards } = gameRules.tournament;
  return {
    tournamentId,
    startsAt: window.startsAt.toISOString(),
    entryClosesAt: window.entryClosesAt.toISOString(),
    endsAt: window.endsAt.toISOString(),
    entryFee,
    minLevel,
    groupSize,
    rewards: rewards.map((r) => ({ ...r })),
    state: 'RUNNING',
    createdAt: now.toISOString(),
  };
}

/** The window the tournament was created with (its stored entry cutoff, not today's default). */
export function windowOfTournament(tournament: Pick<Tournament, 'tournamentId' | 'startsAt' | 'entryClosesAt' | 'endsAt'>): TournamentWindow {
  return {
    tournamentId: tournament.tournamentId,
    startsAt: new Date(tournament.startsAt),
    entryClosesAt: new Date(tournament.entryClosesAt),
    endsAt: new Date(tournament.endsAt),
  };
}
