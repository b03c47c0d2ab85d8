import { repositories } from '../../shared/adapters/repositories.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';
import { closeTournamentBefore } from '../../shared/use-cases/tournaments.ts';

/** 00:00 UTC and every minute until it is done: seal yesterday's tournament once its scores are in. */
export const handler = scheduledJob((at) => closeTournamentBefore(repositories(), at));
