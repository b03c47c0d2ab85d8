import { repositories } from '../../shared/adapters/repositories.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';
import { createTournamentOf } from '../../shared/use-cases/tournaments.ts';

/** 00:00 UTC, and on every deploy: create the day's tournament if it is missing. */
export const handler = scheduledJob('CreateTournament', (at) => createTournamentOf(repositories().tournaments, at));
