import { now } from '../../shared/adapters/clock.ts';
import { rebuildWorkflow } from '../../shared/adapters/workflows.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';

/**
 * On demand (`npm run leaderboards:rebuild`, `aws lambda invoke`): starts the rebuild workflow,
 * which restores every Redis board from DynamoDB in parallel, bounded steps. One per second at most.
 */
export const handler = scheduledJob('RebuildLeaderboards', async () => {
  const name = `rebuild-${now().toISOString().replace(/[:.]/g, '-')}`;
  return { execution: name, outcome: await rebuildWorkflow().start(name, {}) };
});
