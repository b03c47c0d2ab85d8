import { CfnResource, Validations } from 'aws-cdk-lib';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_VALIDITY } from '../../infra/constructs/auth.ts';
import { CACHE_USAGE_LIMITS, cacheAccessString } from '../../infra/constructs/cache.ts';
import { SAGA_STEP_RESERVED_CONCURRENCY } from '../../infra/constructs/entry-saga.ts';
import { ENTRY_METADATA_KEY } from '../../infra/constructs/lambda.ts';
import { PIPE_LOG_LEVEL } from '../../infra/constructs/level-up-events.ts';
import { buildApp } from '../../infra/build-app.ts';
import { allFunctionSpecs } from '../../infra/function-specs.ts';
import { FUNCTION_TRACING_ACTIONS, STATE_MACHINE_WILDCARD_ACTIONS } from '../../infra/nag-suppressions.ts';
import type { GoodSwipeStack } from '../../infra/stack.ts';
import { entrySagaSteps } from '../../infra/workloads.ts';
import { SERVICE_NAME } from '../../shared/adapters/service-name.ts';
import { logicalIdOf, resourcesOfType, synthesizedStack } from '../support/synth.ts';
import { only, skipBundling, type PolicyStatement, type TemplateResource } from '../support/template.ts';

let app: App;
let stack: GoodSwipeStack;
let resources: Record<string, TemplateResource>;
/** The production stage, with players' emails through SES (it refuses to synthesize without). */
let prod: { stack: GoodSwipeStack; resources: Record<string, TemplateResource> };

beforeAll(() => {
  ({ app, stack } = synthesizedStack());
  resources = synthesizedStack().json.Resources;
  const built = buildApp({ stage: 'prod', context: { ...skipBundling, sesFromEmail: 'no-reply@example.com', sesFromName: 'Good Swipe', sesRegion: 'us-east-1' } });
  prod = { stack: built.stack, resources: (Template.fromStack(built.stack).toJSON() as { Resources: Record<string, TemplateResource> }).Resources };
}, 120_000);

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const ofType = (all: Record<string, TemplateResource>, type: string) => Object.entries(all).filter(([, r]) => r.Type === type);
const projectFunctions = (all: Record<string, TemplateResource>) =>
  ofType(all, 'AWS::Lambda::Function').filter(([, r]) => r.Metadata?.[ENTRY_METADATA_KEY]);
const actionsOf = (s: PolicyStatement) => [s.Action].flat();

/** The statements of a role's inline policies (AWS::IAM::Policy resources attached to it). */
function policiesOfRole(roleId: string): [string, PolicyStatement[]][] {
  return resourcesOfType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .map(([id, p]) => [id, (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement]);
}
const roleIdOfFunction = (functionId: string) => (resources[functionId]?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

describe('traces (X-Ray, recorded by Lambda and Step Functions)', () => {
  it.each(projectFunctions(synthesizedStack().json.Resources).map(([id]) => [id]))('%s traces actively, as service good-swipe', (id) => {
    const fn = resources[id]!;
    expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: SERVICE_NAME });
  });

  it('keeps X-Ray tracing on every state machine (the saga, the seal, the rebuild)', () => {
    const machines = resourcesOfType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(3);
    for (const [id, machine] of machines) expect(machine.Properties.TracingConfiguration, id).toEqual({ Enabled: true });
  });
});

describe("players' identities (Cognito)", () => {
  const pool = (all: Record<string, TemplateResource>) => only(ofType(all, 'AWS::Cognito::UserPool'), 'user pool')[1].Properties;
  const client = (all: Record<string, TemplateResource>) => only(ofType(all, 'AWS::Cognito::UserPoolClient'), 'client')[1].Properties;

  it('sets the feature plan explicitly: Lite', () => {
    expect(pool(resources).UserPoolTier).toBe('LITE');
  });

  it("sends a development stage's emails with Cognito's own sender", () => {
    expect(pool(resources).EmailConfiguration).toEqual({ EmailSendingAccount: 'COGNITO_DEFAULT' });
  });

  it("sends production's emails through SES, from the context's address", () => {
    expect(pool(prod.resources).EmailConfiguration).toMatchObject({
      EmailSendingAccount: 'DEVELOPER',
      From: 'Good Swipe <no-reply@example.com>',
      SourceArn: expect.anything(),
    });
  });

  it('refuses a production stage without SES', () => {
    expect(() => buildApp({ stage: 'prod', context: skipBundling })).toThrow(/sesFromEmail/);
  });

  it('protects the production pool from deletion, and no other', () => {
    expect(pool(prod.resources).DeletionProtection).toBe('ACTIVE');
    expect(pool(resources).DeletionProtection).toBe('INACTIVE');
  });

  it('gives the app client short access and id tokens, a 30-day refresh token, and revocation', () => {
    expect(client(resources)).toMatchObject({
      AccessTokenValidity: TOKEN_VALIDITY.accessToken.toMinutes(),
      IdTokenValidity: TOKEN_VALIDITY.idToken.toMinutes(),
      RefreshTokenValidity: TOKEN_VALIDITY.refreshToken.toMinutes(),
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      AuthSessionValidity: TOKEN_VALIDITY.authSession.toMinutes(),
      EnableTokenRevocation: true,
    });
    expect(TOKEN_VALIDITY.accessToken.toMinutes()).toBe(60);
    expect(TOKEN_VALIDITY.refreshToken.toDays()).toBe(30);
  });
});

