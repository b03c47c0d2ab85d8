import { PRICES_AS_OF } from './aws-prices.ts';
import type { CostRow, CostsReport } from './costs.ts';

/* The costs phase's tables: measured against the minimum, and the price per 1,000,000. */

const units = (n: number) => (Number.isInteger(n) ? String(n) : n < 1 ? n.toFixed(3) : n.toFixed(2));
const dollars = (n: number) => (n >= 10 ? n.toFixed(2) : n.toFixed(3));

/** `Name×n, ...`, means below 1 with their decimals (a fixed cost spread over the samples). */
function counts(byName: Record<string, number>): string {
  const entries = Object.entries(byName).filter(([, n]) => n > 0.0005);
  if (entries.length === 0) return '-';
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `${name}×${Number.isInteger(Math.round(n * 1000) / 1000) ? Math.round(n) : n.toFixed(3)}`)
    .join(', ');
}

const sum = (byName: Record<string, number>) => Object.values(byName).reduce((a, b) => a + b, 0);

function costRow(row: CostRow): string {
  const { minimum: min, costPerMillion: cost } = row;
  const over = row.readUnits > min.readUnits + 1e-9 || row.writeUnits > min.writeUnits + 1e-9 || sum(row.redisCommands) > min.redisCommands + 1e-9;
  return [
    row.label,
    String(row.samples),
    units(row.readUnits),
    units(row.writeUnits),
    counts(row.dynamodbRequests),
    counts(row.redisCommands),
    units(row.ecpu),
    `${units(min.readUnits)} / ${units(min.writeUnits)} / ${min.redisCommands}${over ? ' (above)' : ''}`,
    `${dollars(cost.total)} (${dollars(cost.dynamodb)} + ${dollars(cost.cache)} + ${dollars(cost.compute)})`,
  ].join(' | ');
}

export function costsTable(report: CostsReport): string {
  const anyUnmeasured = report.rows.some((row) => row.unmeasured > 0);
  return [
    `| operation | n | RRU | WRU | DynamoDB requests | Redis commands | ECPU | minimum RRU / WRU / Redis commands | $ per 1,000,000 (DynamoDB + cache + Lambda, API, Step Functions, events) |`,
    '| --- | ---: | ---: | ---: | --- | --- | ---: | --- | ---: |',
    ...report.rows.map((row) => `| ${costRow(row)} |`),
    '',
    `Means over ${report.repetitions} operations each on a warm stack (n: windows kept, clear of the minute's scheduled jobs); ` +
      `the seal: one day of ${report.sealedEntrants} entrants in ${report.sealedGroups} groups, everything from the clock's move past midnight to CLOSED, per entrant. ` +
      `RRU/WRU as DynamoDB bills them: DynamoDB Local's ConsumedCapacity (INDEXES: index writes included) plus the minimums it leaves out, and transactions by the billing rule from their items' images (dynamodb-capacity-counter.ts). ` +
      `ECPU: 1 per KB each command moved (request + reply), at least 1; a script's vCPU time is not counted. Prices: ${PRICES_AS_OF} (test/bench/aws-prices.ts).` +
      (anyUnmeasured ? ' Some answers carried no capacity (failed requests): those rows are not clean.' : ''),
    '',
    'The minimum of each operation, and why:',
    '',
    ...report.rows.map((row) => `- ${row.label}: ${row.minimum.why}`),
  ].join('\n');
}
