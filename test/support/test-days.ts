import { tournamentIdOn } from '../../shared/domain/tournament.ts';

/*
 * The days the tests play on: today (UTC) by the real clock, and days around it.
 *
 * The product stamps each TTL from its own clock, which a test sets, but DynamoDB Local, like
 * DynamoDB, deletes an item once its TTL has passed by the real clock. On a day fixed in the
 * past, a test's idempotency records (24 h) and level-up outbox items (7 days) would vanish as
 * they are written, and the test would fail on the day the fixed date fell far enough behind.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** Today, UTC, when the test file was loaded. */
export const TEST_DAY = tournamentIdOn(new Date());

/** The day `offset` days after TEST_DAY (before it, for a negative offset). */
export function testDay(offset: number): string {
  return tournamentIdOn(new Date(Date.parse(`${TEST_DAY}T00:00:00.000Z`) + offset * DAY_MS));
}
