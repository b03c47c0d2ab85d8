/** A player's seat in a tournament group, with its score (DynamoDB holds the truth). */
export interface Member {
  readonly tournamentId: string;
  readonly groupId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly joinedAt: string;
  /** The player's level when they joined: only levels reached after it score. */
  readonly levelAtEntry: number;
  /** The highest level the player reached while entered (its score is a function of it). */
  readonly maxLevel: number;
  readonly score: number;
  /** When the current score was reached (the join time while it is 0). */
  readonly scoreReachedAt: string;
  /** Set once the reward is claimed (from the group's sealed standings), with the coins the claim left. */
  readonly finalRank?: number;
  readonly reward?: number;
  readonly claimedAt?: string;
  readonly coinsAfterClaim?: number;
}

/** A player just seated: nothing scored yet, so the score of 0 was reached at the join. */
export function newMember(seat: Pick<Member, 'tournamentId' | 'groupId' | 'userId' | 'displayName' | 'levelAtEntry' | 'joinedAt'>): Member {
  return { ...seat, maxLevel: seat.levelAtEntry, score: 0, scoreReachedAt: seat.joinedAt };
}
