import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards } from '../../shared/adapters/cache.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { createUserBody } from '../../shared/http/schemas.ts';
import { createProfile } from '../../shared/use-cases/profiles.ts';

/** POST /users — 201 with the new profile, or 200 with the one the caller already has. */
export const handler = httpHandler({ body: createUserBody }, async ({ userId, now, body }) => {
  const { created, profile } = await createProfile(
    { users: repositories().users, boards: leaderboards() },
    { userId, displayName: body.displayName, now },
  );
  return json(created ? 201 : 200, profile);
});
