import type { UserLeveledUp } from '../../../events/user-leveled-up.ts';
import type { TableRef } from './client.ts';
import { queryPage, updateItem, type Item } from './commands.ts';
import { appliedIfCondition } from './errors.ts';
import { levelUpItem, type OutboxListing } from './items/level-up.ts';
import { PLAYER_SHARDS } from './items/secondary-index.ts';

/** The level-up outbox items (written by the progress transaction, user-repository.ts) as the score side sees them. */
export class LevelUpOutbox {
  constructor(private readonly table: TableRef) {}

  /** Takes a level-up off the unscored index once its score is applied. */
  async markScored(userId: string, toLevel: number, at: Date): Promise<void> {
    // Not applied: expired and deleted (a very late duplicate), nothing is left to mark.
    await appliedIfCondition(updateItem(this.table, levelUpItem.markScored(userId, toLevel, at)));
  }

  /** Whether a level-up of the tournament's day, at or before `until`, still waits for its score. */
  async hasUnscored(tournamentId: string, until: Date): Promise<boolean> {
    for (let shard = 0; shard < PLAYER_SHARDS; shard++) {
      const { items } = await queryPage(this.table, { ...levelUpItem.unscored('levelUps', tournamentId, shard, until), Limit: 1 });
      if (items.length > 0) return true;
    }
    return false;
  }

  /**
   * The unscored level-ups (or arrivals) of a tournament's day (at or before `until`), a page of
   * one index shard at a time: what the seal counts when it seals at its deadline, and what the
   * redrive scores.
   */
  async *unscored(tournamentId: string, until: Date, listing: OutboxListing = 'levelUps'): AsyncGenerator<UserLeveledUp> {
    for (let shard = 0; shard < PLAYER_SHARDS; shard++) {
      let next: Item | undefined;
      do {
        const query = levelUpItem.unscored(listing, tournamentId, shard, until);
        const page = await queryPage(this.table, { ...query, ...levelUpItem.eventProjection, ExclusiveStartKey: next });
        yield* page.items.map(levelUpItem.fromItem);
        next = page.next;
      } while (next);
    }
  }

  /** Every unscored level-up of the day, all shards (the index holds only the unscored ones). */
  async allUnscored(tournamentId: string, until: Date): Promise<UserLeveledUp[]> {
    const all: UserLeveledUp[] = [];
    for await (const levelUp of this.unscored(tournamentId, until)) all.push(levelUp);
    return all;
  }
}
