/**
 * Amazon EventBridge event pattern matching, for the local stand-ins of rules and of pipe filters
 * (EventBridge Pipes filter stream records with the same syntax). No maintained JS library
 * evaluates patterns, so this covers the documented operators and throws on any other, whatever
 * the event: a template that needs more fails loudly instead of silently routing nothing.
 *
 * Semantics, as the EventBridge user guide (event patterns, comparison operators, arrays, null
 * values) and AWS's own matcher (aws/event-ruler) describe them:
 * - every field of a pattern must match (AND); the values listed for a field are alternatives (OR);
 * - a field is matched on its leaf values: when the event holds an array there, one matching
 *   element is enough; an object is not a leaf, so `exists: true` fails on it, `exists: false` holds;
 * - a nested pattern descends into the event's object; into an array of objects, one element
 *   must match the whole nested pattern (fields of different elements never combine);
 * - `"$or": [pattern, ...]` matches when any of its patterns matches at that level;
 * - `anything-but` needs the field to be there; it matches any value it does not exclude.
 * Skipped: `cidr` (IP ranges) throws like any unknown operator.
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
  return (value) => {
    const objects = objectsIn(value);
    // Nothing to descend into (missing, or a leaf): only rules about absence can still match.
    return (objects.length > 0 ? objects : [{}]).some((object) => fields.every((field) => field(object)));
  };
}

function compileField(key: string, rule: unknown): Test<Json> {
  if (key === '$or') {
    if (!Array.isArray(rule) || rule.length === 0) throw new Error('"$or" needs an array of patterns');
    const alternatives = rule.map((alternative) => compilePattern(alternative, 'each "$or" alternative'));
    return (object) => alternatives.some((alternative) => alternative(object));
  }
  if (Array.isArray(rule)) {
    const rules = rule.map(compileLeafRule);
    return (object) => {
      const leaves = leavesOf(object[key]);
      return rules.some((test) => test(leaves));
    };
  }
  const nested = compilePattern(rule, `field "${key}"`);
  return (object) => nested(object[key]);
}

/** One of the values listed for a field, tested against all the field's leaf values. */
function compileLeafRule(rule: unknown): Test<unknown[]> {
  if (isObject(rule) && 'exists' in rule) {
    const [, exists] = single(rule);
    if (typeof exists !== 'boolean') throw new Error('"exists" needs true or false');
    return (leaves) => (leaves.length > 0) === exists;
  }
  const test = compileValueRule(rule);
  return (leaves) => leaves.some(test);
}

/** A literal value, or an operator object, tested against one leaf value. */
function compileValueRule(rule: unknown): Test<unknown> {
  if (rule === null || ['string', 'number', 'boolean'].includes(typeof rule)) return (value) => value === rule;
  if (!isObject(rule)) throw new Error(`invalid event pattern value ${JSON.stringify(rule)}`);
  const [operator, operand] = single(rule);
  switch (operator) {
    case 'prefix':
      return compileAffix(operator, operand, (text, affix) => text.startsWith(affix));
    case 'suffix':
      return compileAffix(operator, operand, (text, affix) => text.endsWith(affix));
    case 'equals-ignore-case': {
      const expected = text(operator, operand).toLowerCase();
      return (value) => typeof value === 'string' && value.toLowerCase() === expected;
    }
    case 'wildcard': {
      const regExp = wildcardRegExp(text(operator, operand));
      return (value) => typeof value === 'string' && regExp.test(value);
    }
    case 'anything-but': {
      const excluded = compileExclusion(operand);
      return (value) => !excluded(value);
    }
    case 'numeric': {
      const inRange = compileNumeric(operand);
      return (value) => typeof value === 'number' && inRange(value);
    }
    default:
      throw new Error(`unsupported event pattern operator "${operator}"`);
  }
}

/** `prefix` / `suffix`: a string, or `{ "equals-ignore-case": string }`. */
function compileAffix(operator: string, operand: unknown, test: (text: string, affix: string) => boolean): Test<unknown> {
  if (typeof operand === 'string') return (value) => typeof value === 'string' && test(value, operand);
  const [inner, affix] = isObject(operand) ? single(operand) : [];
  if (inner !== 'equals-ignore-case') throw new Error(`"${operator}" needs a string or { "equals-ignore-case": string }`);
  const lower = text(inner, affix).toLowerCase();
  return (value) => typeof value === 'string' && test(value.toLowerCase(), lower);
}

/** What `anything-but` excludes: a value, a list of values, or one text operator (or a list for it). */
function compileExclusion(operand: unknown): Test<unknown> {
  if (Array.isArray(operand)) return (value) => operand.includes(value);
  if (!isObject(operand)) return compileValueRule(operand);
  const [inner, innerOperand] = single(operand);
  if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(inner)) {
    throw new Error(`unsupported "anything-but" operator "${inner}"`);
  }
  const alternatives = (Array.isArray(innerOperand) ? innerOperand : [innerOperand]).map((alternative) =>
    compileValueRule({ [inner]: alternative }),
  );
  return (value) => alternatives.some((test) => test(value));
}

const comparisons: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** `[op, number]` or `[op, number, op, number]`: every comparison must hold. */
function compileNumeric(operand: unknown): Test<number> {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new Error('"numeric" needs [operator, number] or [operator, number, operator, number]');
  }
  const checks: Test<number>[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const compare = comparisons[String(operand[i])];
    const bound: unknown = operand[i + 1];
    if (!compare || typeof bound !== 'number') throw new Error(`invalid "numeric" comparison ${JSON.stringify(operand)}`);
    checks.push((value) => compare(value, bound));
  }
  return (value) => checks.every((check) => check(value));
}

/** `*` matches any run of characters; `\*` is a literal star, `\\` a backslash; `**` is refused. */
function wildcardRegExp(wildcard: string): RegExp {
  let source = '';
  for (let i = 0; i < wildcard.length; i++) {
    const char = wildcard[i]!;
    if (char === '\\') {
      const escaped = wildcard[++i];
      if (escaped !== '*' && escaped !== '\\') throw new Error(`invalid escape in wildcard "${wildcard}"`);
      source += `\\${escaped}`;
    } else if (char === '*') {
      if (wildcard[i + 1] === '*') throw new Error(`consecutive "*" in wildcard "${wildcard}"`);
      source += '.*';
    } else {
      source += char.replace(/[.+?^${}()|[\]]/, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function leavesOf(value: unknown): unknown[] {
  if (value === undefined || isObject(value)) return [];
  return Array.isArray(value) ? value.flatMap(leavesOf) : [value];
}

function objectsIn(value: unknown): Json[] {
  if (Array.isArray(value)) return value.flatMap(objectsIn);
  return isObject(value) ? [value] : [];
}

/** An operator object holds exactly one operator. */
function single(rule: Json): [string, unknown] {
  const entries = Object.entries(rule);
  if (entries.length !== 1) throw new Error(`an operator object needs exactly one key, got ${JSON.stringify(rule)}`);
  return entries[0]!;
}

function text(operator: string, operand: unknown): string {
  if (typeof operand !== 'string') throw new Error(`"${operator}" needs a string`);
  return operand;
}

/** A JSON object (not an array, not null). */
function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
