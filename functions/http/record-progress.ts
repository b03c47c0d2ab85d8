import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { callerId, header, jsonBody, requestTime, validate } from '../../shared/http/request.ts';
import { json } from '../../shared/http/response.ts';
import { idempotencyKey, progressBody } from '../../shared/http/schemas.ts';
import { recordProgress } from '../../shared/use-cases/record-progress.ts';

/** POST /users/me/progress — levels gained, paid in coins exactly once per Idempotency-Key. */
export const handler = httpHandler(async (event) => {
  const userId = callerId(event);
  const { levelIncrease } = jsonBody(event, progressBody);
  const rawKey = header(event, 'Idempotency-Key');
  const key = rawKey === undefined ? undefined : validate(idempotencyKey, rawKey, 'Idempotency-Key header is invalid', 'Idempotency-Key');
  const { result, replayed } = await recordProgress(repositories(), {
    userId,
    levelIncrease,
    idempotencyKey: key,
    now: requestTime(event),
  });
  const response = json(200, result);
  return replayed ? { ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } } : response;
});