describe('the cache: IAM authentication, no default user, usage limits', () => {
  const user = () => only(resourcesOfType('AWS::ElastiCache::User'), 'cache user');
  const userGroup = () => only(resourcesOfType('AWS::ElastiCache::UserGroup'), 'cache user group');
  const cache = () => only(resourcesOfType('AWS::ElastiCache::ServerlessCache'), 'serverless cache');

  it('has one IAM-enabled user (user id = user name) limited to the stage keys, without dangerous commands', () => {
    expect(user()[1].Properties).toMatchObject({
      UserId: 'good-swipe-test',
      UserName: 'good-swipe-test',
      Engine: 'valkey',
      AuthenticationMode: { Type: 'iam' },
      AccessString: cacheAccessString('goodswipe:test:'),
    });
    expect(cacheAccessString('goodswipe:test:')).toBe('on ~goodswipe:test:* +@all -@dangerous +info');
  });

  it('serves only a Valkey user group holding that user (no open default user)', () => {
    expect(userGroup()[1].Properties).toMatchObject({ UserGroupId: 'good-swipe-test', Engine: 'valkey', UserIds: ['good-swipe-test'] });
    expect(userGroup()[1].DependsOn).toContain(user()[0]);
    expect(cache()[1].Properties.UserGroupId).toBe('good-swipe-test');
    expect(cache()[1].DependsOn).toContain(userGroup()[0]);
  });

  it(`caps data at ${CACHE_USAGE_LIMITS.dataStorageGb} GB and ${CACHE_USAGE_LIMITS.ecpuPerSecond} ECPU/s, with no minimums`, () => {
    expect(cache()[1].Properties.CacheUsageLimits).toEqual({
      DataStorage: { Maximum: 5, Unit: 'GB' },
      ECPUPerSecond: { Maximum: 50_000 },
    });
  });

  it.each(allFunctionSpecs.filter((s) => s.usesRedis).map((s) => [s.name]))('%s may connect to this cache as this user only', (name) => {
    const statements = policiesOfRole(roleIdOfFunction(logicalIdOf(stack.functions[name]))).flatMap(([, s]) => s);
    const connect = statements.filter((s) => actionsOf(s).includes('elasticache:Connect'));
    expect(connect).toEqual([
      // (ServerlessCache spells its attribute ARN.)
      { Effect: 'Allow', Action: 'elasticache:Connect', Resource: [getAtt(cache()[0], 'ARN'), getAtt(user()[0])] },
    ]);
  });
});

describe('the level-up pipe logs its errors', () => {
  it(`logs at ${PIPE_LOG_LEVEL} to a log group of its own, kept a month, without the records`, () => {
    const [, pipe] = only(resourcesOfType('AWS::Pipes::Pipe'), 'pipe');
    const logGroupId = logicalIdOf(stack.levelUpEvents.pipeLogGroup);
    expect(pipe.Properties.LogConfiguration).toEqual({
      Level: 'ERROR',
      CloudwatchLogsLogDestination: { LogGroupArn: getAtt(logGroupId) },
    });
    expect(resources[logGroupId]?.Properties).toMatchObject({
      LogGroupName: '/aws/vendedlogs/pipes/good-swipe-test-level-ups',
      RetentionInDays: 30,
    });
  });
});

describe('concurrency: entries cannot be starved', () => {
  const stepNames = new Set<string>(Object.values(entrySagaSteps).map((s) => s.name));
  const reservedOf = (all: Record<string, TemplateResource>, s: GoodSwipeStack) =>
    Object.fromEntries(
      Object.entries(s.functions).map(([name, fn]) => [name, all[s.getLogicalId(fn.node.defaultChild as CfnResource)]?.Properties.ReservedConcurrentExecutions]),
    );

  it(`reserves ${SAGA_STEP_RESERVED_CONCURRENCY} executions for each saga step on production, and nothing for any other function`, () => {
    for (const [name, reserved] of Object.entries(reservedOf(prod.resources, prod.stack))) {
      expect(reserved, name).toBe(stepNames.has(name) ? SAGA_STEP_RESERVED_CONCURRENCY : undefined);
    }
  });

  it('reserves nothing on other stages (their accounts may have a quota of 10)', () => {
    expect(Object.values(reservedOf(resources, stack)).filter((r) => r !== undefined)).toEqual([]);
  });
});

describe('cdk-nag acknowledgements', () => {
  const acknowledged = () =>
    app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as Record<string, string>).map((rule) => ({ construct, rule }))),
    ).filter(({ rule }) => rule.includes('AwsSolutions-')); // CDK acknowledges some of its own checks

  it('each sits on the one CloudFormation resource it is about (no role, construct or stack)', () => {
    const found = acknowledged();
    expect(found.length).toBeGreaterThan(0);
    for (const { construct, rule } of found) expect(CfnResource.isCfnResource(construct), `${rule} on ${construct.node.path}`).toBe(true);
  });

  it('every Resource::* acknowledged covers only the actions its reason names', () => {
    const policies = acknowledged()
      .filter(({ rule }) => rule.endsWith('AwsSolutions-IAM5[Resource::*]'))
      .map(({ construct }) => construct as CfnResource);
    expect(policies.length).toBeGreaterThan(0);
    const machineRoles = new Set(
      [stack.entrySaga, stack.sealWorkflow, stack.rebuildWorkflow].map((m) => logicalIdOf(m.role)),
    );
    for (const policy of policies) {
      const resource = resources[stack.getLogicalId(policy)]!;
      expect(resource.Type).toBe('AWS::IAM::Policy');
      const wildcardActions = (resource.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement
        .filter((s) => [s.Resource].flat().includes('*'))
        .flatMap(actionsOf);
      const roles = (resource.Properties.Roles as { Ref: string }[]).map((r) => r.Ref);
      const expected = roles.some((r) => machineRoles.has(r)) ? STATE_MACHINE_WILDCARD_ACTIONS : FUNCTION_TRACING_ACTIONS;
      expect(new Set(wildcardActions), policy.node.path).toEqual(new Set(expected));
    }
  });
});
