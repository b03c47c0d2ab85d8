import * as z from '../shared/validation.ts';

/** Where the event comes from and what it is called on the bus (the Pipe sets both, the rule matches both). */
export const userLeveledUpType = { source: 'goodswipe.progress', detailType: 'UserLeveledUp' } as const;

/**
 * `UserLeveledUp` on the game's event bus (source `goodswipe.progress`): one per successful
 * progress call, published from the progress transaction's outbox item by the table's stream
 * and an EventBridge Pipe, and one per new player, from level 0 to their first level (the
 * arrival, committed with the profile). Delivery is at least once and unordered; consumers must
 * make duplicates and reordering harmless (levels only grow).
 */
export const userLeveledUpDetail = z.object({
  /** Unique per level-up; the outbox item's id. */
  eventId: z.string().check(z.minLength(1)),
  userId: z.string().check(z.minLength(1)),
  // The Pipe's template renders the stream image's numbers as strings: accept both.
  /** 0 for a new player's arrival. */
  fromLevel: z.pipe(z.coerce.number(), z.int().check(z.minimum(0))),
  toLevel: z.pipe(z.coerce.number(), z.int().check(z.minimum(1))),
  /** When the level-up was committed (ISO-8601 UTC): it decides which tournament it scores for. */
  at: z.iso.datetime({ offset: true }),
});

export type UserLeveledUp = z.output<typeof userLeveledUpDetail>;

/** The EventBridge envelope as a rule target (SQS) receives it. */
export const userLeveledUpEvent = z.looseObject({
  'detail-type': z.literal(userLeveledUpType.detailType),
  source: z.literal(userLeveledUpType.source),
  detail: userLeveledUpDetail,
});
