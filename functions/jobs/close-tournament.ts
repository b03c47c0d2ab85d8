import { repositories } from '../../shared/adapters/repositories.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';
import { closeTournamentBefore } from '../../shared/use-cases/tournaments.ts';

/** 00:00 UTC: seal yesterday's tournament. */
export const handler = scheduledJob((at) => closeTournamentBefore(repositories().tournaments, at));
