import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { currentTournament } from '../../shared/use-cases/tournaments.ts';

/** GET /tournaments/current — today's tournament: window, fee, rules and rewards. */
export const handler = httpHandler({}, async ({ now }) => json(200, await currentTournament(repositories().tournaments, now)));
