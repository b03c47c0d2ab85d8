import { beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_METADATA_KEY } from '../../infra/constructs/lambda.ts';
import { CONSUMER_MAX_CONCURRENCY } from '../../infra/constructs/level-up-events.ts';
import { httpRoutes } from '../../infra/routes.ts';
import type { GoodSwipeStack } from '../../infra/stack.ts';
import { levelUpEvents, maintenanceJobs, scheduledJobs } from '../../infra/workloads.ts';
import { logicalIdOf, resourcesOfType, synthesizedStack } from '../support/synth.ts';
import { only, type PolicyStatement, type TemplateResource } from '../support/template.ts';

let stack: GoodSwipeStack;
let template: Record<string, unknown>;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  ({ stack, json: template } = synthesizedStack());
  resources = template.Resources as Record<string, TemplateResource>;
}, 60_000);

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const getAttTarget = (value: unknown) => (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const actionsOf = (s: PolicyStatement) => [s.Action].flat();

/** The statements of the IAM policies attached to a role (and of its inline policies). */
function roleStatements(roleId: string): PolicyStatement[] {
  const attached = resourcesOfType('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
  const inline = (resources[roleId]?.Properties.Policies ?? []) as { PolicyDocument: { Statement: PolicyStatement[] } }[];
  return [...attached, ...inline.flatMap((p) => p.PolicyDocument.Statement)];
}

/** The statements of a project function's execution role. */
function functionRoleStatements(functionId: string): PolicyStatement[] {
  return roleStatements(getAttTarget(resources[functionId]?.Properties.Role));
}

function environmentOf(functionId: string): Record<string, unknown> {
  return (resources[functionId]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

const tableId = () => logicalIdOf(stack.table);
const busId = () => logicalIdOf(stack.levelUpEvents.bus);
const queueId = () => logicalIdOf(stack.levelUpEvents.queue);
const deadLetterQueueId = () => logicalIdOf(stack.levelUpEvents.deadLetterQueue);
const pipeDeadLetterQueueId = () => logicalIdOf(stack.levelUpEvents.pipeDeadLetterQueue);
const consumerId = () => logicalIdOf(stack.functions[levelUpEvents.consumer.name]);

describe('level-up outbox: stream -> EventBridge Pipe -> bus', () => {
  const pipe = () => only(resourcesOfType('AWS::Pipes::Pipe'), 'pipe')[1];

  it('has one custom event bus named good-swipe-<stage>', () => {
    const [id, bus] = only(resourcesOfType('AWS::Events::EventBus'), 'event bus');
    expect(id).toBe(busId());
    expect(bus.Properties.Name).toBe('good-swipe-test');
  });

  it("reads the table's stream from the trim horizon, 10 records a batch, bisecting failed batches into a DLQ", () => {
    expect(pipe().Properties.Source).toEqual(getAtt(tableId(), 'StreamArn'));
    const source = pipe().Properties.SourceParameters as { DynamoDBStreamParameters: Record<string, unknown> };
    expect(source.DynamoDBStreamParameters).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
      DeadLetterConfig: { Arn: getAtt(pipeDeadLetterQueueId()) },
    });
    const retries = source.DynamoDBStreamParameters.MaximumRetryAttempts;
    expect(typeof retries === 'number' && retries >= 0).toBe(true);
    expect(resources[pipeDeadLetterQueueId()]?.Type).toBe('AWS::SQS::Queue');
  });

  it('lets through exactly the filter of workloads.ts (new LEVELUP outbox items)', () => {
    const { FilterCriteria } = pipe().Properties.SourceParameters as {
      FilterCriteria: { Filters: { Pattern: string }[] };
    };
    const filter = only(FilterCriteria.Filters, 'pipe filter');
    expect(JSON.parse(filter.Pattern)).toEqual(levelUpEvents.pipeFilter);
  });

  it('puts UserLeveledUp events on the bus, their detail shaped by the input template', () => {
    expect(pipe().Properties.Target).toEqual(getAtt(busId()));
    expect(pipe().Properties.TargetParameters).toEqual({
      InputTemplate: levelUpEvents.pipeInputTemplate,
      EventBridgeEventBusParameters: { Source: levelUpEvents.source, DetailType: levelUpEvents.detailType },
    });
  });

  it('runs with a role of its own, for pipes.amazonaws.com of this account only', () => {
    const roleId = getAttTarget(pipe().Properties.RoleArn);
    const role = resources[roleId];
    expect(role?.Type).toBe('AWS::IAM::Role');
    const trust = (role?.Properties.AssumeRolePolicyDocument as { Statement: PolicyStatement[] }).Statement;
    expect(only(trust, 'trust statement')).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'pipes.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    // The pipe checks its role when it is created: the policy must come first.
    const [policyId] = only(
      resourcesOfType('AWS::IAM::Policy').filter(([, p]) =>
        (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
      ),
      'pipe role policy',
    );
    expect(only(resourcesOfType('AWS::Pipes::Pipe'), 'pipe')[1].DependsOn).toContain(policyId);
  });

  it('lets the pipe read this stream, put events on this bus only and send to its DLQ only: nothing else', () => {
    const statements = roleStatements(getAttTarget(pipe().Properties.RoleArn));
    const byAction = new Map<string, unknown[]>();
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      for (const action of actionsOf(s)) byAction.set(action, [...(byAction.get(action) ?? []), ...[s.Resource].flat()]);
    }
    expect(new Set(byAction.keys())).toEqual(
      new Set([
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'events:PutEvents',
        'sqs:SendMessage',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]),
    );
    for (const action of ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']) {
      expect(byAction.get(action), action).toEqual([getAtt(tableId(), 'StreamArn')]);
    }
    expect(byAction.get('events:PutEvents')).toEqual([getAtt(busId())]);
    expect(byAction.get('sqs:SendMessage')).toEqual([getAtt(pipeDeadLetterQueueId())]);
    const pipeLogGroup = getAtt(logicalIdOf(stack.levelUpEvents.pipeLogGroup));
    expect(byAction.get('logs:CreateLogStream')).toEqual([pipeLogGroup]);
    expect(byAction.get('logs:PutLogEvents')).toEqual([pipeLogGroup]);
  });
});

describe('level-up outbox: bus -> rule -> queue -> ScoreLevelUps', () => {
  const rule = () => only(resourcesOfType('AWS::Events::Rule'), 'event rule')[1];

  it('routes UserLeveledUp on the game bus with exactly its source and detail-type', () => {
    expect(rule().Properties).toMatchObject({ EventBusName: { Ref: busId() }, State: 'ENABLED' });
    expect(rule().Properties.EventPattern).toEqual({
      source: [levelUpEvents.source],
      'detail-type': [levelUpEvents.detailType],
    });
  });

  it('targets the level-up queue (the whole event as the message), undeliverable events to the DLQ', () => {
    const targets = rule().Properties.Targets as Record<string, unknown>[];
    const target = only(targets, 'rule target');
    expect(target.Arn).toEqual(getAtt(queueId()));
    expect(target.Input ?? target.InputPath ?? target.InputTransformer).toBeUndefined();
    expect(target.DeadLetterConfig).toEqual({ Arn: getAtt(deadLetterQueueId()) });
  });

  it('lets only this rule send to the queue', () => {
    const statements = resourcesOfType('AWS::SQS::QueuePolicy')
      .filter(([, p]) => (p.Properties.Queues as { Ref: string }[]).some((q) => q.Ref === queueId()))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement)
      .filter((s) => s.Effect === 'Allow');
    expect(only(statements, 'allow statement')).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { ArnEquals: { 'aws:SourceArn': getAtt(only(resourcesOfType('AWS::Events::Rule'), 'rule')[0]) } },
      Resource: getAtt(queueId()),
    });
  });

  it('moves a message to the DLQ after 5 receives, and hides it 6x the consumer timeout while it is processed', () => {
    const queue = resources[queueId()]!;
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt(deadLetterQueueId()), maxReceiveCount: 5 });
    const consumerTimeout = resources[consumerId()]?.Properties.Timeout as number;
    expect(queue.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * consumerTimeout);
  });

  it('encrypts every queue (SQS-managed) and refuses its non-TLS requests', () => {
    const queues = resourcesOfType('AWS::SQS::Queue');
    expect(queues.map(([id]) => id)).toEqual(
      expect.arrayContaining([queueId(), deadLetterQueueId(), pipeDeadLetterQueueId()]),
    );
    for (const [id, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
      const statements = resourcesOfType('AWS::SQS::QueuePolicy')
        .filter(([, p]) => (p.Properties.Queues as { Ref: string }[]).some((q) => q.Ref === id))
        .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
      expect(statements, id).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('feeds ScoreLevelUps from the queue in batches of 10, reporting partial batch failures', () => {
    const [, mapping] = only(resourcesOfType('AWS::Lambda::EventSourceMapping'), 'event source mapping');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: getAtt(queueId()),
      FunctionName: { Ref: consumerId() },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBe(1);
    // A backlog cannot take the account's concurrency from the entry saga.
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: CONSUMER_MAX_CONCURRENCY });
    expect(resources[consumerId()]?.Metadata?.[ENTRY_METADATA_KEY]).toBe(levelUpEvents.consumer.entry);
  });

  it('runs ScoreLevelUps in the cache VPC with REDIS_URL, the table name and exactly its table actions', () => {
    const fn = resources[consumerId()]!;
    expect(fn.Properties.VpcConfig).toBeDefined();
    const env = environmentOf(consumerId());
    expect(env.REDIS_URL).toBeDefined();
    expect(env.REDIS_KEY_PREFIX).toBe('goodswipe:test:');
    expect(env.TABLE_NAME).toEqual({ Ref: tableId() });
    const actions = functionRoleStatements(consumerId()).flatMap(actionsOf);
    expect(new Set(actions.filter((a) => a.startsWith('dynamodb:')))).toEqual(new Set(levelUpEvents.consumer.tableActions));
  });

  it('lets ScoreLevelUps consume the level-up queue and no other', () => {
    const sqsStatements = functionRoleStatements(consumerId()).filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')));
    expect(sqsStatements.length).toBeGreaterThan(0);
    for (const s of sqsStatements) expect([s.Resource].flat()).toEqual([getAtt(queueId())]);
    const actions = new Set(sqsStatements.flatMap(actionsOf));
    expect(actions).toContain('sqs:ReceiveMessage');
    expect(actions).toContain('sqs:DeleteMessage');
    expect(actions).not.toContain('sqs:SendMessage');
  });

  it('outputs the event bus name and the level-up queue URL', () => {
    const outputs = template.Outputs as Record<string, { Value: unknown }>;
    expect(outputs.EventBusName?.Value).toEqual({ Ref: busId() });
    expect(outputs.LevelUpQueueUrl?.Value).toEqual({ Ref: queueId() });
  });
});

