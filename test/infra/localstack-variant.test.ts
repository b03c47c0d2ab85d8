import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildLocalStackApp, buildTargetApp } from '../../infra/build-app.ts';
import { ENTRY_METADATA_KEY } from '../../infra/constructs/lambda.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/jwt-issuer.ts';
import { localStackCoverage, typeMatches } from '../../infra/localstack/coverage.ts';
import { localStackFunctions } from '../../infra/localstack/functions.ts';
import { DEFAULT_LOCALSTACK_ENDPOINT, localStackSettingsFromContext } from '../../infra/localstack/settings.ts';
import { GoodSwipeLocalStack } from '../../infra/localstack/stack.ts';
import { fallbackRoute, httpRoutes, routeKeys } from '../../infra/routes.ts';
import { GoodSwipeStack } from '../../infra/stack.ts';
import { levelUpEvents, scheduledJobs } from '../../infra/workloads.ts';
import { DEFAULT_ROUTE_KEY } from '../../shared/edge/route-table.ts';
import { resourcesOfType as awsResourcesOfType, synthesizedStack } from '../support/synth.ts';
import { only, skipBundling, type PolicyStatement, type TemplateResource } from '../support/template.ts';

/*
 * The LocalStack variant (`cdk synth -c target=localstack`, infra/localstack/stack.ts): only
 * resource types of the committed coverage list, and the same app as the AWS stack (synthesized
 * by test/support/synth.ts) with its swaps: routes, token check, level-up outbox, schedules and
 * functions are compared with the AWS template's, not with a second description of them.
 */

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'goodswipe-localstack-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const REDIS_URL = 'redis://redis.test:6379';
let jwksFile: string;
let jwks: JSONWebKeySet;
let stack: GoodSwipeLocalStack;
let resources: Record<string, TemplateResource>;

beforeAll(async () => {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'local', alg: 'ES256' }] };
  jwksFile = path.join(scratch, 'jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify(jwks));
  ({ stack } = buildLocalStackApp({ stage: 'test', context: { ...skipBundling, target: 'localstack', redisUrl: REDIS_URL, jwtJwksFile: jwksFile } }));
  resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, TemplateResource> }).Resources;
}, 120_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const ref = (id: string) => ({ Ref: id });
const idOf = (value: unknown) => {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return v.Ref ?? v['Fn::GetAtt']?.[0];
};
const entryOf = (resource: TemplateResource | undefined) => resource?.Metadata?.[ENTRY_METADATA_KEY] as string | undefined;
const variables = (resource: TemplateResource | undefined) => ((resource?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {});
const logicalId = (construct: { node: { defaultChild?: unknown } } | undefined) => {
  if (!construct) throw new Error('no such construct');
  return stack.getLogicalId(construct.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);
};
/** The function a Lambda ARN (an integration URI, a rule target) points to. */
const functionIdIn = (value: unknown): string | undefined => JSON.stringify(value).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/)?.[1];

