import { z } from 'zod';
import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { tournamentHistory } from '../../shared/use-cases/rewards.ts';

const query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(1024).optional(),
});

/** GET /users/me/tournaments — the caller's tournaments, newest first. */
export const handler = httpHandler({ query }, async ({ userId, query: page }) =>
  json(200, await tournamentHistory(repositories(), { userId, ...page })),
);