describe('maintenance jobs', () => {
  it.each(maintenanceJobs.map((j) => [j.name, j] as const))(
    '%s is a 300 s function with exactly its table actions, run on demand only',
    (name, job) => {
      const id = logicalIdOf(stack.functions[name]);
      const fn = resources[id]!;
      expect(fn.Metadata?.[ENTRY_METADATA_KEY]).toBe(job.entry);
      expect(fn.Properties.Timeout).toBe(300);
      const actions = functionRoleStatements(id).flatMap(actionsOf);
      expect(new Set(actions.filter((a) => a.startsWith('dynamodb:')))).toEqual(new Set(job.tableActions));
      const targets = resourcesOfType('AWS::Scheduler::Schedule').map(([, s]) =>
        getAttTarget((s.Properties.Target as { Arn: unknown }).Arn),
      );
      expect(targets).not.toContain(id);
    },
  );

  it('has ScanProfilesSegment scan the table (only dynamodb:Scan) and write Redis from the VPC; RebuildLeaderboards only starts the workflow', () => {
    const id = logicalIdOf(stack.functions.ScanProfilesSegment);
    const dynamodbStatements = functionRoleStatements(id).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamodbStatements.flatMap(actionsOf)).toEqual(['dynamodb:Scan']);
    expect(dynamodbStatements.flatMap((s) => [s.Resource].flat())).toEqual([
      getAtt(tableId()),
      { 'Fn::Join': ['', [getAtt(tableId()), '/index/*']] },
    ]);
    expect(resources[id]?.Properties.VpcConfig).toBeDefined();
    expect(environmentOf(id).REDIS_URL).toBeDefined();
    const job = logicalIdOf(stack.functions.RebuildLeaderboards);
    expect(functionRoleStatements(job).flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    expect(resources[job]?.Properties.VpcConfig).toBeUndefined();
  });
});

