/**
 * Amazon EventBridge event pattern matching, for the local stand-ins of rules and of pipe filters
 * (EventBridge Pipes filter stream records with the same syntax). No maintained JS library
 * evaluates patterns, so this covers what the template's patterns use: exact values listed in
 * arrays, under nested fields (the rule's `source` / `detail-type`, the pipe's filter on stream
 * records). Any other part of the syntax (`prefix`, `numeric`, `anything-but`, `exists`, `$or`...)
 * throws, whatever the event: a template that starts using it fails loudly instead of silently
 * routing nothing.
 *
 * Semantics, as the EventBridge user guide (event patterns, arrays, null values) describes them:
 * - every field of a pattern must match (AND); the values listed for a field are alternatives (OR),
 *   compared by type (`5` is not `"5"`) and case;
 * - a field is matched on its leaf values: when the event holds an array there, one matching
 *   element is enough; an object is not a leaf, so a list of values never matches it;
 * - a nested pattern descends into the event's object; into an array of objects, one element
 *   must match the whole nested pattern (fields of different elements never combine).
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern, 'the pattern')(event);
}

type Json = Record<string, unknown>;
type Test<T> = (value: T) => boolean;

/** Checks the whole pattern up front, so an unsupported part throws even if the event lacks it. */
function compilePattern(pattern: unknown, what: string): Test<unknown> {
  if (!isObject(pattern)) throw new Error(`${what} must be a JSON object of fields (leaf values go in an array)`);
  const fields = Object.entries(pattern).map(([key, rule]) => compileField(key, rule));
  return (value) => objectsIn(value).some((object) => fields.every((field) => field(object)));
}

function compileField(key: string, rule: unknown): Test<Json> {
  if (key.startsWith('$')) throw new Error(`unsupported event pattern operator "${key}"`);
  if (Array.isArray(rule)) {
    const values = rule.map((value) => {
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
        throw new Error(`unsupported event pattern value ${JSON.stringify(value)} for "${key}": only exact values are`);
      }
      return value as unknown;
    });
    return (object) => leavesOf(object[key]).some((leaf) => values.includes(leaf));
  }
  const nested = compilePattern(rule, `field "${key}"`);
  return (object) => nested(object[key]);
}

function leavesOf(value: unknown): unknown[] {
  if (value === undefined || isObject(value)) return [];
  return Array.isArray(value) ? value.flatMap(leavesOf) : [value];
}

function objectsIn(value: unknown): Json[] {
  if (Array.isArray(value)) return value.flatMap(objectsIn);
  return isObject(value) ? [value] : [];
}

/** A JSON object (not an array, not null). */
function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
