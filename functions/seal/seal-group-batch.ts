import { now } from '../../shared/adapters/clock.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { workflowStep } from '../../shared/lambda/saga-step.ts';
import { sealGroupBatch } from '../../shared/use-cases/seal-tournament.ts';

/** Seal workflow, SealGroupBatch (one SealGroups map iteration): final standings of a range of groups. */
export const handler = workflowStep('SealGroupBatch', (batch: { tournamentId: string; from: number; to: number }) =>
  sealGroupBatch(repositories(), batch, now()),
);
