import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { EntryIdempotencyTable } from '../../infra/constructs/data.ts';
import { allFunctionSpecs } from '../../infra/function-specs.ts';
import { readModel, resolveEnvironment } from '../../infra/local/template.ts';
import { REPO_ROOT } from '../../infra/repo-root.ts';
import { fallbackRoute } from '../../infra/routes.ts';
import { ENTRY_IDEMPOTENCY_ACTIONS } from '../../shared/adapters/entry-idempotency-layout.ts';
import { logicalIdOf, resourcesOfType, synthesizedStack } from '../support/synth.ts';
import type { PolicyStatement, TemplateResource } from '../support/template.ts';

/**
 * The enter function's Powertools idempotency: its own table laid out as Powertools expects, the
 * grant of exactly what the persistence issues to that one function, and the package in that one
 * function's bundle.
 */
const POWERTOOLS_IDEMPOTENCY = '@aws-lambda-powertools/idempotency';
const ENTER = 'EnterTournament';

let tableId: string;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  const synthesized = synthesizedStack();
  tableId = logicalIdOf(synthesized.stack.entryIdempotencyTable);
  resources = synthesized.json.Resources;
}, 60_000);

/** The statements of every IAM policy attached to a function's execution role. */
function roleStatements(functionName: string): PolicyStatement[] {
  const fn = resources[logicalIdOf(synthesizedStack().stack.functions[functionName])]!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return resourcesOfType('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

const mentionsTable = (value: unknown) => JSON.stringify(value ?? null).includes(`"${tableId}"`);

describe('the entry idempotency table', () => {
  it("is keyed by `id` alone, expires records on `expiration`, on demand, with PITR, no index and no stream", () => {
    const table = resources[tableId]!;
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    const { Tags: _tags, ...properties } = table.Properties;
    expect(properties).toEqual({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: false,
    });
    // Not the production stage: it goes with the stack, as the game table does.
    expect((table as TemplateResource & { DeletionPolicy?: string }).DeletionPolicy).toBe('Delete');
  });

  it('is retained and protected where the removal policy is RETAIN (the production stage)', () => {
    const stack = new Stack(new App(), 'Retained');
    new EntryIdempotencyTable(stack, 'EntryIdempotency', { removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(stack).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });
});

describe('who may use it', () => {
  it('grants the enter function exactly GetItem, PutItem, UpdateItem and DeleteItem on that table and nothing else of it', () => {
    const onTable = roleStatements(ENTER).filter((s) => mentionsTable(s.Resource));
    expect(onTable).toHaveLength(1);
    expect([onTable[0]!.Action].flat().sort()).toEqual([...ENTRY_IDEMPOTENCY_ACTIONS].sort());
    // The table's ARN only: it has no index, so no `/index/*` either.
    expect([onTable[0]!.Resource].flat()).toEqual([{ 'Fn::GetAtt': [tableId, 'Arn'] }]);
  });

  it('names the table to the enter function, and to no other function, in ENTRY_IDEMPOTENCY_TABLE_NAME', () => {
    const enter = resources[logicalIdOf(synthesizedStack().stack.functions[ENTER])]!;
    expect((enter.Properties.Environment as { Variables: Record<string, unknown> }).Variables['ENTRY_IDEMPOTENCY_TABLE_NAME']).toEqual({ Ref: tableId });
    const others = Object.keys(synthesizedStack().stack.functions).filter((name) => name !== ENTER);
    for (const name of others) {
      const fn = resources[logicalIdOf(synthesizedStack().stack.functions[name])]!;
      expect(mentionsTable(fn.Properties.Environment), name).toBe(false);
      expect(roleStatements(name).filter((s) => mentionsTable(s.Resource)), name).toEqual([]);
    }
  });

  it("grants what the installed Powertools persistence issues: no more, no less", () => {
    // Read from the package's own code, so an upgrade that needs another action fails here.
    const file = createRequire(import.meta.url).resolve(`${POWERTOOLS_IDEMPOTENCY}/dynamodb`);
    const commands = new Set([...readFileSync(file, 'utf8').matchAll(/new\s+(?:[\w$]+\.)?(\w+)Command\(/g)].map((m) => m[1]));
    expect([...commands].map((command) => `dynamodb:${command}`).sort()).toEqual([...ENTRY_IDEMPOTENCY_ACTIONS].sort());
  });
});

describe('on the local stack', () => {
  it('creates both tables from the template and resolves the enter function\'s variable to the local one', () => {
    const { json, stack } = synthesizedStack();
    const model = readModel(json);
    expect(model.tables.map((t) => t.logicalId).sort()).toEqual([logicalIdOf(stack.table), tableId].sort());
    expect(model.table.logicalId).toBe(logicalIdOf(stack.table));
    const enter = model.functions.get(logicalIdOf(stack.functions[ENTER]))!;
    const environment = resolveEnvironment(enter.environment, model, json, {});
    expect(environment['ENTRY_IDEMPOTENCY_TABLE_NAME']).toBe(model.physicalIds.get(tableId));
    expect(environment['ENTRY_IDEMPOTENCY_TABLE_NAME']).not.toBe(environment['TABLE_NAME']);
  });
});

/** Every project module a handler module imports, directly or through others (static imports). */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [path.join(REPO_ROOT, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const { fileName: specifier } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (specifier.startsWith('.')) pending.push(path.resolve(path.dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

describe('the bundles', () => {
  it(`carry ${POWERTOOLS_IDEMPOTENCY} in the enter function's only`, () => {
    const reaching = [...allFunctionSpecs.map((s) => [s.name, s.entry] as const), [fallbackRoute.name, fallbackRoute.entry] as const]
      .filter(([, entry]) => [...importGraph(entry).packages].some((p) => p === POWERTOOLS_IDEMPOTENCY || p.startsWith(`${POWERTOOLS_IDEMPOTENCY}/`)))
      .map(([name]) => name);
    expect(reaching).toEqual([ENTER]);
  });
});
