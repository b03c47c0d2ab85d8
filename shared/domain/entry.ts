/**
 * A player's entry into one tournament, which is also the reservation of the entry fee.
 *
 *   RESERVED  --join-->   JOINED  --confirm-->  CONFIRMED
 *      '--refund--> REFUNDED  (coins back; a later entry attempt may reserve again)
 *
 * Joining and refunding both require RESERVED, so exactly one of them can happen. A JOINED
 * player is in exactly one group and paid exactly once; a REFUNDED one is in none and has
 * every coin back.
 */
export type EntryStatus = 'RESERVED' | 'JOINED' | 'CONFIRMED' | 'REFUNDED';

export interface Entry {
  readonly userId: string;
  readonly tournamentId: string;
  readonly status: EntryStatus;
  readonly fee: number;
  readonly reservedAt: string;
  /** After this, the sweeper settles an entry its saga left unsettled. */
  readonly expiresAt: string;
  readonly groupId?: string;
  readonly joinedAt?: string;
}

/** A reservation older than this was abandoned by its saga (Express workflows stop at 5 min). */
export const RESERVATION_TIMEOUT_MS = 5 * 60 * 1000;

export function isEntered(entry: Entry | undefined): entry is Entry & { groupId: string; joinedAt: string } {
  return entry !== undefined && (entry.status === 'JOINED' || entry.status === 'CONFIRMED');
}