describe('scores and leaderboards routes', () => {
  const newRoutes = [
    'GetGroupLeaderboard',
    'GetGroupRank',
    'ClaimReward',
    'GetMyTournaments',
    'GetGlobalLeaderboard',
    'GetGlobalRank',
  ] as const;

  it.each(newRoutes)('%s is served behind the JWT authorizer by its own function with exactly its table actions', (name) => {
    const spec = only(
      httpRoutes.filter((r) => r.name === name),
      `route ${name}`,
    );
    const [authorizerId] = only(resourcesOfType('AWS::ApiGatewayV2::Authorizer'), 'authorizer');
    const [, route] = only(
      resourcesOfType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === `${spec.method} ${spec.path}`),
      `route ${name}`,
    );
    expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });

    const target = route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    const integration = resources[target['Fn::Join'][1][1].Ref];
    const functionId = getAttTarget(integration?.Properties.IntegrationUri);
    expect(functionId).toBe(logicalIdOf(stack.functions[name]));
    expect(resources[functionId]?.Metadata?.[ENTRY_METADATA_KEY]).toBe(spec.entry);

    const actions = functionRoleStatements(functionId).flatMap(actionsOf);
    expect(new Set(actions.filter((a) => a.startsWith('dynamodb:')))).toEqual(new Set(spec.tableActions));
    // Besides the table: X-Ray, and elasticache:Connect exactly when it uses Redis (tournaments.test.ts checks on what).
    expect(actions.filter((a) => !a.startsWith('dynamodb:') && !a.startsWith('xray:'))).toEqual(spec.usesRedis ? ['elasticache:Connect'] : []);
    expect(resources[functionId]?.Properties.VpcConfig !== undefined).toBe(spec.usesRedis === true);
  });
});

