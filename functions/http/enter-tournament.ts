import { entrySagaRunner, repositories } from '../../shared/adapters/repositories.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { enterTournament } from '../../shared/use-cases/enter-tournament.ts';

/** POST /tournaments/current/entries — runs the entry saga: 201 when it charged, 200 for an entry made before. */
export const handler = httpHandler({}, async ({ userId, now }) => {
  const { entries, users } = repositories();
  const { created, entry } = await enterTournament({ saga: entrySagaRunner(), entries, users }, { userId, now });
  return json(created ? 201 : 200, entry);
});
