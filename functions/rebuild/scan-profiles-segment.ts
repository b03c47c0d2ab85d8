import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { workflowStep } from '../../shared/lambda/saga-step.ts';
import { scanSegment, type SegmentScan } from '../../shared/use-cases/rebuild-leaderboards.ts';

/** How much of the invocation's time the scan may use; the rest is its margin against the timeout. */
const TIME_BUDGET_SHARE = 0.5;

/** Rebuild workflow, ScanProfilesSegment: one segment of the profiles' scan, for half its timeout at most. */
export const handler = workflowStep('ScanProfilesSegment', (scan: SegmentScan, context) => {
  const stopWhenLeft = context.getRemainingTimeInMillis() * (1 - TIME_BUDGET_SHARE);
  return scanSegment(repositories().users, leaderboards(), scan, () => context.getRemainingTimeInMillis() > stopWhenLeft);
});
