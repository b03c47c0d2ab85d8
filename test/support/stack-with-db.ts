import { GetCommand, ScanCommand, UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { findGameTable, localClient, startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { createTableRef, type TableRef } from '../../shared/adapters/dynamo/client.ts';
import { entryItem } from '../../shared/adapters/dynamo/items/entry.ts';
import { profileItem } from '../../shared/adapters/dynamo/items/profile.ts';
import { tournamentItem } from '../../shared/adapters/dynamo/items/tournament.ts';
import { testRedisEnv } from './redis.ts';

/**
 * A DynamoDB Local that the test owns and the local stack uses (DYNAMODB_ENDPOINT): it outlives
 * a crashed stack, as DynamoDB outlives a Lambda, and lets the test arrange and inspect state.
 */
export class TestDatabase {
  private constructor(
    readonly dynamodb: DynamoDbLocal,
    private tableRef?: TableRef,
  ) {}

  static async start(): Promise<TestDatabase> {
    process.env['AWS_ACCESS_KEY_ID'] ??= 'local';
    process.env['AWS_SECRET_ACCESS_KEY'] ??= 'local';
    return new TestDatabase(await startDynamoDbLocal({}));
  }

  /** Redis outlives a crashed stack too (as ElastiCache outlives a Lambda): the run's cluster-mode one. */
  get env(): NodeJS.ProcessEnv {
    return { DYNAMODB_ENDPOINT: this.dynamodb.endpoint, ...testRedisEnv() };
  }

  /** The stack's game table (it creates it at start-up, beside the entry idempotency table). */
  async table(): Promise<TableRef> {
    if (!this.tableRef) {
      const admin = localClient(this.dynamodb.endpoint);
      const tableName = await findGameTable(admin).finally(() => admin.destroy());
      this.tableRef = createTableRef({ tableName, endpoint: this.dynamodb.endpoint });
    }
    return this.tableRef;
  }

  async coinsOf(userId: string): Promise<number> {
    const t = await this.table();
    const { Item } = await t.doc.send(new GetCommand({ TableName: t.tableName, Key: profileItem.key(userId), ConsistentRead: true }));
    return Item?.['coins'] as number;
  }

  async setCoins(userId: string, coins: number): Promise<void> {
    const t = await this.table();
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: profileItem.key(userId),
        UpdateExpression: 'SET coins = :coins',
        ExpressionAttributeValues: { ':coins': coins },
      }),
    );
  }

  async entryOf(userId: string, tournamentId: string): Promise<Record<string, unknown> | undefined> {
    const t = await this.table();
    const { Item } = await t.doc.send(new GetCommand({ TableName: t.tableName, Key: entryItem.key(userId, tournamentId), ConsistentRead: true }));
    return Item;
  }

  async deleteTournament(tournamentId: string): Promise<void> {
    const t = await this.table();
    await t.doc.send(new DeleteCommand({ TableName: t.tableName, Key: tournamentItem.key(tournamentId) }));
  }

  async tournament(tournamentId: string): Promise<Record<string, unknown> | undefined> {
    const t = await this.table();
    const { Item } = await t.doc.send(new GetCommand({ TableName: t.tableName, Key: tournamentItem.key(tournamentId) }));
    return Item;
  }

  /** Every group member item of a tournament, by group id. */
  async groups(tournamentId: string): Promise<Map<string, string[]>> {
    const t = await this.table();
    const groups = new Map<string, string[]>();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await t.doc.send(
        new ScanCommand({
          TableName: t.tableName,
          FilterExpression: 'entity = :member AND tournamentId = :tournament',
          ExpressionAttributeValues: { ':member': 'MEMBER', ':tournament': tournamentId },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const group = String(item['groupId']);
        groups.set(group, [...(groups.get(group) ?? []), String(item['userId'])]);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return groups;
  }

  async stop(): Promise<void> {
    this.tableRef?.doc.destroy();
    await this.dynamodb.stop();
  }
}
