import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './client.ts';

/** BatchGetItem takes at most 100 keys a call. */
const BATCH_GET_LIMIT = 100;

/**
 * Every item of `keys` that exists, 100 keys a call, asking again for what DynamoDB left
 * unprocessed (throttling, the 16 MB response cap). Order is not kept.
 */
export async function batchGetAll(
  table: TableRef,
  keys: readonly Record<string, unknown>[],
  projection?: string,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let pending = [...keys];
  while (pending.length > 0) {
    const { Responses = {}, UnprocessedKeys } = await table.doc.send(
      new BatchGetCommand({
        RequestItems: {
          [table.tableName]: { Keys: pending.slice(0, BATCH_GET_LIMIT), ...(projection ? { ProjectionExpression: projection } : {}) },
        },
      }),
    );
    found.push(...(Responses[table.tableName] ?? []));
    pending = [...(UnprocessedKeys?.[table.tableName]?.Keys ?? []), ...pending.slice(BATCH_GET_LIMIT)];
  }
  return found;
}
