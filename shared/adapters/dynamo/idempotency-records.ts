import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './client.ts';
import { keys } from './keys.ts';

/** How long a key is remembered. Clients retry within minutes; a day is generous. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * The durable half of idempotency: written in the same transaction as the change it guards,
 * holding a hash of the request and the response the first attempt returned.
 */
export interface IdempotencyRecord {
  readonly userId: string;
  readonly operation: string;
  readonly key: string;
  readonly requestHash: string;
  readonly response: Record<string, unknown>;
}

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** The Put for a transaction; an expired record (TTL deletes lag) counts as absent. */
export function idempotencyPut(tableName: string, record: IdempotencyRecord, at: Date) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.idempotency(record.userId, record.operation, record.key),
        entity: 'IDEMPOTENCY',
        requestHash: record.requestHash,
        response: record.response,
        createdAt: at.toISOString(),
        ttl: epochSeconds(at) + IDEMPOTENCY_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':now': epochSeconds(at) },
    },
  };
}

export class IdempotencyRecords {
  constructor(private readonly table: TableRef) {}

  /** The live record for a key, ignoring one that has expired but not yet been deleted. */
  async find(
    ref: Pick<IdempotencyRecord, 'userId' | 'operation' | 'key'>,
    at: Date,
  ): Promise<Pick<IdempotencyRecord, 'requestHash' | 'response'> | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: keys.idempotency(ref.userId, ref.operation, ref.key),
        ConsistentRead: true,
      }),
    );
    if (!Item || (Item['ttl'] as number) < epochSeconds(at)) return undefined;
    return { requestHash: Item['requestHash'] as string, response: Item['response'] as Record<string, unknown> };
  }
}
