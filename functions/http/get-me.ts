import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { getOwnProfile } from '../../shared/use-cases/profiles.ts';

/** GET /users/me — the caller's own profile, coins included. */
export const handler = httpHandler({}, async ({ userId }) => json(200, await getOwnProfile(repositories().users, userId)));
