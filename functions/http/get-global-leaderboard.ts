import * as z from '../../shared/validation.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { globalLeaderboardPage } from '../../shared/use-cases/global-first-pages.ts';
import { GLOBAL_PAGE_MAX_LIMIT } from '../../shared/use-cases/leaderboards.ts';

const query = z.strictObject({
  limit: z._default(z.pipe(z.coerce.number(), z.int().check(z.minimum(1), z.maximum(GLOBAL_PAGE_MAX_LIMIT))), 100),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});

/** GET /leaderboards/global — everyone by level, a page at a time (the top kept a second per container). */
export const handler = httpHandler({ query }, async ({ query: page }) => json(200, await globalLeaderboardPage(leaderboards(), page)));
