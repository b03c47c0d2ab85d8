import { now } from '../../shared/adapters/clock.ts';
import { domainEvents } from '../../shared/adapters/domain-events.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { workflowStep } from '../../shared/lambda/saga-step.ts';
import { finishSeal, type BatchSealed, type SealCheck } from '../../shared/use-cases/seal-tournament.ts';

/** Seal workflow, FinishSeal: every group is sealed; the tournament closes, claims open, TournamentSealed goes to the bus. */
export const handler = workflowStep('FinishSeal', (input: { tournamentId: string; check: SealCheck; batches: BatchSealed[] }, _context, metrics) =>
  finishSeal({ ...repositories(), events: domainEvents() }, input, now(), metrics),
);
