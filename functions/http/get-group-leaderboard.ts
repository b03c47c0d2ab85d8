import { leaderboards, repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { callerId, requestTime } from '../../shared/http/request.ts';
import { json } from '../../shared/http/response.ts';
import { groupLeaderboard } from '../../shared/use-cases/leaderboards.ts';

/** GET /tournaments/{tournamentId}/leaderboard — the caller's group, best first (`current` names today's). */
export const handler = httpHandler(async (event) => {
  const userId = callerId(event);
  const { tournaments, entries, members } = repositories();
  const input = { userId, tournament: event.pathParameters?.['tournamentId'] ?? '', now: requestTime(event) };
  return json(200, await groupLeaderboard({ tournaments, entries, members, boards: leaderboards() }, input));
});
