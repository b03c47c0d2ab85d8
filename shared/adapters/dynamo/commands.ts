import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
  type ScanCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './client.ts';

/*
 * The table's reads and writes: the one place DynamoDB commands are built and sent. The item
 * modules (items/*.ts) describe each read and write without the table name; the repositories pick
 * them, compose them into transactions and run them here, on their table.
 */

/** An item (or a key, or a page's last key) as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/** The primary key every item of the single table has. */
export type ItemKey = { readonly PK: string; readonly SK: string };

type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type WithoutTable<T> = Omit<T, 'TableName'>;

export type PutWrite = WithoutTable<NonNullable<TransactWriteItem['Put']>>;
export type UpdateWrite = WithoutTable<NonNullable<TransactWriteItem['Update']>>;
export type ConditionCheckWrite = WithoutTable<NonNullable<TransactWriteItem['ConditionCheck']>>;
/** One item of a transaction. */
export type TransactionPart = { readonly Put: PutWrite } | { readonly Update: UpdateWrite } | { readonly ConditionCheck: ConditionCheckWrite };
export type QueryRead = WithoutTable<QueryCommandInput>;
export type ScanRead = WithoutTable<ScanCommandInput>;

/** A page of a Query or Scan; `next` (the last key read) continues it. */
export interface Page {
  readonly items: Item[];
  readonly next?: Item;
}

export async function getItem(table: TableRef, key: ItemKey, options: { consistent?: boolean } = {}): Promise<Item | undefined> {
  const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: options.consistent }));
  return Item;
}

export function putItem(table: TableRef, put: PutWrite): Promise<unknown> {
  return table.doc.send(new PutCommand({ TableName: table.tableName, ...put }));
}

/** An update; with `returnNew`, the item as the update left it (DynamoDB returns it: no read needed). */
export async function updateItem(table: TableRef, update: UpdateWrite, options: { returnNew?: boolean } = {}): Promise<Item | undefined> {
  const { Attributes } = await table.doc.send(
    new UpdateCommand({ TableName: table.tableName, ...update, ...(options.returnNew ? { ReturnValues: 'ALL_NEW' } : {}) }),
  );
  return Attributes;
}

/**
 * All of `parts` or none, in one TransactWriteItems call. Each part keeps its kind as the
 * repository wrote it (only the table is added), so the kinds a function's transactions write
 * are named in its repositories alone (test/infra/table-actions.test.ts reads them there).
 */
export function transactWrite(table: TableRef, parts: readonly TransactionPart[]): Promise<unknown> {
  const inTable = (part: TransactionPart): TransactWriteItem =>
    Object.fromEntries(Object.entries(part).map(([kind, write]) => [kind, { TableName: table.tableName, ...(write as object) }]));
  return table.doc.send(new TransactWriteCommand({ TransactItems: parts.map(inTable) }));
}

export async function queryPage(table: TableRef, query: QueryRead): Promise<Page> {
  const { Items = [], LastEvaluatedKey } = await table.doc.send(new QueryCommand({ TableName: table.tableName, ...query }));
  return { items: Items, ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}) };
}

/** Every page of a query, read one after another. */
export async function queryAll(table: TableRef, query: QueryRead): Promise<Item[]> {
  const items: Item[] = [];
  let next: Item | undefined;
  do {
    const page = await queryPage(table, { ...query, ExclusiveStartKey: next });
    items.push(...page.items);
    next = page.next;
  } while (next);
  return items;
}

export async function scanPage(table: TableRef, scan: ScanRead): Promise<Page> {
  const { Items = [], LastEvaluatedKey } = await table.doc.send(new ScanCommand({ TableName: table.tableName, ...scan }));
  return { items: Items, ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}) };
}

/** BatchGetItem takes at most 100 keys a call. */
const BATCH_GET_LIMIT = 100;

/**
 * Every item of `keys` that exists, 100 keys a call, asking again for what DynamoDB left
 * unprocessed (throttling, the 16 MB response cap). Order is not kept.
 */
export async function batchGetAll(table: TableRef, keys: readonly ItemKey[], projection?: string): Promise<Item[]> {
  const found: Item[] = [];
  let pending: Item[] = [...keys];
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
