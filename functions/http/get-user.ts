import * as z from '../../shared/validation.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { userIdParam } from '../../shared/http/schemas.ts';
import { getPublicProfile } from '../../shared/use-cases/profiles.ts';

const params = z.strictObject({ userId: userIdParam });

/** GET /users/{userId} — any player's public view (no coins). */
export const handler = httpHandler({ params }, async ({ params: { userId } }) => json(200, await getPublicProfile(repositories().users, userId)));