/** A Standard state machine of the stack by name (the seal and the rebuild workflows). */
function standardMachine(name: string): [string, TemplateResource] {
  return only(
    resourcesOfType('AWS::StepFunctions::StateMachine').filter(
      ([, r]) => r.Properties['StateMachineType'] === 'STANDARD' && r.Properties['StateMachineName'] === name,
    ),
    `standard state machine ${name}`,
  );
}

/** A state machine's ASL (function ARNs in its Fn::Join only matter to the local stack's resolver). */
function definitionOf(resource: TemplateResource): { StartAt: string; TimeoutSeconds: number; States: Record<string, Record<string, any>> } {
  const parts = (resource.Properties['DefinitionString'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'ARN')).join(''));
}

describe('leaderboard rebuild: the rebuild workflow', () => {
  it('is started by RebuildLeaderboards only (states:StartExecution on it), and scans 16 segments then rebuilds group batches', () => {
    const [rebuildId, machine] = standardMachine('good-swipe-test-rebuild');
    const jobId = logicalIdOf(stack.functions.RebuildLeaderboards);
    const starts = functionRoleStatements(jobId).filter((s) => actionsOf(s).includes('states:StartExecution'));
    expect(starts.map((s) => s.Resource)).toEqual([{ Ref: rebuildId }]);
    const states = definitionOf(machine).States;
    expect(definitionOf(machine).StartAt).toBe('BeginRebuild');
    expect(states['RebuildGlobal']).toMatchObject({ Type: 'Map', ItemsPath: '$.plan.segments', MaxConcurrency: 16, Next: 'CommitGlobalRebuild' });
    // Each segment loops its scan until it is read: no invocation runs the whole scan.
    expect(states['RebuildGlobal']!['ItemProcessor'].States['SegmentDone']).toMatchObject({
      Type: 'Choice',
      Default: 'ScanProfilesSegment',
      Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'SegmentScanned' }],
    });
    expect(states['CommitGlobalRebuild']).toMatchObject({ Type: 'Task', Next: 'RebuildGroups' });
    expect(states['RebuildGroups']).toMatchObject({ Type: 'Map', ItemsPath: '$.plan.groupBatches', MaxConcurrency: 40 });
  });
});

