import { leaderboards, repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { callerId, requestTime } from '../../shared/http/request.ts';
import { json } from '../../shared/http/response.ts';
import { groupRank } from '../../shared/use-cases/leaderboards.ts';

/** GET /tournaments/{tournamentId}/rank — the caller's rank in their group (`current` names today's). */
export const handler = httpHandler(async (event) => {
  const userId = callerId(event);
  const { tournaments, entries, members } = repositories();
  const input = { userId, tournament: event.pathParameters?.['tournamentId'] ?? '', now: requestTime(event) };
  return json(200, await groupRank({ tournaments, entries, members, boards: leaderboards() }, input));
});
