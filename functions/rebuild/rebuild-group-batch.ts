import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { workflowStep } from '../../shared/lambda/saga-step.ts';
import { rebuildGroupBatch } from '../../shared/use-cases/rebuild-leaderboards.ts';

/** Rebuild workflow, RebuildGroupBatch (one RebuildGroups map iteration): a range of group boards. */
export const handler = workflowStep('RebuildGroupBatch', (batch: { tournamentId: string; from: number; to: number }) => {
  const { members, groups } = repositories();
  return rebuildGroupBatch({ members, groups, boards: leaderboards() }, batch);
});
