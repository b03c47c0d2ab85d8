import { leaderboards } from '../../shared/adapters/cache.ts';
import { workflowStep } from '../../shared/lambda/saga-step.ts';

/** Rebuild workflow, CommitGlobalRebuild: the rebuilt global board replaces the live one, atomically. */
export const handler = workflowStep('CommitGlobalRebuild', async () => ({ players: await leaderboards().commitGlobalRebuild() }));