describe('the coverage list (infra/localstack/coverage.json)', () => {
  const coverage = localStackCoverage();

  it('names its source and the date it was read for every type, allowed or left out', () => {
    for (const entry of [...coverage.allowed, ...coverage.excluded]) {
      expect(entry.source, entry.type).toMatch(/^https:\/\/(docs\.localstack\.cloud|github\.com\/localstack)\//);
      expect(entry.read, entry.type).toBe('2026-12-01');
    }
    const allowed = coverage.allowed.map((entry) => entry.type);
    expect(new Set(allowed).size).toBe(allowed.length);
    for (const entry of coverage.allowed) expect(coverage.excluded.some((x) => typeMatches(x.type, entry.type)), entry.type).toBe(false);
  });

  it('covers every resource type of the variant', () => {
    const types = [...new Set(Object.values(resources).map((r) => r.Type))].sort();
    const uncovered = types.filter((type) => !coverage.allowed.some((entry) => entry.type === type));
    expect(uncovered).toEqual([]);
  });

  it('keeps out what only a paid plan serves, or LocalStack only mocks', () => {
    const types = Object.values(resources).map((r) => r.Type);
    for (const paid of ['AWS::ApiGatewayV2::', 'AWS::ApiGateway::Authorizer', 'AWS::Cognito::', 'AWS::ElastiCache::', 'AWS::Pipes::', 'AWS::Scheduler::', 'AWS::EC2::', 'Custom::', 'AWS::CloudFormation::CustomResource', 'AWS::Events::Archive', 'AWS::CloudWatch::Dashboard']) {
      expect(types.filter((type) => type.startsWith(paid)), paid).toEqual([]);
    }
  });
});

describe('the target switch (-c target)', () => {
  it('builds the AWS stack by default and with target=aws, its template unchanged', () => {
    const { stack: aws } = buildTargetApp({ stage: 'test', context: { ...skipBundling, target: 'aws' } });
    expect(aws).toBeInstanceOf(GoodSwipeStack);
    expect(Template.fromStack(aws).toJSON()).toEqual(synthesizedStack().json);
  }, 60_000);

  it('builds the LocalStack variant with target=localstack', () => {
    const { stack: variant } = buildTargetApp({ stage: 'test', context: { ...skipBundling, target: 'localstack', jwtJwksFile: jwksFile } });
    expect(variant).toBeInstanceOf(GoodSwipeLocalStack);
    expect(variant.stackName).toBe('GoodSwipe-test');
  }, 60_000);

  it('refuses an unknown target, and a builder asked for the other target', () => {
    expect(() => buildTargetApp({ context: { target: 'gcp' } })).toThrow('unknown target "gcp": use -c target=aws or -c target=localstack');
    expect(() => buildApp({ context: { target: 'localstack' } })).toThrow(/use buildTargetApp/);
    expect(() => buildLocalStackApp({ context: { target: 'aws' } })).toThrow(/use buildTargetApp/);
  });
});

describe('settings from context', () => {
  const settings = (context: Record<string, unknown>) => localStackSettingsFromContext(new App({ context: { jwtJwksFile: jwksFile, ...context } }));

  it('defaults to a Redis on the host, LocalStack by its own name and the local issuer', () => {
    expect(settings({})).toEqual({
      redis: { url: 'redis://host.docker.internal:6379', cluster: false },
      endpoint: DEFAULT_LOCALSTACK_ENDPOINT,
      tokens: { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, jwks: { set: jwks } },
    });
  });

  it('takes a cluster-mode Redis and another issuer', () => {
    expect(settings({ redisCluster: 'true', jwtIssuer: 'https://idp.example', jwtAudience: 'app', jwtJwksUrl: 'https://idp.example/jwks.json' })).toMatchObject({
      redis: { cluster: true },
      tokens: { issuer: 'https://idp.example', audience: 'app', jwks: { url: 'https://idp.example/jwks.json' } },
    });
  });

  it('refuses what cannot work, saying what to give', () => {
    expect(() => settings({ redisUrl: 'http://redis:6379' })).toThrow(/invalid redisUrl .*redis or rediss URL/);
    expect(() => settings({ redisCluster: 'yes' })).toThrow(/invalid redisCluster/);
    expect(() => settings({ jwtJwksFile: path.join(scratch, 'missing.json') })).toThrow(/npm run localstack:sign-in/);
    const privateFile = path.join(scratch, 'private.json');
    fs.writeFileSync(privateFile, JSON.stringify({ keys: [{ ...jwks.keys[0], d: 'secret' }] }));
    expect(() => settings({ jwtJwksFile: privateFile })).toThrow(/private key/);
  });
});

describe('functions: the same code as on AWS', () => {
  const projectFunctions = () => ofType('AWS::Lambda::Function').filter(([, r]) => entryOf(r) !== undefined);

  it("builds every AWS function from the same entry, handler and runtime, plus the variant's two adapters", () => {
    const aws = synthesizedStack();
    expect(Object.keys(stack.functions).sort()).toEqual(
      [...Object.keys(aws.stack.functions), ...Object.values(localStackFunctions).map((spec) => spec.name)].sort(),
    );
    for (const [name, fn] of Object.entries(aws.stack.functions)) {
      const awsFunction = aws.json.Resources[aws.stack.getLogicalId(fn.node.defaultChild as Parameters<typeof stack.getLogicalId>[0])];
      const variantFunction = resources[logicalId(stack.functions[name])];
      expect(entryOf(variantFunction), name).toBe(entryOf(awsFunction));
      for (const property of ['Handler', 'Runtime', 'Architectures', 'MemorySize', 'Timeout']) {
        expect(variantFunction?.Properties[property], `${name} ${property}`).toEqual(awsFunction?.Properties[property]);
      }
      // The same wiring: the AWS variables, without ElastiCache's IAM sign-in, plus LocalStack's endpoints.
      const expected = Object.keys(variables(awsFunction)).filter((key) => key !== 'REDIS_IAM_CACHE');
      expect(Object.keys(variables(variantFunction)).sort(), name).toEqual([...expected, 'STEPFUNCTIONS_ENDPOINT'].sort());
    }
    expect(projectFunctions()).toHaveLength(Object.keys(stack.functions).length);
  });

  it("gives the Redis users the context's Redis, outside any VPC, without IAM sign-in", () => {
    const redisUsers = projectFunctions().filter(([, r]) => variables(r)['REDIS_URL'] !== undefined);
    expect(redisUsers.length).toBeGreaterThan(5);
    for (const [id, fn] of redisUsers) {
      expect(variables(fn), id).toMatchObject({ REDIS_URL: REDIS_URL, REDIS_CLUSTER: 'false', REDIS_KEY_PREFIX: 'goodswipe:test:' });
      expect(variables(fn)['REDIS_IAM_CACHE'], id).toBeUndefined();
    }
    for (const [id, fn] of projectFunctions()) {
      expect(fn.Properties.VpcConfig, id).toBeUndefined();
      expect(variables(fn), id).toMatchObject({ STEPFUNCTIONS_ENDPOINT: DEFAULT_LOCALSTACK_ENDPOINT });
    }
  });
});

describe('the API: a REST API through the edge function', () => {
  const edgeId = () => logicalId(stack.api.edge);
  const restApiId = () => only(ofType('AWS::ApiGateway::RestApi'), 'REST API')[0];

  /** Each method's `METHOD /path`, the path rebuilt from the resources' parents. */
  function methodKeys(): [key: string, method: TemplateResource][] {
    const pathOf = (resourceId: unknown): string => {
      if (JSON.stringify(resourceId) === JSON.stringify(getAtt(restApiId(), 'RootResourceId'))) return '';
      const resource = resources[idOf(resourceId)!]!;
      return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart as string}`;
    };
    return ofType('AWS::ApiGateway::Method').map(([, m]) => [`${m.Properties.HttpMethod as string} ${pathOf(m.Properties.ResourceId) || '/'}`, m]);
  }

  /** The edge's route table, function logical id by route key. */
  function routeTable(): Record<string, string> {
    const join = variables(resources[edgeId()])['ROUTE_FUNCTIONS'] as { 'Fn::Join': [string, unknown[]] };
    const text = join['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : idOf(part))).join('');
    return JSON.parse(text) as Record<string, string>;
  }

  it('has every route of routes.ts, ANY on their paths and on every other path for the fallback', () => {
    const keys = methodKeys().map(([key]) => key);
    expect(keys).toEqual(expect.arrayContaining([...routeKeys(), 'ANY /', 'ANY /{proxy+}', ...httpRoutes.map((route) => `ANY ${route.path}`)]));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sends every method, with no API Gateway authorizer (none in the free plan), to the edge function', () => {
    for (const [key, method] of methodKeys()) {
      expect(method.Properties, key).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' } });
      expect(functionIdIn((method.Properties.Integration as { Uri: unknown }).Uri), key).toBe(edgeId());
    }
    expect(entryOf(resources[edgeId()])).toBe(localStackFunctions.apiEdge.entry);
  });

  it('checks the bearer token on every route (none is public) against the configured issuer', () => {
    expect(variables(resources[edgeId()])).toMatchObject({ JWT_ISSUER: LOCAL_ISSUER, JWT_AUDIENCE: LOCAL_AUDIENCE, JWT_JWKS: JSON.stringify(jwks) });
    // The edge verifies before it looks the route up (shared/edge/forward.ts): every key of its table is behind the check.
    expect(Object.keys(routeTable()).sort()).toEqual([...routeKeys(), DEFAULT_ROUTE_KEY].sort());
  });

  it("hands each route to the function of the route's own entry, the rest to the fallback, and may invoke those only", () => {
    const table = routeTable();
    for (const route of httpRoutes) expect(entryOf(resources[table[`${route.method} ${route.path}`]!]), route.name).toBe(route.entry);
    expect(entryOf(resources[table[DEFAULT_ROUTE_KEY]!])).toBe(fallbackRoute.entry);

    const roleId = idOf(resources[edgeId()]?.Properties.Role);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
    const invoked = new Set(statements.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction')).flatMap((s) => [s.Resource].flat().map(functionIdIn)));
    expect([...invoked].sort()).toEqual([...new Set(Object.values(table))].sort());
  });

  it("fits the edge's environment in Lambda's 4 KB, with function names as long as CloudFormation makes them (64)", () => {
    const longest = 'f'.repeat(64);
    const text = (value: unknown): string => {
      if (typeof value === 'string') return value;
      const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      return join ? join[1].map(text).join(join[0]) : longest; // a Ref or GetAtt: a generated name
    };
    const size = Object.entries(variables(resources[edgeId()])).reduce((total, [name, value]) => total + name.length + text(value).length, 0);
    expect(size).toBeLessThan(4096);
  });

  it("lets API Gateway invoke the edge, and the edge only", () => {
    const permissions = ofType('AWS::Lambda::Permission').filter(([, p]) => p.Properties.Principal === 'apigateway.amazonaws.com');
    expect(permissions.map(([, p]) => idOf(p.Properties.FunctionName))).toEqual([edgeId()]);
  });

  it('keeps the HTTP API stage throttles, and the entry route its own', () => {
    const awsStage = only(awsResourcesOfType('AWS::ApiGatewayV2::Stage'), 'HTTP API stage')[1].Properties;
    const defaults = awsStage.DefaultRouteSettings as { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
    const entry = (awsStage.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>)['POST /tournaments/current/entries']!;
    const settings = only(ofType('AWS::ApiGateway::Stage'), 'REST stage')[1].Properties.MethodSettings as Record<string, unknown>[];
    expect(settings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: defaults.ThrottlingRateLimit, ThrottlingBurstLimit: defaults.ThrottlingBurstLimit }),
        expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1tournaments~1current~1entries', ThrottlingRateLimit: entry.ThrottlingRateLimit, ThrottlingBurstLimit: entry.ThrottlingBurstLimit }),
      ]),
    );
  });
});

describe('level-up events: stream -> publisher function -> bus, instead of the pipe', () => {
  const awsPipe = () => only(awsResourcesOfType('AWS::Pipes::Pipe'), 'pipe')[1].Properties;
  const publisherId = () => logicalId(stack.levelUpEvents.publisher);
  const tableId = () => logicalId(stack.table);
  const busId = () => logicalId(stack.levelUpEvents.bus);

  it("reads the table's stream as the pipe does: same position, batch, retries, filter; partial failures reported", () => {
    const stream = (awsPipe().SourceParameters as { DynamoDBStreamParameters: Record<string, unknown> }).DynamoDBStreamParameters;
    const [, mapping] = only(ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => idOf(m.Properties.FunctionName) === publisherId()), 'stream mapping');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: getAtt(tableId(), 'StreamArn'),
      StartingPosition: stream['StartingPosition'],
      BatchSize: stream['BatchSize'],
      MaximumRetryAttempts: stream['MaximumRetryAttempts'],
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: getAtt(logicalId(stack.levelUpEvents.publisherDeadLetterQueue)) } },
    });
    const filter = only((mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters, 'filter');
    expect(JSON.parse(filter.Pattern)).toEqual(levelUpEvents.pipeFilter);
  });

  it("puts the pipe's envelope on the game's bus: its input template, source and detail-type, PutEvents on that bus only", () => {
    const target = awsPipe().TargetParameters as { InputTemplate: string; EventBridgeEventBusParameters: { Source: string; DetailType: string } };
    expect(variables(resources[publisherId()])).toMatchObject({
      EVENT_BUS_NAME: ref(busId()),
      LEVEL_UP_DETAIL_TEMPLATE: target.InputTemplate,
      LEVEL_UP_SOURCE: target.EventBridgeEventBusParameters.Source,
      LEVEL_UP_DETAIL_TYPE: target.EventBridgeEventBusParameters.DetailType,
    });
    const roleId = idOf(resources[publisherId()]?.Properties.Role);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
    expect(statements.filter((s) => [s.Action].flat().includes('events:PutEvents')).map((s) => s.Resource)).toEqual([getAtt(busId())]);
    expect(resources[busId()]?.Properties.Name).toBe(only(awsResourcesOfType('AWS::Events::EventBus'), 'bus')[1].Properties.Name);
  });

  it('keeps bus -> rule -> queue -> ScoreLevelUps as on AWS', () => {
    const awsRule = only(awsResourcesOfType('AWS::Events::Rule'), 'AWS rule')[1].Properties;
    const [, rule] = only(ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern !== undefined), 'level-up rule');
    expect(rule.Properties.EventPattern).toEqual(awsRule.EventPattern);
    expect(rule.Properties.EventBusName).toEqual(ref(busId()));
    expect(idOf((rule.Properties.Targets as { Arn: unknown }[])[0]!.Arn)).toBe(logicalId(stack.levelUpEvents.queue));
    const [, consumerMapping] = only(ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => idOf(m.Properties.FunctionName) === logicalId(stack.levelUpEvents.consumer)), 'queue mapping');
    expect(consumerMapping.Properties.EventSourceArn).toEqual(getAtt(logicalId(stack.levelUpEvents.queue)));
    expect(entryOf(resources[logicalId(stack.levelUpEvents.consumer)])).toBe(levelUpEvents.consumer.entry);
  });
});

describe('schedules: EventBridge scheduled rules instead of Scheduler (mocked only on LocalStack)', () => {
  /** Job entry -> how it is scheduled, from the AWS Scheduler schedules and the variant's rules. */
  function awsSchedules(): Record<string, { expression: unknown; input: unknown; retry: unknown }> {
    const aws = synthesizedStack().json.Resources;
    return Object.fromEntries(
      awsResourcesOfType('AWS::Scheduler::Schedule').map(([, s]) => {
        const target = s.Properties.Target as { Arn: unknown; Input: string; RetryPolicy: unknown };
        return [entryOf(aws[functionIdIn(target.Arn)!]) ?? '', { expression: s.Properties.ScheduleExpression, input: JSON.parse(target.Input) as unknown, retry: target.RetryPolicy }];
      }),
    );
  }
  function variantRules(): Record<string, { expression: unknown; transformer: unknown; retry: unknown; deadLetter: unknown }> {
    return Object.fromEntries(
      ofType('AWS::Events::Rule')
        .filter(([, r]) => r.Properties.ScheduleExpression !== undefined)
        .map(([, r]) => {
          const target = only(r.Properties.Targets as { Arn: unknown; InputTransformer: unknown; RetryPolicy: unknown; DeadLetterConfig: unknown }[], 'rule target');
          return [entryOf(resources[functionIdIn(target.Arn)!]) ?? '', { expression: r.Properties.ScheduleExpression, transformer: target.InputTransformer, retry: target.RetryPolicy, deadLetter: target.DeadLetterConfig }];
        }),
    );
  }

  it('runs each job on the same expression, to the same function, with the same retries', () => {
    const aws = awsSchedules();
    const rules = variantRules();
    expect(Object.keys(rules).sort()).toEqual(scheduledJobs.map((job) => job.entry).sort());
    for (const [entry, schedule] of Object.entries(aws)) {
      expect(rules[entry], entry).toMatchObject({ expression: schedule.expression, retry: schedule.retry, deadLetter: { Arn: getAtt(logicalId(stack.schedules.deadLetterQueue)) } });
    }
  });

  it("gives the job its scheduled time as Scheduler does: { scheduledTime } from the event's time", () => {
    for (const [entry, schedule] of Object.entries(awsSchedules())) {
      expect(schedule.input, entry).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
      expect(variantRules()[entry]?.transformer, entry).toEqual({ InputPathsMap: { time: '$.time' }, InputTemplate: '{"scheduledTime":<time>}' });
    }
  });

  it("lets each rule invoke its job, and keeps the jobs' on-failure queue", () => {
    for (const job of scheduledJobs) {
      const functionId = logicalId(stack.schedules.functions[job.name]);
      expect(ofType('AWS::Lambda::Permission').filter(([, p]) => idOf(p.Properties.FunctionName) === functionId && p.Properties.Principal === 'events.amazonaws.com'), job.name).toHaveLength(1);
      const [, config] = only(ofType('AWS::Lambda::EventInvokeConfig').filter(([, c]) => idOf(c.Properties.FunctionName) === functionId), `${job.name} invoke config`);
      expect(config.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt(logicalId(stack.schedules.onFailureQueue)) } });
    }
  });
});

describe('outputs', () => {
  it("gives the API's LocalStack URL and the functions a deploy runs on AWS", () => {
    const outputs = (Template.fromStack(stack).toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs;
    expect(JSON.stringify(outputs['ApiUrl']?.Value)).toContain('.execute-api.localhost.localstack.cloud:4566/test/');
    for (const job of scheduledJobs.filter((spec) => spec.runOnDeploy)) {
      expect(outputs[`${job.name}Function`]?.Value, job.name).toEqual(ref(logicalId(stack.schedules.functions[job.name])));
    }
  });
});
