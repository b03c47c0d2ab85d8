import { localClient } from '../../infra/local/dynamodb-local.ts';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { profileItem } from '../../shared/adapters/dynamo/items/profile.ts';
import { generateOps } from '../chaos/generate.ts';
import { formatResult } from '../chaos/report.ts';
import { runChaos, type ChaosSession } from '../chaos/session.ts';
import type { Violation } from '../chaos/violations.ts';

/** Small runs of `npm run chaos` (the note reports >= 20 seeds x 500 ops); each starts its own stack. */
const SEEDS = [1, 2, 3];
const OPS = 40;
/** Only catches a hang: a run here takes a minute or two on a busy 2-core machine. */
const RUN_LIMIT_MS = 600_000;

/** Adds coins to one profile behind the product's back, then runs the checks again. */
async function mintACoin(session: ChaosSession): Promise<Violation[]> {
  const before = session.violations.list.length;
  const doc = DynamoDBDocumentClient.from(localClient(session.dynamo.endpoint));
  try {
    const tableName = session.table.tableName;
    const sub = session.model.players.find((p) => p.created && p.sub)!.sub!;
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: profileItem.key(sub),
        UpdateExpression: 'SET coins = coins + :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  } finally {
    doc.destroy();
  }
  await session.check();
  return session.violations.list.slice(before);
}

describe('seeded chaos runs: faults, restarts, cache loss, racing clients', () => {
  it.each(SEEDS)(
    'seed %i: every coin accounted for, every acknowledged write in DynamoDB, boards equal to it, no dishonest 5xx',
    async (seed) => {
      let afterTampering: Violation[] = [];
      const last = seed === SEEDS.at(-1);
      const result = await runChaos(generateOps(seed, OPS), {
        // The last run also proves the checker bites: one coin minted directly in the table is caught.
        ...(last ? { afterChecks: async (session: ChaosSession) => void (afterTampering = await mintACoin(session)) } : {}),
      });
      const clean = result.violations.filter((v) => !afterTampering.includes(v));
      expect(clean, formatResult(`seed ${seed}, ${OPS} ops`, { ...result, violations: clean })).toEqual([]);
      if (last) expect(afterTampering.map((v) => v.invariant)).toEqual(expect.arrayContaining(['coins.balance', 'coins.total']));
    },
    RUN_LIMIT_MS,
  );
});
