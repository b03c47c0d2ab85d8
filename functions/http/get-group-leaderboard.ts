import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { tournamentPath } from '../../shared/http/schemas.ts';
import { groupLeaderboard } from '../../shared/use-cases/leaderboards.ts';

/** GET /tournaments/{tournamentId}/leaderboard — the caller's group, best first (`current` names today's). */
export const handler = httpHandler(tournamentPath, async ({ userId, now, params }) => {
  const { tournaments, entries, members, groups } = repositories();
  const deps = { tournaments, entries, members, groups, boards: leaderboards() };
  return json(200, await groupLeaderboard(deps, { userId, tournament: params.tournamentId, now }));
});
