import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { ENTRY_METADATA_KEY } from '../../infra/constructs/lambda.ts';
import { fallbackRoute, httpRoutes, routeKeys } from '../../infra/routes.ts';
import type { GoodSwipeStack } from '../../infra/stack.ts';
import { entrySagaSteps, levelUpEvents, maintenanceJobs, scheduledJobs, type FunctionSpec } from '../../infra/workloads.ts';
import { allFunctionSpecs } from '../../infra/function-specs.ts';
import { REPO_ROOT } from '../../infra/repo-root.ts';
import { logicalIdOf, resourcesOfType, synthesizedStack } from '../support/synth.ts';
import { skipBundling, type PolicyStatement, type TemplateResource } from '../support/template.ts';


/** The parts of the synthesized CloudFormation this file reads. */
let app: App;
let stack: GoodSwipeStack;
let template: Template;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  ({ app, stack, template, json: { Resources: resources } } = synthesizedStack());
}, 60_000);

function functionLogicalId(name: string): string {
  return logicalIdOf(stack.functions[name]);
}

/** Every action the inline IAM policies of a function's execution role allow. */
function roleActions(functionId: string): string[] {
  return roleStatements(functionId).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** The statements of the inline IAM policies of a function's execution role. */
function roleStatements(functionId: string): PolicyStatement[] {
  const role = resources[functionId]?.Properties.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = role['Fn::GetAtt'][0];
  const attached = resourcesOfType('AWS::IAM::Policy').filter(([, policy]) =>
    (policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
  );
  const statements = attached.flatMap(
    ([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement,
  );
  const inline = (resources[roleId]?.Properties.Policies ?? []) as {
    PolicyDocument: { Statement: PolicyStatement[] };
  }[];
  statements.push(...inline.flatMap((p) => p.PolicyDocument.Statement));
  return statements;
}

/** The statements of a function's role that allow DynamoDB actions. */
function dynamoDbStatements(functionId: string): PolicyStatement[] {
  return roleStatements(functionId).filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

describe('data', () => {
  it('has one game table with PK/SK, GSI1, a NEW_AND_OLD_IMAGES stream, TTL, on-demand billing and PITR', () => {
    // The other table holds the enter function's idempotency records (entry-idempotency.test.ts).
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'GSI1PK', KeyType: 'HASH' },
            { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('lets a non-production table be destroyed with the stack', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe('identity', () => {
  it('has a Cognito user pool with email sign-in, a strong password policy and no SMS MFA', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      MfaConfiguration: 'OFF',
      Policies: {
        PasswordPolicy: Match.objectLike({
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('has one public client for the mobile app with SRP and user-password sign-in', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const [[, client]] = resourcesOfType('AWS::Cognito::UserPoolClient') as [[string, TemplateResource]];
    expect(client.Properties.GenerateSecret).toBe(false);
    expect(client.Properties.ExplicitAuthFlows).toEqual(
      expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH']),
    );
  });
});

describe('HTTP API', () => {
  it('is one HTTP API with a Cognito JWT authorizer reading the Authorization header', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.anyValue() }],
        Issuer: { 'Fn::Join': ['', Match.arrayWith(['https://cognito-idp.'])] },
      },
    });
  });

  it('puts every route, $default included, behind the JWT authorizer', () => {
    const [[authorizerId]] = resourcesOfType('AWS::ApiGatewayV2::Authorizer') as [[string, TemplateResource]];
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [, route] of routes) {
      expect(route.Properties, String(route.Properties.RouteKey)).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });

  it('has exactly the route keys of routes.ts plus $default (no /_local routes)', () => {
    const keys = resourcesOfType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(new Set(keys)).toEqual(new Set([...routeKeys(), '$default']));
    expect(keys).toHaveLength(httpRoutes.length + 1);
    expect(keys.filter((k) => String(k).includes('/_local'))).toEqual([]);
  });

  it('sends each route to the Lambda function of its handler entry', () => {
    const entryOfRouteKey = new Map<string, string>([
      ...httpRoutes.map((r) => [`${r.method} ${r.path}`, r.entry] as const),
      ['$default', fallbackRoute.entry],
    ]);
    for (const [, route] of resourcesOfType('AWS::ApiGatewayV2::Route')) {
      const target = route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integrationId = target['Fn::Join'][1][1].Ref;
      const uri = resources[integrationId]?.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] };
      const fn = resources[uri['Fn::GetAtt'][0]];
      expect(fn?.Type).toBe('AWS::Lambda::Function');
      expect(fn?.Metadata?.[ENTRY_METADATA_KEY]).toBe(entryOfRouteKey.get(String(route.Properties.RouteKey)));
    }
  });

  it('serves the $default stage with throttling and JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.serializedJson(
          Match.objectLike({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
  });

  it('outputs the API URL, user pool, client, table name, entry saga ARN, event bus, level-up queue and cache endpoint', () => {
    for (const output of [
      'ApiUrl',
      'UserPoolId',
      'UserPoolClientId',
      'TableName',
      'EntrySagaArn',
      'EventBusName',
      'LevelUpQueueUrl',
      'CacheEndpoint',
    ]) {
      template.hasOutput(output, {});
    }
  });
});

describe('functions', () => {
  const names = [...allFunctionSpecs.map((f) => f.name), fallbackRoute.name];

  /** The project's functions: those the local stack finds by their handler-entry metadata. */
  const projectFunctions = () => resourcesOfType('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.[ENTRY_METADATA_KEY]);

  it('has one function per FunctionSpec (routes, saga steps, jobs, consumer, maintenance) plus the fallback, each its own entry', () => {
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(stack.functions).sort()).toEqual([...names].sort());
    const entries = projectFunctions().map(([, r]) => r.Metadata?.[ENTRY_METADATA_KEY]);
    expect(entries.sort()).toEqual([...allFunctionSpecs.map((f) => f.entry), fallbackRoute.entry].sort());
  });

  it("has no other function than CDK's own Trigger provider", () => {
    const others = resourcesOfType('AWS::Lambda::Function')
      .filter(([, r]) => !r.Metadata?.[ENTRY_METADATA_KEY])
      .map(([id]) => id);
    expect(others).toHaveLength(1);
    expect(others[0]).toMatch(/^AWSCDKTriggerCustomResourceProvider/);
  });

  it.each(names)('%s runs on nodejs22.x arm64 with an existing handler module', (name) => {
    const fn = resources[functionLogicalId(name)];
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    const entry = fn?.Metadata?.[ENTRY_METADATA_KEY];
    expect(typeof entry).toBe('string');
    expect(fs.existsSync(path.join(REPO_ROOT, entry as string)), `${String(entry)} exists`).toBe(true);
  });

  it.each(allFunctionSpecs.map((f) => [f.name, f] as const))('%s has the handler entry of its spec', (name, spec) => {
    expect(resources[functionLogicalId(name)]?.Metadata?.[ENTRY_METADATA_KEY]).toBe(spec.entry);
  });

  it.each(allFunctionSpecs.map((f) => f.name))('%s gets the table name', (name) => {
    expect(resources[functionLogicalId(name)]?.Properties).toMatchObject({
      Environment: { Variables: { TABLE_NAME: { Ref: logicalIdOf(stack.table) } } },
    });
  });

  it('tells the fallback function the known routes, and nothing of the table', () => {
    const fn = resources[functionLogicalId(fallbackRoute.name)];
    const env = (fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.parse(String(env.KNOWN_ROUTES))).toEqual(routeKeys());
    expect(env.TABLE_NAME).toBeUndefined();
    expect(roleActions(functionLogicalId(fallbackRoute.name)).filter((a) => !a.startsWith('xray:'))).toEqual([]);
  });

  it('lets GetMe only read items (least privilege)', () => {
    const actions = roleActions(functionLogicalId('GetMe'));
    expect(actions.filter((a) => a.startsWith('dynamodb:') || a.includes('*'))).toEqual(['dynamodb:GetItem']);
  });

  it.each(allFunctionSpecs.map((f) => [f.name, f] as const))('grants %s exactly its tableActions', (name, spec) => {
    const actions = roleActions(functionLogicalId(name));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    // tableActions are the game table's; the idempotency table's grant is apart (entry-idempotency.test.ts).
    const idempotencyTableId = logicalIdOf(stack.entryIdempotencyTable);
    const [onIdempotency, onOthers] = partition(dynamoDbStatements(functionLogicalId(name)), (s) => JSON.stringify(s.Resource).includes(`"${idempotencyTableId}"`));
    expect(new Set(onOthers.flatMap((s) => [s.Action].flat()))).toEqual(new Set(spec.tableActions));
    expect(onIdempotency.length > 0).toBe(spec.usesEntryIdempotency === true);
    // Nothing beyond the table, the entry saga (startsEntrySaga), X-Ray, the cache as its user
    // (usesRedis; tournaments.test.ts checks on what) and, for the level-up consumer, its queue
    // (level-up-events.test.ts checks which queue); a scheduled job sends to its on-failure queue
    // (scheduled-job-failures.test.ts checks which queue); a publisher of domain events puts them
    // on the game bus (domain-events.test.ts checks which bus).
    const usesQueue = name === levelUpEvents.consumer.name || scheduledJobs.some((job) => job.name === name);
    const allowed = (a: string) =>
      a.startsWith('dynamodb:') ||
      a.startsWith('xray:') ||
      a === 'states:StartSyncExecution' ||
      a === 'states:StartExecution' ||
      (spec.usesRedis === true && a === 'elasticache:Connect') ||
      (usesQueue && a.startsWith('sqs:')) ||
      (spec.publishesDomainEvents === true && a === 'events:PutEvents');
    expect(actions.filter((a) => !allowed(a))).toEqual([]);
    expect(actions.includes('events:PutEvents')).toBe(spec.publishesDomainEvents === true);
    expect(actions.includes('elasticache:Connect')).toBe(spec.usesRedis === true);
    expect(actions.includes('states:StartSyncExecution')).toBe(spec.startsEntrySaga === true);
    expect(actions.includes('states:StartExecution')).toBe(spec.startsWorkflow !== undefined);
  });

  it.each(allFunctionSpecs.filter((f) => f.tableActions.length > 0).map((f) => [f.name] as const))(
    "scopes %s's table grant to the game table and its indexes",
    (name) => {
      const tableId = logicalIdOf(stack.table);
      const idempotencyTableId = logicalIdOf(stack.entryIdempotencyTable);
      const resourcesOfStatements = dynamoDbStatements(functionLogicalId(name))
        .filter((s) => !JSON.stringify(s.Resource).includes(`"${idempotencyTableId}"`))
        .flatMap((s) => [s.Resource].flat());
      expect(resourcesOfStatements).toEqual([
        { 'Fn::GetAtt': [tableId, 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/*']] },
      ]);
    },
  );

  it('gives the saga steps 5 s, the saga starter 29 s (it waits for the saga), the seal and rebuild steps 10-120 s, maintenance jobs 300 s and every other function 10 s', () => {
    const steps = new Set<string>(Object.values(entrySagaSteps).map((s) => s.name));
    const maintenance = new Set<string>(maintenanceJobs.map((j) => j.name));
    const sealSteps: Record<string, number> = { CheckScores: 30, PlanSeal: 30, SealGroupBatch: 60, FinishSeal: 10 };
    const rebuildSteps: Record<string, number> = { BeginRebuild: 30, ScanProfilesSegment: 120, CommitGlobalRebuild: 30, RebuildGroupBatch: 60 };
    const timeoutOf = (name: string) =>
      steps.has(name) ? 5 : name === 'EnterTournament' ? 29 : maintenance.has(name) ? 300 : (sealSteps[name] ?? rebuildSteps[name] ?? 10);
    for (const name of names) {
      expect(resources[functionLogicalId(name)]?.Properties.Timeout, name).toBe(timeoutOf(name));
    }
  });

  it('gives every log group a retention, and every function its own log group', () => {
    const logGroups = resourcesOfType('AWS::Logs::LogGroup');
    for (const [id, group] of logGroups) {
      expect(group.Properties.RetentionInDays, id).toBeTypeOf('number');
    }
    const logGroupIds = new Set(logGroups.map(([id]) => id));
    const owners = new Map<string, string>();
    for (const [id, fn] of projectFunctions()) {
      const config = fn.Properties.LoggingConfig as { LogGroup: { Ref: string } } | undefined;
      const groupId = config?.LogGroup.Ref ?? '';
      expect(logGroupIds.has(groupId), id).toBe(true);
      expect(owners.get(groupId), `${groupId} is shared`).toBeUndefined();
      owners.set(groupId, id);
    }
  });
});

/**
 * cdk-nag 3 is a CDK policy-validation plugin: its findings never become construct annotations
 * (Annotations.fromStack sees none); an unacknowledged finding fails synthesis and is written to
 * the assembly's validation-report.json. validateScope() runs the same rules on the tree directly.
 */
describe('cdk-nag (AWS Solutions)', () => {
  it('fails synthesis on a finding nobody acknowledged', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'goodswipe-nag-'));
    const probe = buildApp({ stage: 'test', outdir, context: skipBundling });
    new sqs.Queue(probe.stack, 'UnacknowledgedQueue'); // no DLQ, no TLS-only policy: AwsSolutions-SQS3/SQS4
    try {
      expect(() => probe.app.synth()).toThrow();
      const report = fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8');
      expect(report).toMatch(/AwsSolutions-SQS3/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);

  it('has every finding fixed or acknowledged', () => {
    const { violations } = new AwsSolutionsChecks().validateScope(app);
    const unresolved = violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(unresolved).toEqual([]);
  });
});

describe('buildApp', () => {
  it('names the stack after the stage context when no stage is passed', () => {
    const { stack: fromContext } = buildApp({ context: { ...skipBundling, stage: 'qa' } });
    expect(fromContext.stackName).toBe('GoodSwipe-qa');
  });

  it('rejects a stage that is not lowercase letters, digits and hyphens', () => {
    expect(() => buildApp({ stage: 'Prod_1', context: skipBundling })).toThrow(/invalid stage/);
  });

  it('retains and protects the production table', () => {
    const { stack: prod } = buildApp({ stage: 'prod', context: { ...skipBundling, sesFromEmail: 'no-reply@example.com', sesRegion: 'us-east-1' } });
    Template.fromStack(prod).hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  }, 60_000);
});
