import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import type { TableRef } from '../../shared/adapters/dynamo/client.ts';
import { entryItem } from '../../shared/adapters/dynamo/items/entry.ts';
import { groupItem } from '../../shared/adapters/dynamo/items/group.ts';
import { memberItem } from '../../shared/adapters/dynamo/items/member.ts';
import { profileItem } from '../../shared/adapters/dynamo/items/profile.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { pointsForLevels } from '../../shared/domain/scoring.ts';
import { groupId, groupNumberOfSeat } from '../../shared/domain/tournament.ts';
import { seededRandom } from '../../infra/local/seeded-random.ts';

/**
 * A played tournament day written straight into the table, as the entry saga and the score
 * consumer would have left it: for each entrant a profile, a CONFIRMED entry, a member item with
 * its score, and each group's item (member count and index keys). What the seal reads, at a size
 * (thousands of entrants) that entering one by one through the saga would take minutes to build.
 */
export interface SeededDay {
  readonly tournamentId: string;
  readonly userIds: readonly string[];
  readonly groups: number;
}

const LEVEL_AT_ENTRY = 12;
/** BatchWriteItem takes at most 25 items. */
const BATCH_WRITE_LIMIT = 25;

export function dayItems(tournamentId: string, userIds: readonly string[], seed = 1): { items: Record<string, unknown>[]; groups: number } {
  const next = seededRandom(seed);
  const joinedAt = `${tournamentId}T08:00:00.000Z`;
  const items: Record<string, unknown>[] = [];
  const members = new Map<number, number>();
  userIds.forEach((userId, index) => {
    const groupNumber = groupNumberOfSeat(index + 1, gameRules.tournament.groupSize);
    const group = groupId(groupNumber);
    members.set(groupNumber, (members.get(groupNumber) ?? 0) + 1);
    // Few distinct levels and whole minutes: plenty of equal scores, some reached at the same time.
    const maxLevel = LEVEL_AT_ENTRY + Math.floor(next() * 6);
    const scoreReachedAt = maxLevel === LEVEL_AT_ENTRY ? joinedAt : `${tournamentId}T1${Math.floor(next() * 10)}:0${Math.floor(next() * 3)}:00.000Z`;
    items.push(
      {
        ...profileItem.key(userId),
        entity: 'PROFILE',
        userId,
        displayName: `player ${index}`,
        level: maxLevel,
        coins: 1000,
        createdAt: `${tournamentId}T06:00:00.000Z`,
        levelReachedAt: scoreReachedAt,
        updatedAt: scoreReachedAt,
      },
      {
        ...entryItem.key(userId, tournamentId),
        entity: 'ENTRY',
        userId,
        tournamentId,
        status: 'CONFIRMED',
        fee: gameRules.tournament.entryFee,
        reservedAt: joinedAt,
        expiresAt: joinedAt,
        groupId: group,
        joinedAt,
        settledAt: joinedAt,
      },
      {
        ...memberItem.key(tournamentId, group, userId),
        entity: 'MEMBER',
        tournamentId,
        groupId: group,
        userId,
        displayName: `player ${index}`,
        levelAtEntry: LEVEL_AT_ENTRY,
        maxLevel,
        score: pointsForLevels(LEVEL_AT_ENTRY, maxLevel),
        scoreReachedAt,
        joinedAt,
      },
    );
  });
  for (const [groupNumber, count] of members) {
    const group = groupId(groupNumber);
    items.push({
      ...groupItem.key(tournamentId, group),
      entity: 'GROUP',
      tournamentId,
      groupId: group,
      members: count,
      GSI1PK: groupItem.indexKey(tournamentId, groupNumber),
      GSI1SK: group,
    });
  }
  return { items, groups: members.size };
}

/** Writes the day (BatchWriteItem, 25 items a call, `concurrency` calls at once, retrying what was left). */
export async function seedDay(table: TableRef, tournamentId: string, userIds: readonly string[], options: { seed?: number; concurrency?: number } = {}): Promise<SeededDay> {
  const { items, groups } = dayItems(tournamentId, userIds, options.seed);
  const limit = pLimit(options.concurrency ?? 8);
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) chunks.push(items.slice(i, i + BATCH_WRITE_LIMIT));
  await Promise.all(
    chunks.map((chunk) =>
      limit(async () => {
        let requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string] = chunk.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const { UnprocessedItems } = await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }));
          requests = UnprocessedItems?.[table.tableName] ?? [];
        }
      }),
    ),
  );
  return { tournamentId, userIds, groups };
}
