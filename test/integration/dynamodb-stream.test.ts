import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClient, startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import {
  DynamoDbStreamPoller,
  fileCheckpoint,
  type DynamoDbStreamPollerOptions,
  type StreamRecord,
} from '../../infra/local/dynamodb-stream.ts';

describe('DynamoDbStreamPoller on DynamoDB Local', () => {
  let dynamodb: DynamoDbLocal;
  let client: DynamoDBClient;
  let tables = 0;
  const checkpointDir = mkdtempSync(join(tmpdir(), 'goodswipe-stream-'));

  beforeAll(async () => {
    dynamodb = await startDynamoDbLocal({});
    client = localClient(dynamodb.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await dynamodb?.stop();
    rmSync(checkpointDir, { recursive: true, force: true });
  });

  async function newTable(): Promise<string> {
    const tableName = `stream-test-${++tables}`;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    return tableName;
  }

  async function put(tableName: string, ...keys: string[]): Promise<void> {
    for (const key of keys) {
      await client.send(new PutItemCommand({ TableName: tableName, Item: { PK: { S: key }, level: { N: '1' } } }));
    }
  }

  function poller(tableName: string, options: Partial<DynamoDbStreamPollerOptions> & Pick<DynamoDbStreamPollerOptions, 'onRecords'>) {
    return new DynamoDbStreamPoller({ endpoint: dynamodb.endpoint, tableName, pollIntervalMs: 20, ...options });
  }

  const keys = (records: StreamRecord[]) => records.map((record) => record.dynamodb?.Keys?.['PK']?.S);

  it('delivers every change in order, with keys, images and sequence numbers', async () => {
    const tableName = await newTable();
    await put(tableName, 'a', 'b'); // before the start: read from the trim horizon
    const batches: StreamRecord[][] = [];
    const stream = poller(tableName, { onRecords: async (records) => void batches.push(records) });
    await stream.start();
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { PK: { S: 'a' } },
          UpdateExpression: 'SET #level = :level',
          ExpressionAttributeNames: { '#level': 'level' },
          ExpressionAttributeValues: { ':level': { N: '2' } },
        }),
      );
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: { PK: { S: 'b' } } }));
      await put(tableName, 'c');
      await stream.drained();
    } finally {
      await stream.stop();
    }

    const records = batches.flat();
    expect(records.map((record) => [record.eventName, record.dynamodb?.Keys?.['PK']?.S])).toEqual([
      ['INSERT', 'a'],
      ['INSERT', 'b'],
      ['MODIFY', 'a'],
      ['REMOVE', 'b'],
      ['INSERT', 'c'],
    ]);
    expect(records[0]!.dynamodb?.NewImage).toEqual({ PK: { S: 'a' }, level: { N: '1' } });
    expect(records[2]!.dynamodb).toMatchObject({
      OldImage: { PK: { S: 'a' }, level: { N: '1' } },
      NewImage: { PK: { S: 'a' }, level: { N: '2' } },
    });
    expect(records[3]!.dynamodb?.OldImage).toEqual({ PK: { S: 'b' }, level: { N: '1' } });
    expect(records[3]!.dynamodb?.NewImage).toBeUndefined();
    expect(records.every((record) => record.eventID && record.dynamodb?.ApproximateCreationDateTime)).toBe(true);
    const sequence = records.map((record) => BigInt(record.dynamodb!.SequenceNumber!));
    expect(sequence).toEqual([...sequence].sort((x, y) => (x < y ? -1 : 1)));
    expect(new Set(sequence).size).toBe(records.length);
  });

  it('hands a failed batch over again, the same records, before anything after them', async () => {
    const tableName = await newTable();
    await put(tableName, 'a', 'b', 'c');
    const calls: StreamRecord[][] = [];
    const handled: StreamRecord[] = [];
    const stream = poller(tableName, {
      onRecords: async (records) => {
        calls.push(records);
        if (calls.length <= 2) throw new Error('score handler down');
        handled.push(...records);
      },
    });
    await stream.start();
    try {
      await stream.drained();
      await put(tableName, 'd', 'e');
      await stream.drained();
    } finally {
      await stream.stop();
    }

    expect(keys(calls[0]!)).toEqual(['a', 'b', 'c']);
    expect(calls.slice(1, 3).map((batch) => batch.map((record) => record.eventID))).toEqual([
      calls[0]!.map((record) => record.eventID),
      calls[0]!.map((record) => record.eventID),
    ]);
    expect(keys(handled)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('resumes after a restart from its file checkpoint: no loss, no replay of handled records', async () => {
    const tableName = await newTable();
    const checkpointPath = join(checkpointDir, tableName, 'stream-checkpoint.json');
    const firstRun: StreamRecord[] = [];
    const first = poller(tableName, {
      checkpoint: fileCheckpoint(checkpointPath),
      onRecords: async (records) => void firstRun.push(...records),
    });
    await first.start();
    await put(tableName, 'a', 'b');
    await first.drained();
    await first.stop();
    expect(keys(firstRun)).toEqual(['a', 'b']);
    const saved = JSON.parse(readFileSync(checkpointPath, 'utf8')) as Record<string, string>;
    expect(Object.values(saved)).toEqual([firstRun[1]!.dynamodb!.SequenceNumber]);

    // Written while no poller runs.
    await put(tableName, 'c', 'd');

    // A run whose handler never succeeds: stopping it leaves c and d unhandled, not skipped.
    let attempts = 0;
    const failing = poller(tableName, {
      checkpoint: fileCheckpoint(checkpointPath),
      onRecords: async () => {
        attempts++;
        throw new Error('crashing consumer');
      },
    });
    await failing.start();
    await expect.poll(() => attempts).toBeGreaterThanOrEqual(2);
    await failing.stop();

    const secondRun: StreamRecord[] = [];
    const second = poller(tableName, {
      checkpoint: fileCheckpoint(checkpointPath),
      onRecords: async (records) => void secondRun.push(...records),
    });
    await second.start();
    try {
      await put(tableName, 'e');
      await second.drained();
    } finally {
      await second.stop();
    }
    expect(keys(secondRun)).toEqual(['c', 'd', 'e']);
  });

  it('refuses to drain when not running', async () => {
    const stream = poller(await newTable(), { onRecords: async () => undefined });
    await expect(stream.drained()).rejects.toThrow(/not running/);
  });
});
