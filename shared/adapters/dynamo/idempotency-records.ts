import type { TableRef } from './client.ts';
import { getItem } from './commands.ts';
import { idempotencyItem, type IdempotencyRecord, type RememberedAnswer } from './items/idempotency.ts';

/** Idempotency records as a retried request reads them (each is written by the transaction it guards). */
export class IdempotencyRecords {
  constructor(private readonly table: TableRef) {}

  /** The live record for a key, ignoring one that has expired but not yet been deleted. */
  async find(ref: Pick<IdempotencyRecord, 'userId' | 'operation' | 'key'>, at: Date): Promise<RememberedAnswer | undefined> {
    const item = await getItem(this.table, idempotencyItem.key(ref.userId, ref.operation, ref.key), { consistent: true });
    return item ? idempotencyItem.fromItem(item, at) : undefined;
  }
}
