import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { callerId, validate } from '../../shared/http/request.ts';
import { json } from '../../shared/http/response.ts';
import { userIdParam } from '../../shared/http/schemas.ts';
import { getPublicProfile } from '../../shared/use-cases/profiles.ts';

/** GET /users/{userId} — any player's public view (no coins). */
export const handler = httpHandler(async (event) => {
  callerId(event);
  const userId = validate(userIdParam, event.pathParameters?.['userId'], 'userId is invalid', 'userId');
  return json(200, await getPublicProfile(repositories().users, userId));
});
