import type { SealedStanding } from '../../domain/seal.ts';
import { groupId, groupNumberOf } from '../../domain/tournament.ts';
import type { TableRef } from './client.ts';
import { batchGetAll, getItem, queryPage, updateItem, type ItemKey } from './commands.ts';
import { appliedIfCondition } from './errors.ts';
import { groupItem, type Group } from './items/group.ts';

/** Group numbers probed above the highest indexed one (one BatchGetItem). */
const PROBE_SPAN = 100;

/** Tournament groups as the seal, the claims and the sealed boards see them. */
export class GroupRepository {
  constructor(private readonly table: TableRef) {}

  async get(tournamentId: string, id: string): Promise<Group | undefined> {
    const item = await getItem(this.table, groupItem.key(tournamentId, id));
    return item ? groupItem.fromItem(item) : undefined;
  }

  /**
   * The highest group number opened in a tournament: one Query (Limit 1, newest first) per index
   * shard, side by side, plus a probe of the numbers just above it in case the index lags.
   */
  async highestGroupNumber(tournamentId: string): Promise<number> {
    const highest = await Promise.all(
      Array.from({ length: groupItem.indexShards }, async (_, shard) => {
        const [top] = (await queryPage(this.table, groupItem.highestInShard(tournamentId, shard))).items;
        return top ? groupNumberOf(String(top['groupId'])) : 0;
      }),
    );
    let top = Math.max(0, ...highest);
    // GSI1 is eventually consistent: a group opened a moment ago may not be indexed yet.
    for (;;) {
      const above = await this.inRange(tournamentId, top + 1, top + PROBE_SPAN, 'groupId');
      if (above.length === 0) return top;
      top = Math.max(...above.map((g) => groupNumberOf(g.groupId)));
    }
  }

  /** The groups numbered from..to that exist (a number whose every seat failed has no item). */
  async inRange(tournamentId: string, from: number, to: number, projection?: string): Promise<Group[]> {
    const keys: ItemKey[] = [];
    for (let n = from; n <= to; n++) keys.push(groupItem.key(tournamentId, groupId(n)));
    const items = await batchGetAll(this.table, keys, projection ? `tournamentId, ${projection}` : undefined);
    return items.map(groupItem.fromItem).sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  /** Several groups by id (for history pages). */
  async many(refs: readonly { tournamentId: string; groupId: string }[]): Promise<Group[]> {
    return (await batchGetAll(this.table, refs.map((r) => groupItem.key(r.tournamentId, r.groupId)))).map(groupItem.fromItem);
  }

  /**
   * Fixes a group's final standings, once: one conditional write per group (not one per member),
   * so a rerun of the seal skips what is sealed and a day of 1,000,000 entrants costs ~28,600 writes.
   */
  async seal(tournamentId: string, id: string, standings: readonly SealedStanding[], at: Date): Promise<boolean> {
    return appliedIfCondition(updateItem(this.table, groupItem.seal(tournamentId, id, standings, at)));
  }
}
