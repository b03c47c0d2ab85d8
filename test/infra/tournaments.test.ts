import { beforeAll, describe, expect, it } from 'vitest';
import { CACHE_PORT } from '../../infra/constructs/cache.ts';
import { ENTRY_METADATA_KEY } from '../../infra/constructs/lambda.ts';
import type { GoodSwipeStack } from '../../infra/stack.ts';
import { entrySagaSteps, scheduledJobs } from '../../infra/workloads.ts';
import { allFunctionSpecs } from '../../infra/function-specs.ts';
import { logicalIdOf, resourcesOfType, synthesizedStack } from '../support/synth.ts';
import { only, type PolicyStatement, type TemplateResource } from '../support/template.ts';


/** The parts of an ASL state these tests read. */
interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: unknown;
  readonly Next?: string;
  readonly End?: boolean;
  readonly TimeoutSeconds?: number;
  readonly Retry?: {
    ErrorEquals: string[];
    IntervalSeconds?: number;
    MaxAttempts?: number;
    BackoffRate?: number;
    JitterStrategy?: string;
  }[];
  readonly Catch?: { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}
interface Asl {
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: Record<string, AslState>;
}

let stack: GoodSwipeStack;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  ({ stack, json: { Resources: resources } } = synthesizedStack());
}, 60_000);

