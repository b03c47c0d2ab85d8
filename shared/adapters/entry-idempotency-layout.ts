/**
 * The entry idempotency table as Powertools' DynamoDB persistence lays it out (partition key
 * `id`, TTL attribute `expiration`): the table's construct (infra/constructs/data.ts) and the
 * persistence that reads and writes it (entry-idempotency.ts) both take the names from here.
 * Kept apart from the adapter so the infrastructure code never imports Powertools.
 */
export const ENTRY_IDEMPOTENCY_LAYOUT = {
  /** One item per key: the key's hash spreads records over partitions (no static partition key). */
  keyAttribute: 'id',
  /** Epoch seconds; DynamoDB's TTL deletes the record some time after, Powertools ignores it at once. */
  expiryAttribute: 'expiration',
} as const;

/**
 * Every DynamoDB action DynamoDBPersistenceLayer issues: GetItem (read a record),
 * PutItem (the conditional in-progress record), UpdateItem (the completed answer) and DeleteItem
 * (a failed call leaves nothing). test/infra/entry-idempotency.test.ts derives them from the
 * installed Powertools code, so an upgrade that needs another action fails there, not in production.
 */
export const ENTRY_IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;
