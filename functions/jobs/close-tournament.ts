import { now } from '../../shared/adapters/clock.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { sealWorkflow } from '../../shared/adapters/workflows.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';
import { startSealOfDayBefore } from '../../shared/use-cases/seal-tournament.ts';

/** 00:00 UTC: start the seal workflow of yesterday's tournament (once per day, by execution name). */
export const handler = scheduledJob('CloseTournament', (at, metrics) =>
  startSealOfDayBefore({ tournaments: repositories().tournaments, workflow: sealWorkflow() }, at, now(), metrics),
);
