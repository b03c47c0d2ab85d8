import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/request.ts';
import { json } from '../../shared/http/response.ts';
import { idempotencyKey, progressBody } from '../../shared/http/schemas.ts';
import { recordProgress } from '../../shared/use-cases/record-progress.ts';

/** POST /users/me/progress — levels gained, paid in coins exactly once per Idempotency-Key. */
export const handler = httpHandler({ body: progressBody }, async ({ userId, now, body, header }) => {
  const rawKey = header('Idempotency-Key');
  const key = rawKey === undefined ? undefined : validate(idempotencyKey, rawKey, 'Idempotency-Key header is invalid', 'Idempotency-Key');
  const { result, replayed } = await recordProgress(repositories(), {
    userId,
    levelIncrease: body.levelIncrease,
    idempotencyKey: key,
    now,
  });
  const response = json(200, result);
  return replayed ? { ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } } : response;
});
