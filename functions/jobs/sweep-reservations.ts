import { leaderboards } from '../../shared/adapters/cache.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';
import { sweepReservations } from '../../shared/use-cases/sweep-reservations.ts';

/** Every minute: settle the reservations that entry sagas abandoned (crash, timeout). */
export const handler = scheduledJob('SweepReservations', (at, metrics) => {
  const { entries, members } = repositories();
  return sweepReservations({ entries, members, boards: leaderboards() }, at, metrics);
});
