import { now } from '../../shared/adapters/clock.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';
import { redriveUnscoredLevelUps } from '../../shared/use-cases/redrive-level-ups.ts';

/** On demand: score the level-ups of yesterday and today that never were (their messages dead-lettered). */
export const handler = scheduledJob('RedriveLevelUps', () => {
  const { users, entries, members, outbox } = repositories();
  return redriveUnscoredLevelUps({ users, entries, members, outbox, boards: leaderboards() }, now());
});
