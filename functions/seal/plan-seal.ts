import { repositories } from '../../shared/adapters/repositories.ts';
import { workflowStep } from '../../shared/lambda/saga-step.ts';
import { planSeal } from '../../shared/use-cases/seal-tournament.ts';

/** Seal workflow, PlanSeal: the day's groups, cut into batches for the SealGroups map. */
export const handler = workflowStep('PlanSeal', (input: { tournamentId: string }) => planSeal(repositories(), input.tournamentId));
