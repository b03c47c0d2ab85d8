import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '../adapters/dynamo/client.ts';
import type { BoardEntry, Leaderboards } from '../adapters/redis/leaderboards.ts';

/** Group boards older than this are not rebuilt (Redis would expire them anyway). */
const GROUP_BOARD_DAYS = 8;

/**
 * Rebuilds every sorted set from DynamoDB, the source of truth: the global board from the
 * profiles, the group boards from the members. One scan of the table; each board is replaced
 * in one MULTI, so readers never see a half-built board.
 */
export async function rebuildLeaderboards(table: TableRef, boards: Leaderboards, now: Date): Promise<{ players: number; groups: number }> {
  const oldest = new Date(now.getTime() - GROUP_BOARD_DAYS * 86_400_000).toISOString().slice(0, 10);
  const global: BoardEntry[] = [];
  const groups = new Map<string, { tournamentId: string; groupId: string; entries: BoardEntry[] }>();
  const names = new Map<string, string>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'entity IN (:profile, :member)',
        ExpressionAttributeValues: { ':profile': 'PROFILE', ':member': 'MEMBER' },
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const userId = String(item['userId']);
      names.set(userId, String(item['displayName']));
      if (item['entity'] === 'PROFILE') {
        global.push({ userId, value: Number(item['level']), reachedAt: String(item['levelReachedAt']) });
      } else if (String(item['tournamentId']) >= oldest) {
        const key = `${item['tournamentId']}:${item['groupId']}`;
        const group = groups.get(key) ?? { tournamentId: String(item['tournamentId']), groupId: String(item['groupId']), entries: [] };
        group.entries.push({
          userId,
          value: Number(item['score'] ?? 0),
          reachedAt: String(item['scoreReachedAt'] ?? item['joinedAt']),
        });
        groups.set(key, group);
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  await boards.replaceAll({ global, groups, names });
  return { players: global.length, groups: groups.size };
}
