import * as z from '../shared/validation.ts';

/** Where the event comes from and what it is called on the bus (FinishSeal puts it; a consumer's rule matches both). */
export const tournamentSealedType = { source: 'goodswipe.tournaments', detailType: 'TournamentSealed' } as const;

/**
 * The event's id, the same for every publication of one day's seal: Step Functions may retry
 * FinishSeal (and an operator may redrive it) after the bus accepted the event, and EventBridge
 * itself delivers at least once, so a consumer can see a day's event more than once and must
 * dedupe on this id (EventBridge's own envelope `id` differs on each PutEvents).
 */
export const tournamentSealedEventId = (tournamentId: string) => `sealed:${tournamentId}`;

const count = z.int().check(z.minimum(0));

/**
 * `TournamentSealed` on the game's event bus (source `goodswipe.tournaments`): one day's results
 * are final and claims are open. For other systems (push notifications "your rewards are ready",
 * analytics); counts and the day's reward table only, nothing per player (their standings stay
 * in the game's API), so the detail stays a few hundred bytes, far below PutEvents' entry limit.
 */
export const tournamentSealedDetail = z.object({
  /** `sealed:<tournamentId>`: the dedupe key (see tournamentSealedEventId). */
  eventId: z.string().check(z.regex(/^sealed:\d{4}-\d{2}-\d{2}$/)),
  tournamentId: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  /** When the day was closed (the tournament item's closedAt), the same on every publication. */
  sealedAt: z.iso.datetime({ offset: true }),
  groups: count,
  /** Players seated in a group (entries whose saga failed are not counted). */
  entrants: count,
  rewards: z.object({
    /** Coins the day pays out in all, claimed or not (the sum of every sealed standing's reward). */
    totalCoins: count,
    /** The day's own reward table, per rank in a group (the rules the tournament was created with). */
    table: z.array(z.object({ fromRank: z.int().check(z.minimum(1)), toRank: z.int().check(z.minimum(1)), coins: count })),
  }),
  /** Level-ups of the day still unscored when the drain deadline forced the seal (usually 0). */
  levelUpsLeftUnscored: count,
});

export type TournamentSealed = z.output<typeof tournamentSealedDetail>;

/** The EventBridge envelope as a rule target receives it. */
export const tournamentSealedEvent = z.looseObject({
  'detail-type': z.literal(tournamentSealedType.detailType),
  source: z.literal(tournamentSealedType.source),
  detail: tournamentSealedDetail,
});
