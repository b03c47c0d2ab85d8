import { leaderboards, repositories, seatDispenser } from '../../shared/adapters/repositories.ts';
import type { EntrySagaDeps } from '../../shared/use-cases/entry-saga.ts';

/** The saga steps' adapters; only JoinGroup touches Redis, so the Redis ones are built lazily. */
export function sagaDeps(): EntrySagaDeps {
  const { users, tournaments, entries } = repositories();
  return {
    users,
    tournaments,
    entries,
    get seats() {
      return seatDispenser();
    },
    get boards() {
      return leaderboards();
    },
  };
}
