import { now } from '../../shared/adapters/clock.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { workflowStep } from '../../shared/lambda/saga-step.ts';
import { beginRebuild } from '../../shared/use-cases/rebuild-leaderboards.ts';

/** Rebuild workflow, BeginRebuild: opens the global rebuild and plans the segments and group batches. */
export const handler = workflowStep('BeginRebuild', () => {
  const { groups, tournaments } = repositories();
  return beginRebuild({ boards: leaderboards(), groups, tournaments }, now());
});
