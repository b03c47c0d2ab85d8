import { gameRules } from './game-rules.ts';
import { windowOf } from './tournament.ts';

/** A tournament as stored and served: its window and the rules it was created with. */
export interface Tournament {
  readonly tournamentId: string;
  readonly startsAt: string;
  readonly entryClosesAt: string;
  readonly endsAt: string;
  readonly entryFee: number;
  readonly minLevel: number;
  readonly groupSize: number;
  readonly rewards: readonly { fromRank: number; toRank: number; coins: number }[];
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