/** The logical id of the project function whose handler entry (goodswipe:entry metadata) is `entry`. */
function functionIdOfEntry(entry: string): string {
  const [id] = only(
    resourcesOfType('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.[ENTRY_METADATA_KEY] === entry),
    `function with entry ${entry}`,
  );
  return id;
}

function environmentOf(functionId: string): Record<string, unknown> {
  return (resources[functionId]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** The statements of the IAM policies attached to a role. */
function roleStatements(roleId: string): PolicyStatement[] {
  return resourcesOfType('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

function roleIdOf(resource: TemplateResource | undefined, property: string): string {
  return (resource?.Properties[property] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

const actionsOf = (s: PolicyStatement) => [s.Action].flat();
const getAttTarget = (value: unknown) => (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

/**
 * The state machine's ASL. DefinitionString is an Fn::Join of JSON text and references (the
 * functions' `Fn::GetAtt [id, Arn]`), each inside a JSON string: each reference becomes
 * `ref:<logicalId>`, so a Task's Resource names its function's logical id.
 */
function parseDefinition(definitionString: unknown): Asl {
  if (typeof definitionString === 'string') return JSON.parse(definitionString) as Asl;
  const [separator, parts] = (definitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      const id = ref.Ref ?? ref['Fn::GetAtt']?.[0];
      if (id === undefined) throw new Error(`unexpected part ${JSON.stringify(part)}`);
      return `ref:${id}`;
    })
    .join(separator);
  return JSON.parse(text) as Asl;
}

describe('entry saga (Step Functions)', () => {
  const sm = () =>
    only(
      resourcesOfType('AWS::StepFunctions::StateMachine').filter(([, r]) => r.Properties['StateMachineType'] === 'EXPRESS'),
      'express state machine',
    );
  const definition = () => parseDefinition(sm()[1].Properties.DefinitionString);
  const steps = Object.values(entrySagaSteps);
  const taskNames = steps.map((s) => s.name);

  it('is one EXPRESS state machine named for the stage, traced, logging ALL with execution data', () => {
    const [, machine] = sm();
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'EXPRESS',
      StateMachineName: 'good-swipe-test-entry',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
    const destinations = (machine.Properties.LoggingConfiguration as {
      Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: unknown } }[];
    }).Destinations;
    const logGroupId = getAttTarget(only(destinations, 'log destination').CloudWatchLogsLogGroup.LogGroupArn);
    expect(resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[logGroupId]?.Properties.RetentionInDays).toBe(30);
  });

  it('times the whole execution out after 25 s, before the 29 s saga starter gives up', () => {
    expect(definition().TimeoutSeconds).toBe(25);
  });

  it('has exactly the saga states, in the order ValidateEntry -> ReserveCoins -> JoinGroup -> ConfirmReservation -> EntrySucceeded', () => {
    const asl = definition();
    expect(Object.keys(asl.States).sort()).toEqual(
      [
        'ValidateEntry',
        'ReserveCoins',
        'JoinGroup',
        'ConfirmReservation',
        'RefundReservation',
        'EntrySucceeded',
        'EntryFailed',
      ].sort(),
    );
    const path: string[] = [];
    for (let name: string | undefined = asl.StartAt; name !== undefined; name = asl.States[name]?.Next) path.push(name);
    expect(path).toEqual(['ValidateEntry', 'ReserveCoins', 'JoinGroup', 'ConfirmReservation', 'EntrySucceeded']);
    expect(asl.States.EntrySucceeded?.Type).toBe('Succeed');
  });

  it('compensates with RefundReservation, then fails as EntryFailed with the original error and cause', () => {
    const { States } = definition();
    expect(States.RefundReservation).toMatchObject({ Type: 'Task', Next: 'EntryFailed' });
    expect(States.EntryFailed).toEqual({ Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' });
  });

  it.each(['JoinGroup', 'ConfirmReservation'])('catches any error of %s into $.failure -> RefundReservation', (name) => {
    expect(definition().States[name]?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RefundReservation' },
    ]);
  });

  it.each(['ValidateEntry', 'ReserveCoins', 'RefundReservation'])(
    'lets an error of %s fail the execution (no Catch: nothing to compensate)',
    (name) => {
      expect(definition().States[name]?.Catch).toBeUndefined();
    },
  );

  it('has a Task for every step and no other Task', () => {
    const tasks = Object.entries(definition().States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual([...taskNames].sort());
  });

  it.each(steps.map((s) => [s.name, s] as const))(
    '%s invokes its step function directly (Resource = function ARN, output = its return value)',
    (name, step) => {
      const state = definition().States[name];
      expect(state?.Resource).toBe(`ref:${functionIdOfEntry(step.entry)}`);
      expect(state?.Parameters).toBeUndefined();
    },
  );

  it('gives every Task a timeout above its function timeout, and one Retry on transient and Lambda service errors', () => {
    const tasks = Object.entries(definition().States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      expect(state.TimeoutSeconds, name).toBeTypeOf('number');
      const functionId = state.Resource!.replace(/^ref:/, '');
      expect(state.TimeoutSeconds!, name).toBeGreaterThan(resources[functionId]?.Properties.Timeout as number);
      const retry = only(state.Retry ?? [], `Retry of ${name}`);
      expect(retry.ErrorEquals, name).toEqual(
        expect.arrayContaining([
          'TransientError',
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
          'Lambda.TooManyRequestsException',
          'States.Timeout',
        ]),
      );
      // A contract rejection (LEVEL_TOO_LOW, ...) must not be retried.
      expect(retry.ErrorEquals, name).not.toContain('States.ALL');
      expect(retry, name).toMatchObject({ MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(Number.isInteger(retry.IntervalSeconds) && retry.IntervalSeconds! >= 1, name).toBe(true);
    }
  });

  it('lets the state machine invoke exactly the five step functions', () => {
    const roleId = roleIdOf(sm()[1], 'RoleArn');
    const invoked = roleStatements(roleId)
      .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
      .flatMap((s) => [s.Resource].flat())
      .map((r) => JSON.stringify(r).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/)?.[1]);
    expect(new Set(invoked)).toEqual(new Set(steps.map((s) => functionIdOfEntry(s.entry))));
  });

  it('is started only by EnterTournament, with states:StartSyncExecution on this state machine only', () => {
    const [smId] = sm();
    const starters = allFunctionSpecs.filter((f) => f.startsEntrySaga);
    expect(starters.map((f) => f.name)).toEqual(['EnterTournament']);
    for (const spec of allFunctionSpecs) {
      const functionId = functionIdOfEntry(spec.entry);
      const env = environmentOf(functionId);
      // Statements on this state machine (the seal workflow's starter is checked with it).
      const stateStatements = roleStatements(roleIdOf(resources[functionId], 'Role')).filter(
        (s) => actionsOf(s).some((a) => a.startsWith('states:')) && JSON.stringify(s.Resource) === JSON.stringify({ Ref: smId }),
      );
      if (spec.startsEntrySaga) {
        expect(env.ENTRY_SAGA_ARN, spec.name).toEqual({ Ref: smId });
        expect(stateStatements, spec.name).toEqual([
          { Effect: 'Allow', Action: 'states:StartSyncExecution', Resource: { Ref: smId } },
        ]);
      } else {
        expect(env.ENTRY_SAGA_ARN, spec.name).toBeUndefined();
        expect(stateStatements, spec.name).toEqual([]);
      }
    }
  });
});

describe('schedules (EventBridge Scheduler)', () => {
  const schedules = () => resourcesOfType('AWS::Scheduler::Schedule');

  it('has one schedule per scheduled job', () => {
    expect(schedules()).toHaveLength(scheduledJobs.length);
  });

  it.each(scheduledJobs.map((j) => [j.name, j] as const))(
    '%s runs on its exact expression in UTC, on time, with the scheduled time as input',
    (_name, job) => {
      const functionId = functionIdOfEntry(job.entry);
      const [, schedule] = only(
        schedules().filter(([, s]) => getAttTarget((s.Properties.Target as { Arn: unknown }).Arn) === functionId),
        `schedule of ${job.name}`,
      );
      expect(schedule.Properties).toMatchObject({
        ScheduleExpression: job.schedule,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
      });
      expect(schedule.Properties.ScheduleExpressionTimezone).toMatch(/^(Etc\/)?UTC$/);
      const target = schedule.Properties.Target as {
        Input: string;
        RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
        DeadLetterConfig: { Arn: unknown };
        RoleArn: unknown;
      };
      expect(target.Input).toContain('<aws.scheduler.scheduled-time>');
      expect(JSON.parse(target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(3600);

      const queue = resources[getAttTarget(target.DeadLetterConfig.Arn)];
      expect(queue?.Type).toBe('AWS::SQS::Queue');
      expect(queue?.Properties.SqsManagedSseEnabled ?? queue?.Properties.KmsMasterKeyId).toBeTruthy();

      // The schedule's role may invoke this job's function (and its qualifiers) and nothing else.
      const statements = roleStatements(getAttTarget(target.RoleArn));
      const invoked = statements
        .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
        .flatMap((s) => [s.Resource].flat())
        .map((r) => JSON.stringify(r).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/)?.[1]);
      expect(new Set(invoked)).toEqual(new Set([functionId]));
      const other = statements.flatMap(actionsOf).filter((a) => a !== 'lambda:InvokeFunction' && !a.startsWith('sqs:'));
      expect(other).toEqual([]);
    },
  );

  it("refuses the dead-letter queue's non-TLS requests", () => {
    const queueId = logicalIdOf(stack.schedules.deadLetterQueue);
    const policies = resourcesOfType('AWS::SQS::QueuePolicy').filter(([, p]) =>
      (p.Properties.Queues as { Ref: string }[]).some((q) => q.Ref === queueId),
    );
    const statements = only(policies, 'queue policy')[1].Properties.PolicyDocument as { Statement: unknown[] };
    expect(statements.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('runs CreateTournament and WatchLeaderboards on deploy (CDK Triggers on their current versions), after the table exists', () => {
    const triggered = scheduledJobs.filter((j) => j.runOnDeploy);
    expect(triggered.map((j) => j.name)).toEqual(['CreateTournament', 'WatchLeaderboards']);
    const triggers = resourcesOfType('Custom::Trigger');
    expect(triggers).toHaveLength(triggered.length);
    const triggeredFunctions = triggers.map(([, trigger]) => {
      const version = resources[(trigger.Properties.HandlerArn as { Ref: string }).Ref];
      expect(version?.Type).toBe('AWS::Lambda::Version');
      expect(trigger.Properties).toMatchObject({ ExecuteOnHandlerChange: true, InvocationType: 'RequestResponse' });
      expect(trigger.DependsOn).toContain(logicalIdOf(stack.table));
      return version?.Properties.FunctionName;
    });
    expect(triggeredFunctions).toEqual(triggered.map((job) => ({ Ref: functionIdOfEntry(job.entry) })));
  });
});

describe('leaderboard cache (ElastiCache Serverless in an isolated VPC)', () => {
  const cache = () => only(resourcesOfType('AWS::ElastiCache::ServerlessCache'), 'serverless cache');
  const isolatedSubnets = () => (cache()[1].Properties.SubnetIds as { Ref: string }[]).map((s) => s.Ref);
  const clientSecurityGroupId = () => logicalIdOf(stack.cache.clientSecurityGroup);

  it('is a Valkey 8 serverless cache in two subnets of the VPC', () => {
    expect(cache()[1].Properties).toMatchObject({ Engine: 'valkey', MajorEngineVersion: '8' });
    expect(isolatedSubnets()).toHaveLength(2);
    for (const subnetId of isolatedSubnets()) {
      expect(resources[subnetId]?.Type).toBe('AWS::EC2::Subnet');
      expect(resources[subnetId]?.Properties.MapPublicIpOnLaunch).toBe(false);
    }
  });

  it('lives in a VPC without internet: no NAT, no internet gateway; DynamoDB through a gateway endpoint; flow logs on', () => {
    expect(resourcesOfType('AWS::EC2::VPC')).toHaveLength(1);
    expect(resourcesOfType('AWS::EC2::NatGateway')).toEqual([]);
    expect(resourcesOfType('AWS::EC2::InternetGateway')).toEqual([]);
    expect(resourcesOfType('AWS::EC2::Subnet')).toHaveLength(2);
    const [, endpoint] = only(resourcesOfType('AWS::EC2::VPCEndpoint'), 'VPC endpoint');
    expect(endpoint.Properties.VpcEndpointType).toBe('Gateway');
    expect(JSON.stringify(endpoint.Properties.ServiceName)).toContain('.dynamodb');
    const [, flowLog] = only(resourcesOfType('AWS::EC2::FlowLog'), 'flow log');
    expect(flowLog.Properties).toMatchObject({ ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it('accepts the Redis port from the client security group only', () => {
    const cacheGroups = (cache()[1].Properties.SecurityGroupIds as unknown[]).map(getAttTarget);
    const cacheGroupId = only(cacheGroups, 'cache security group');
    const ingress = resourcesOfType('AWS::EC2::SecurityGroupIngress').filter(
      ([, rule]) => getAttTarget(rule.Properties.GroupId) === cacheGroupId,
    );
    expect(ingress.map(([, r]) => r.Properties)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: CACHE_PORT,
        ToPort: CACHE_PORT,
        SourceSecurityGroupId: { 'Fn::GetAtt': [clientSecurityGroupId(), 'GroupId'] },
      }),
    ]);
    expect(resources[cacheGroupId]?.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it.each(allFunctionSpecs.map((f) => [f.name, f] as const))(
    '%s runs in the VPC with REDIS_URL and REDIS_KEY_PREFIX if and only if it uses Redis',
    (name, spec) => {
      const functionId = functionIdOfEntry(spec.entry);
      const fn = resources[functionId]!;
      const env = environmentOf(functionId);
      if (!spec.usesRedis) {
        expect(fn.Properties.VpcConfig, name).toBeUndefined();
        expect(env.REDIS_URL, name).toBeUndefined();
        expect(env.REDIS_KEY_PREFIX, name).toBeUndefined();
        expect(env.REDIS_IAM_CACHE, name).toBeUndefined();
        return;
      }
      const [cacheId] = cache();
      expect(fn.Properties.VpcConfig).toEqual({
        SecurityGroupIds: [{ 'Fn::GetAtt': [clientSecurityGroupId(), 'GroupId'] }],
        SubnetIds: isolatedSubnets().map((id) => ({ Ref: id })),
      });
      // TLS, as the cache's IAM-enabled user (the function signs its token for REDIS_IAM_CACHE).
      expect(env.REDIS_URL).toEqual({
        'Fn::Join': [
          '',
          [
            'rediss://good-swipe-test@',
            { 'Fn::GetAtt': [cacheId, 'Endpoint.Address'] },
            ':',
            { 'Fn::GetAtt': [cacheId, 'Endpoint.Port'] },
          ],
        ],
      });
      expect(env.REDIS_IAM_CACHE).toBe('good-swipe-test');
      expect(env.REDIS_KEY_PREFIX).toBe('goodswipe:test:');
    },
  );

  it('puts JoinGroup in the VPC (it hands out seats with Redis)', () => {
    expect(entrySagaSteps.join.usesRedis).toBe(true);
    expect(resources[functionIdOfEntry(entrySagaSteps.join.entry)]?.Properties.VpcConfig).toBeDefined();
  });

  it('keeps the state machine and the API outside the VPC', () => {
    const vpcFunctions = resourcesOfType('AWS::Lambda::Function').filter(([, r]) => r.Properties.VpcConfig);
    expect(vpcFunctions.map(([, r]) => r.Metadata?.[ENTRY_METADATA_KEY]).sort()).toEqual(
      allFunctionSpecs
        .filter((f) => f.usesRedis)
        .map((f) => f.entry)
        .sort(),
    );
  });
});
