import { findGameTable, localClient } from '../../infra/local/dynamodb-local.ts';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
// The only imports from the DynamoDB adapters (being restructured): the item keys, so this reader
// never spells them out a second time. Items are decoded here, read-only, by their `entity`.
import { entryItem } from '../../shared/adapters/dynamo/items/entry.ts';
import { groupItem } from '../../shared/adapters/dynamo/items/group.ts';
import { profileItem } from '../../shared/adapters/dynamo/items/profile.ts';
import type { Member } from '../../shared/domain/member.ts';
import type { RewardTier } from '../../shared/domain/rewards.ts';
import type { SealedStanding } from '../../shared/domain/seal.ts';

export interface ProfileRow {
  readonly userId: string;
  readonly displayName: string;
  readonly level: number;
  readonly coins: number;
  readonly levelReachedAt: string;
}

export interface EntryRow {
  readonly userId: string;
  readonly tournamentId: string;
  readonly status: 'RESERVED' | 'JOINED' | 'CONFIRMED' | 'REFUNDED';
  readonly fee: number;
  readonly groupId?: string;
  readonly joinedAt?: string;
}

export interface GroupRow {
  readonly tournamentId: string;
  readonly groupId: string;
  readonly members: number;
  readonly sealedAt?: string;
  readonly standings?: readonly SealedStanding[];
}

/** A member item as the product reads it. */
export type MemberRow = Member;

export interface LevelUpRow {
  readonly userId: string;
  readonly fromLevel: number;
  readonly toLevel: number;
  readonly at: string;
  /** Still listed in the unscored index (the score consumer has not applied it). */
  readonly unscored: boolean;
  /** The item's TTL (epoch seconds, from its `at` on the local clock): DynamoDB deletes it after. */
  readonly expiresAtS: number;
}

/**
 * Whether a level-up (or arrival) is still owed its score at `now` (the local clock): listed as
 * unscored and not past its TTL. DynamoDB Local expires items by the real clock, so a run that
 * moves the local clock 8 days keeps items AWS would have deleted, and that the redrive, which
 * reads the days the outbox holds (OUTBOX_RETENTION_DAYS), rightly no longer looks at.
 */
export const owedAt = (now: Date) => (l: LevelUpRow): boolean => l.unscored && l.expiresAtS * 1000 > now.getTime();

export interface IdempotencyRow {
  readonly userId: string;
  readonly key: string;
  readonly response: { level: number; coins: number; coinsEarned: number };
}

export interface TournamentRow {
  readonly tournamentId: string;
  readonly state: string;
  readonly endsAt: string;
  readonly entryFee: number;
  readonly rewards: readonly RewardTier[];
}

/** The whole table, decoded: what the checks after a run read. */
export interface TableSnapshot {
  readonly profiles: ProfileRow[];
  readonly entries: EntryRow[];
  readonly groups: GroupRow[];
  readonly members: MemberRow[];
  readonly levelUps: LevelUpRow[];
  readonly idempotency: IdempotencyRow[];
  readonly tournaments: TournamentRow[];
}

const userOf = (pk: unknown) => String(pk).replace(/^USER#/, '');

function member(item: Record<string, any>): MemberRow {
  // As the repository reads it: a member never scored has score 0 since it joined.
  return {
    tournamentId: item['tournamentId'],
    groupId: item['groupId'],
    userId: item['userId'],
    displayName: item['displayName'],
    joinedAt: item['joinedAt'],
    levelAtEntry: item['levelAtEntry'],
    maxLevel: item['maxLevel'] ?? item['levelAtEntry'],
    score: item['score'] ?? 0,
    scoreReachedAt: item['scoreReachedAt'] ?? item['joinedAt'],
    ...(item['claimedAt'] === undefined
      ? {}
      : { claimedAt: item['claimedAt'], finalRank: item['finalRank'], reward: item['reward'], coinsAfterClaim: item['coinsAfterClaim'] }),
  };
}

/** The stack's one table on the run's DynamoDB Local, read directly (consistent reads). */
export class TableReader {
  private constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** Opens the stack's game table on the run's DynamoDB Local (found as the local stack finds it). */
  static async open(endpoint: string): Promise<TableReader> {
    const client = localClient(endpoint);
    return new TableReader(DynamoDBDocumentClient.from(client), await findGameTable(client));
  }

  close(): void {
    this.doc.destroy();
  }

  async entry(userId: string, tournamentId: string): Promise<EntryRow | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: entryItem.key(userId, tournamentId), ConsistentRead: true }));
    return Item as EntryRow | undefined;
  }

  async profile(userId: string): Promise<ProfileRow | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: profileItem.key(userId), ConsistentRead: true }));
    return Item as ProfileRow | undefined;
  }

  async membersOf(tournamentId: string, groupId: string): Promise<MemberRow[]> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :group AND begins_with(SK, :user)',
        ExpressionAttributeValues: { ':group': groupItem.key(tournamentId, groupId).PK, ':user': 'USER#' },
        ConsistentRead: true,
      }),
    );
    return Items.map(member);
  }

  /** Every profile (a full scan: the run's tables are small). */
  async profiles(): Promise<ProfileRow[]> {
    return (await this.scanAll()).filter((item) => item['entity'] === 'PROFILE') as unknown as ProfileRow[];
  }

  async snapshot(): Promise<TableSnapshot> {
    const snapshot: TableSnapshot = { profiles: [], entries: [], groups: [], members: [], levelUps: [], idempotency: [], tournaments: [] };
    for (const item of await this.scanAll()) {
      switch (item['entity']) {
        case 'PROFILE':
          snapshot.profiles.push(item as unknown as ProfileRow);
          break;
        case 'ENTRY':
          snapshot.entries.push(item as unknown as EntryRow);
          break;
        case 'GROUP':
          snapshot.groups.push({
            tournamentId: item['tournamentId'],
            groupId: item['groupId'],
            members: Number(item['members'] ?? 0),
            ...(item['sealedAt'] === undefined ? {} : { sealedAt: item['sealedAt'], standings: item['standings'] }),
          });
          break;
        case 'MEMBER':
          snapshot.members.push(member(item));
          break;
        case 'LEVELUP':
          snapshot.levelUps.push({
            userId: item['userId'],
            fromLevel: item['fromLevel'],
            toLevel: item['toLevel'],
            at: item['at'],
            unscored: item['GSI1PK'] !== undefined,
            expiresAtS: Number(item['ttl']),
          });
          break;
        case 'IDEMPOTENCY': {
          const [, operation, ...key] = String(item['SK']).split('#');
          if (operation === 'progress') snapshot.idempotency.push({ userId: userOf(item['PK']), key: key.join('#'), response: item['response'] });
          break;
        }
        case 'TOURNAMENT':
          snapshot.tournaments.push({
            tournamentId: item['tournamentId'],
            state: item['state'],
            endsAt: item['endsAt'],
            entryFee: item['entryFee'],
            rewards: item['rewards'],
          });
          break;
      }
    }
    return snapshot;
  }

  private async scanAll(): Promise<Record<string, any>[]> {
    const items: Record<string, any>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
