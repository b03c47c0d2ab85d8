import { z } from 'zod';
import { leaderboards } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { globalLeaderboard } from '../../shared/use-cases/leaderboards.ts';

const query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).max(512).optional(),
});

/** GET /leaderboards/global — everyone by level, a page at a time. */
export const handler = httpHandler({ query }, async ({ query: page }) => json(200, await globalLeaderboard(leaderboards(), page)));
