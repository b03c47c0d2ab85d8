import { userLeveledUpEvent } from '../../events/user-leveled-up.ts';
import { now } from '../../shared/adapters/clock.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { sqsBatch } from '../../shared/lambda/sqs-batch.ts';
import { scoreLevelUp } from '../../shared/use-cases/score-level-up.ts';

/** UserLeveledUp events from the level-up queue: scores and leaderboards. */
export const handler = sqsBatch(async (record, metrics) => {
  const { detail } = userLeveledUpEvent.parse(JSON.parse(record.body));
  const { users, entries, members, outbox } = repositories();
  await scoreLevelUp({ users, entries, members, outbox, boards: leaderboards() }, detail, now(), metrics);
});
