import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand, UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { localClient, startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { createTableRef, type TableRef } from '../../shared/adapters/dynamo/client.ts';
import { keys } from '../../shared/adapters/dynamo/keys.ts';
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

  /** The stack's table (it creates it at start-up). */
  async table(): Promise<TableRef> {
    if (!this.tableRef) {
      const admin = localClient(this.dynamodb.endpoint);
      const { TableNames = [] } = await admin.send(new ListTablesCommand({}));
      admin.destroy();
      if (TableNames.length !== 1) throw new Error(`expected the stack's one table, found ${TableNames.join(', ')}`);
      this.tableRef = createTableRef({ tableName: TableNames[0]!, endpoint: this.dynamodb.endpoint });
    }
    return this.tableRef;
  }

  async coinsOf(userId: string): Promise<number> {
    const t = await this.table();
    const { Item } = await t.doc.send(new GetCommand({ TableName: t.tableName, Key: keys.profile(userId), ConsistentRead: true }));
    return Item?.['coins'] as number;
  }

  async setCoins(userId: string, coins: number): Promise<void> {
    const t = await this.table();
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keys.profile(userId),
        UpdateExpression: 'SET coins = :coins',
        ExpressionAttributeValues: { ':coins': coins },
      }),
    );
  }

  async entryOf(userId: string, tournamentId: string): Promise<Record<string, unknown> | undefined> {
    const t = await this.table();
    const { Item } = await t.doc.send(new GetCommand({ TableName: t.tableName, Key: keys.entry(userId, tournamentId), ConsistentRead: true }));
    return Item;
  }

  async deleteTournament(tournamentId: string): Promise<void> {
    const t = await this.table();
    await t.doc.send(new DeleteCommand({ TableName: t.tableName, Key: keys.tournament(tournamentId) }));
  }

  async tournament(tournamentId: string): Promise<Record<string, unknown> | undefined> {
    const t = await this.table();
    const { Item } = await t.doc.send(new GetCommand({ TableName: t.tableName, Key: keys.tournament(tournamentId) }));
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
