import { entryIdempotency } from '../../shared/adapters/entry-idempotency.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { entrySagaRunner } from '../../shared/adapters/workflows.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/response.ts';
import { entryKeyOf, enterTournament, repeatedEntry } from '../../shared/use-cases/enter-tournament.ts';

/**
 * POST /tournaments/current/entries — runs the entry saga: 201 when it charged, 200 for an entry
 * made before. Duplicates (same caller, same tournament) go through Powertools idempotency: one
 * in flight answers 409 IDEMPOTENCY_IN_PROGRESS, one after it gets the first answer as a 200
 * without starting a saga. The guard budgets with the Lambda context.
 */
export const handler = httpHandler({}, async ({ userId, now }, _metrics, context) => {
  const { entries, users } = repositories();
  // The guard gives the use case its time less what the guard's own last write needs.
  const { value, replayed } = await entryIdempotency().guard.once(entryKeyOf({ userId, now }), context, (remainingMs) =>
    enterTournament({ saga: entrySagaRunner(), entries, users }, { userId, now, remainingMs }),
  );
  const { created, entry } = replayed ? await repeatedEntry({ users }, userId, value) : value;
  return json(created ? 201 : 200, entry);
});
