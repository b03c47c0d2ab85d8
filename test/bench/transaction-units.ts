/*
 * What DynamoDB bills for a TransactWriteItems, which DynamoDB Local does not report usably: it
 * rounds the transaction's bytes as one (three small items report 2 units, as one would). The
 * billing rule (developer guide, "Managing capacity for transactions"): every item of the
 * transaction is a write of twice the standard units, by the larger of its sizes before and after,
 * rounded up to 1 KB; an item on a global secondary index also writes the index (a put when it
 * enters or stays, a delete when it leaves, both when its index key changes), doubled as well.
 * A ConditionCheck is counted as a transactional write of its item (the dearest reading of the
 * rule; the minimum in costs.ts counts it the same way).
 *
 * So the counting proxy reads each item of a transaction before forwarding it and again after
 * it committed (strongly consistent GetItems straight to DynamoDB Local, not counted), and
 * computes the units from the two images.
 */

type AttributeValue = Record<string, any>;
type Item = Record<string, AttributeValue>;

/** A call straight to DynamoDB Local (low-level JSON), uncounted. */
export type RawCall = (operation: string, body: object) => Promise<any>;

const KB = 1024;
const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** An attribute value's size as DynamoDB counts it (close enough to round the same way). */
function valueSize(value: AttributeValue): number {
  const [type, v] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return utf8(v);
    case 'N':
      return Math.ceil(String(v).replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
    case 'B':
      return Buffer.from(v, 'base64').length;
    case 'SS':
      return (v as string[]).reduce((sum, s) => sum + utf8(s), 0);
    case 'NS':
      return (v as string[]).reduce((sum, n) => sum + valueSize({ N: n }), 0);
    case 'M':
      return 3 + Object.entries<AttributeValue>(v).reduce((sum, [name, inner]) => sum + utf8(name) + valueSize(inner) + 1, 0);
    case 'L':
      return 3 + (v as AttributeValue[]).reduce((sum, inner) => sum + valueSize(inner) + 1, 0);
    default:
      return 1; // BOOL, NULL
  }
}

export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

const kbUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));

type Part = { kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck'; table: string; key: Item };

function partsOf(body: any, keyNames: (table: string) => readonly string[]): Part[] {
  return (body.TransactItems ?? []).map((entry: Record<string, any>) => {
    const [kind, write] = Object.entries(entry)[0]!;
    const table = String(write.TableName);
    const key = write.Key ?? Object.fromEntries(keyNames(table).map((name) => [name, write.Item[name]]));
    return { kind, table, key } as Part;
  });
}

export class TransactionUnits {
  private readonly schemas = new Map<string, { key: string[]; indexes: string[][] }>();

  constructor(private readonly call: RawCall) {}

  /** Each item's image as it stands now (undefined where there is none), in the transaction's order. */
  async images(body: any): Promise<(Item | undefined)[]> {
    for (const table of new Set<string>((body.TransactItems ?? []).map((entry: any) => String(Object.values<any>(entry)[0].TableName)))) {
      await this.schemaOf(table);
    }
    const parts = partsOf(body, (table) => this.schemas.get(table)!.key);
    return Promise.all(
      parts.map(async (part) => (await this.call('GetItem', { TableName: part.table, Key: part.key, ConsistentRead: true })).Item as Item | undefined),
    );
  }

  /** The write units DynamoDB bills for the committed transaction, from its items' images before and after. */
  units(body: any, before: readonly (Item | undefined)[], after: readonly (Item | undefined)[]): number {
    const parts = partsOf(body, (table) => this.schemas.get(table)!.key);
    let units = 0;
    parts.forEach((part, i) => {
      const [was, is] = [before[i], after[i]];
      const size = kbUnits(Math.max(itemSize(was), itemSize(is)));
      units += 2 * size;
      if (part.kind === 'ConditionCheck') return;
      for (const indexKey of this.schemas.get(part.table)!.indexes) {
        const keyOf = (item: Item | undefined) =>
          item && indexKey.every((name) => item[name] !== undefined) ? JSON.stringify(indexKey.map((name) => item[name])) : undefined;
        const [from, to] = [keyOf(was), keyOf(is)];
        if (from !== undefined) units += 2 * kbUnits(itemSize(was)) * (to === from ? 0 : 1); // leaves, or moves
        if (to !== undefined) units += 2 * kbUnits(itemSize(is)); // enters, stays (projection ALL: rewritten), or moves
      }
    });
    return units;
  }

  private async schemaOf(table: string): Promise<void> {
    if (this.schemas.has(table)) return;
    const { Table } = await this.call('DescribeTable', { TableName: table });
    const names = (schema: { AttributeName: string }[]) => schema.map((k) => k.AttributeName);
    this.schemas.set(table, {
      key: names(Table.KeySchema),
      indexes: (Table.GlobalSecondaryIndexes ?? []).map((index: { KeySchema: { AttributeName: string }[] }) => names(index.KeySchema)),
    });
  }
}
