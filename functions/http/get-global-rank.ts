import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { globalRank } from '../../shared/use-cases/leaderboards.ts';

/** GET /leaderboards/global/me — the caller's place by level. */
export const handler = httpHandler({}, async ({ userId }) =>
  json(200, await globalRank({ boards: leaderboards(), users: repositories().users }, userId)),
);
