import { now } from '../../shared/adapters/clock.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { workflowStep } from '../../shared/lambda/saga-step.ts';
import { checkScores, type SealRequest } from '../../shared/use-cases/seal-tournament.ts';

/** Seal workflow, CheckScores: are the day's level-ups all scored (or is the deadline here)? */
export const handler = workflowStep('CheckScores', (request: SealRequest) => checkScores(repositories(), request, now()));
