import type { Item, ItemKey, PutWrite } from '../commands.ts';
import { playerPartition } from './partitions.ts';

/*
 * The IDEMPOTENCY item: the durable half of idempotency, written in the same transaction as the
 * change it guards, holding a hash of the request and the response the first attempt returned.
 */

const ENTITY = 'IDEMPOTENCY';

/** How long a key is remembered. Clients retry within minutes; a day is generous. */
const TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyRecord {
  readonly userId: string;
  readonly operation: string;
  readonly key: string;
  readonly requestHash: string;
  readonly response: Record<string, unknown>;
}

/** What a live record answers a retry with. */
export type RememberedAnswer = Pick<IdempotencyRecord, 'requestHash' | 'response'>;

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

function key(userId: string, operation: string, idempotencyKey: string): ItemKey {
  return { PK: playerPartition(userId), SK: `IDEMPOTENCY#${operation}#${idempotencyKey}` };
}

export const idempotencyItem = {
  key,

  /** The record's write, for the transaction it guards; an expired record (TTL deletes lag) counts as absent. */
  remember(record: IdempotencyRecord, at: Date): PutWrite {
    return {
      Item: {
        ...key(record.userId, record.operation, record.key),
        entity: ENTITY,
        requestHash: record.requestHash,
        response: record.response,
        createdAt: at.toISOString(),
        ttl: epochSeconds(at) + TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(PK) OR #ttl < :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':now': epochSeconds(at) },
    };
  },

  /** The answer a stored record holds, or undefined once it has expired (even if not yet deleted). */
  fromItem(item: Item, at: Date): RememberedAnswer | undefined {
    if ((item['ttl'] as number) < epochSeconds(at)) return undefined;
    return { requestHash: item['requestHash'] as string, response: item['response'] as Record<string, unknown> };
  },
} as const;
