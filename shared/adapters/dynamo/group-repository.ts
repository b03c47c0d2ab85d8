import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './batch-get.ts';
import type { SealedStanding } from '../../domain/seal.ts';
import { groupId, groupNumberOf } from '../../domain/tournament.ts';
import type { TableRef } from './client.ts';
import { appliedIfCondition } from './errors.ts';
import { GROUP_INDEX_SHARDS, groupIndexPartition, keys } from './keys.ts';

/** A tournament group's own item: its member count and, once its day is sealed, its final standings. */
export interface Group {
  readonly tournamentId: string;
  readonly groupId: string;
  readonly members: number;
  readonly sealedAt?: string;
  readonly standings?: readonly SealedStanding[];
}

function fromItem(item: Record<string, unknown>): Group {
  return {
    tournamentId: String(item['tournamentId']),
    groupId: String(item['groupId']),
    members: Number(item['members'] ?? 0),
    ...(item['sealedAt'] === undefined
      ? {}
      : { sealedAt: String(item['sealedAt']), standings: item['standings'] as SealedStanding[] }),
  };
}

/** Group numbers probed above the highest indexed one (one BatchGetItem). */
const PROBE_SPAN = 100;

/** Tournament groups as the seal, the claims and the sealed boards see them. */
export class GroupRepository {
  constructor(private readonly table: TableRef) {}

  async get(tournamentId: string, id: string): Promise<Group | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: keys.group(tournamentId, id) }));
    return Item ? fromItem(Item) : undefined;
  }

  /**
   * The highest group number opened in a tournament: one Query (Limit 1, newest first) per index
   * shard, side by side, plus a probe of the numbers just above it in case the index lags.
   */
  async highestGroupNumber(tournamentId: string): Promise<number> {
    const highest = await Promise.all(
      Array.from({ length: GROUP_INDEX_SHARDS }, async (_, shard) => {
        const { Items = [] } = await this.table.doc.send(
          new QueryCommand({
            TableName: this.table.tableName,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :shard',
            ExpressionAttributeValues: { ':shard': groupIndexPartition(tournamentId, shard) },
            ProjectionExpression: 'groupId',
            ScanIndexForward: false,
            Limit: 1,
          }),
        );
        return Items[0] ? groupNumberOf(String(Items[0]['groupId'])) : 0;
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
    const ids: Record<string, unknown>[] = [];
    for (let n = from; n <= to; n++) ids.push(keys.group(tournamentId, groupId(n)));
    const items = await batchGetAll(this.table, ids, projection ? `tournamentId, ${projection}` : undefined);
    return items.map(fromItem).sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  /** Several groups by id (for history pages). */
  async many(refs: readonly { tournamentId: string; groupId: string }[]): Promise<Group[]> {
    return (await batchGetAll(this.table, refs.map((r) => keys.group(r.tournamentId, r.groupId)))).map(fromItem);
  }

  /**
   * Fixes a group's final standings, once: one conditional write per group (not one per member),
   * so a rerun of the seal skips what is sealed and a day of 1,000,000 entrants costs ~28,600 writes.
   */
  async seal(tournamentId: string, id: string, standings: readonly SealedStanding[], at: Date): Promise<boolean> {
    return appliedIfCondition(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.group(tournamentId, id),
          UpdateExpression: 'SET sealedAt = :at, standings = :standings',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(sealedAt)',
          ExpressionAttributeValues: { ':at': at.toISOString(), ':standings': standings },
        }),
      ),
    );
  }
}
