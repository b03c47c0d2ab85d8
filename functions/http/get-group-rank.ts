import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { tournamentPath } from '../../shared/http/schemas.ts';
import { groupRank } from '../../shared/use-cases/leaderboards.ts';

/** GET /tournaments/{tournamentId}/rank — the caller's rank in their group (`current` names today's). */
export const handler = httpHandler(tournamentPath, async ({ userId, now, params }) => {
  const { tournaments, entries, members, groups } = repositories();
  const deps = { tournaments, entries, members, groups, boards: leaderboards() };
  return json(200, await groupRank(deps, { userId, tournament: params.tournamentId, now }));
});
