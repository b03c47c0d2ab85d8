import type { Item } from '../commands.ts';

/**
 * An item type's field names, one `true` per field of `T`: the compiler checks the list is
 * complete, so a field added to the domain type cannot be forgotten by its codec.
 */
export type FieldList<T> = { readonly [K in keyof Required<T>]: true };

/** The fields of `T` an item holds, and nothing else (keys, entity, index keys, bookkeeping); absent ones stay absent. */
export function pickFields<T>(item: Item, fields: FieldList<T>): T {
  const picked: Item = {};
  for (const name of Object.keys(fields)) if (item[name] !== undefined) picked[name] = item[name];
  return picked as T;
}
