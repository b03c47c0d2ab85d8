import { leaderboards } from '../../shared/adapters/cache.ts';
import { rebuildWorkflow } from '../../shared/adapters/workflows.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';
import { watchLeaderboards } from '../../shared/use-cases/rebuild-leaderboards.ts';

/** Every minute and on deploy: a global board Redis lost is rebuilt without a human. */
export const handler = scheduledJob('WatchLeaderboards', (at) => watchLeaderboards({ boards: leaderboards(), workflow: rebuildWorkflow() }, at));