describe('tournament close: the seal workflow', () => {
  const sealMachine = () => standardMachine('good-swipe-test-seal');

  it('starts the seal at 00:00 UTC (01:00 and 02:00 only retry a failed start), with states:StartExecution on the seal workflow only', () => {
    const job = only(scheduledJobs.filter((j) => j.name === 'CloseTournament'), 'CloseTournament job');
    const functionId = logicalIdOf(stack.functions.CloseTournament);
    const [, schedule] = only(
      resourcesOfType('AWS::Scheduler::Schedule').filter(([, s]) => getAttTarget((s.Properties.Target as { Arn: unknown }).Arn) === functionId),
      'schedule of CloseTournament',
    );
    expect(job.schedule).toBe('cron(0 0-2 * * ? *)');
    expect(schedule.Properties.ScheduleExpression).toBe('cron(0 0-2 * * ? *)');
    const [sealId] = sealMachine();
    const starts = functionRoleStatements(functionId).filter((s) => actionsOf(s).includes('states:StartExecution'));
    expect(starts.map((s) => s.Resource)).toEqual([{ Ref: sealId }]);
    const env = (resources[functionId]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env['SEAL_WORKFLOW_ARN']).toEqual({ Ref: sealId });
  });

  it('is a STANDARD state machine: CheckScores / WaitForScores loop, then PlanSeal, a Map of 10 at once over batches, FinishSeal', () => {
    const [, machine] = sealMachine();
    expect(machine.Properties).toMatchObject({ StateMachineName: 'good-swipe-test-seal', TracingConfiguration: { Enabled: true } });
    const definition = definitionOf(machine);
    expect(definition.StartAt).toBe('CheckScores');
    expect(definition.TimeoutSeconds).toBe(3 * 60 * 60);
    const states = definition.States;
    expect(states['CheckScores']).toMatchObject({ Type: 'Task', ResultPath: '$.check', Next: 'ScoresReady' });
    expect(states['ScoresReady']).toMatchObject({ Type: 'Choice', Default: 'WaitForScores', Choices: [{ Variable: '$.check.ready', BooleanEquals: true, Next: 'AlreadyClosed' }] });
    expect(states['WaitForScores']).toMatchObject({ Type: 'Wait', SecondsPath: '$.check.waitSeconds', Next: 'CheckScores' });
    expect(states['AlreadyClosed']).toMatchObject({ Type: 'Choice', Default: 'PlanSeal' });
    expect(states['PlanSeal']).toMatchObject({ Type: 'Task', ResultPath: '$.plan', Next: 'SealGroups' });
    expect(states['SealGroups']).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.plan.batches',
      MaxConcurrency: 10,
      ResultPath: '$.batches',
      Next: 'FinishSeal',
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'SealGroupBatch' },
    });
    expect(states['FinishSeal']).toMatchObject({ Type: 'Task', Next: 'Sealed' });
  });

  it('gives every seal Task a timeout above its function timeout and a Retry that includes a Lambda timeout (a retried worker skips sealed groups)', () => {
    const [, machine] = sealMachine();
    const states = definitionOf(machine).States;
    const tasks = { ...states, ...states['SealGroups']!['ItemProcessor'].States } as Record<string, Record<string, any>>;
    for (const name of ['CheckScores', 'PlanSeal', 'SealGroupBatch', 'FinishSeal']) {
      const task = tasks[name]!;
      const fn = resources[logicalIdOf(stack.functions[name])]!;
      expect(task['TimeoutSeconds'], name).toBeGreaterThan(fn.Properties.Timeout as number);
      expect(task['Retry'][0].ErrorEquals, name).toEqual(expect.arrayContaining(['Sandbox.Timedout', 'TransientError', 'Lambda.ServiceException']));
    }
  });

  it('logs to a vended-logs group, as Step Functions needs for its log delivery', () => {
    const [, machine] = sealMachine();
    const logGroupRef = (machine.Properties.LoggingConfiguration as { Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: unknown } }[] })
      .Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn;
    const logGroupId = getAttTarget(logGroupRef);
    expect(resources[logGroupId]!.Properties.LogGroupName).toBe('/aws/vendedlogs/states/good-swipe-test-seal');
  });
});
