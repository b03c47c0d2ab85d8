import * as z from '../../shared/validation.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { tournamentHistory } from '../../shared/use-cases/rewards.ts';

const query = z.strictObject({
  limit: z._default(z.pipe(z.coerce.number(), z.int().check(z.minimum(1), z.maximum(100))), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
});

/** GET /users/me/tournaments — the caller's tournaments, newest first. */
export const handler = httpHandler({ query }, async ({ userId, query: page }) =>
  json(200, await tournamentHistory(repositories(), { userId, ...page })),
);
