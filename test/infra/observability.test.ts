import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_DIMENSION, metrics } from '../../shared/adapters/metrics.ts';
import type { GoodSwipeStack } from '../../infra/stack.ts';
import { entrySagaSteps } from '../../infra/workloads.ts';
import { logicalIdOf, resourcesOfType, synthesizedStack } from '../support/synth.ts';
import { only, type TemplateResource } from '../support/template.ts';

let stack: GoodSwipeStack;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  ({ stack } = synthesizedStack());
  resources = synthesizedStack().json.Resources;
}, 120_000);

const NAMESPACE = 'GoodSwipe/test';
const ref = (id: string) => ({ Ref: id });
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

interface AlarmProps {
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  Period?: number;
  AlarmActions: unknown[];
  Metrics?: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions?: { Name: string; Value: unknown }[] }; Stat: string } }[];
}

/** The alarm the Observability construct registered under `id`. */
function alarm(id: string): AlarmProps {
  const construct = stack.observability.alarms[id];
  if (!construct) throw new Error(`no alarm ${id}`);
  return resources[logicalIdOf(construct)]!.Properties as unknown as AlarmProps;
}

const dimensionsOf = (dimensions: { Name: string; Value: unknown }[] | undefined) =>
  Object.fromEntries((dimensions ?? []).map((d) => [d.Name, d.Value]));

/** Asserts a single-metric alarm's metric, statistic, threshold and action (the stage's topic). */
function expectAlarm(
  id: string,
  expected: { namespace: string; metric: string; statistic: string; threshold: number; dimensions?: Record<string, unknown>; operator?: string; period?: number },
) {
  const props = alarm(id);
  expect(props.Namespace, id).toBe(expected.namespace);
  expect(props.MetricName, id).toBe(expected.metric);
  expect(props.Statistic ?? props.ExtendedStatistic, id).toBe(expected.statistic);
  expect(props.Threshold, id).toBe(expected.threshold);
  expect(props.ComparisonOperator, id).toBe(expected.operator ?? 'GreaterThanOrEqualToThreshold');
  if (expected.dimensions) expect(dimensionsOf(props.Dimensions), id).toEqual(expected.dimensions);
  if (expected.period) expect(props.Period, id).toBe(expected.period);
  expect(props.AlarmActions, id).toEqual([ref(topicId())]);
}

const topicId = () => logicalIdOf(stack.observability.topic);
const emf = (metric: string, threshold: number, extra: Record<string, unknown> = {}) => ({
  namespace: NAMESPACE,
  metric,
  statistic: 'Sum',
  threshold,
  dimensions: { ...SERVICE_DIMENSION, ...extra },
});

describe('alarm topic', () => {
  it('is one SNS topic per stage, KMS-encrypted and TLS only', () => {
    const [id, topic] = only(resourcesOfType('AWS::SNS::Topic'), 'SNS topic');
    expect(id).toBe(topicId());
    expect(topic.Properties.TopicName).toBe('good-swipe-test-alarms');
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const policy = only(resourcesOfType('AWS::SNS::TopicPolicy'), 'topic policy')[1];
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('has no subscription unless context alarmEmail gives one', () => {
    expect(resourcesOfType('AWS::SNS::Subscription')).toHaveLength(0);
  });

  it('every alarm notifies the topic', () => {
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBe(Object.keys(stack.observability.alarms).length);
    for (const [, a] of alarms) expect(a.Properties.AlarmActions).toEqual([ref(topicId())]);
  });

  it('the functions emit into the stage namespace', () => {
    for (const fn of Object.values(stack.functions)) {
      const variables = (resources[logicalIdOf(fn)]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe(NAMESPACE);
    }
  });
});

describe('API alarms', () => {
  const apiDims = () => ({ ApiId: ref(logicalIdOf(stack.api)), Stage: '$default' });

  it('5xx rate above 1% of at least 20 requests, two periods', () => {
    const props = alarm('Api5xxRate');
    expect(props.Threshold).toBe(1);
    expect(props.EvaluationPeriods).toBe(2);
    expect(props.AlarmActions).toEqual([ref(topicId())]);
    const expression = props.Metrics!.find((m) => m.Expression)!;
    expect(expression.Expression).toBe('IF(requests >= 20, 100 * errors / requests, 0)');
    const stat = (id: string) => props.Metrics!.find((m) => m.Id === id)!.MetricStat!;
    expect(stat('errors')).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx' }, Stat: 'Sum' });
    expect(stat('requests')).toMatchObject({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count' }, Stat: 'Sum' });
    expect(dimensionsOf(stat('errors').Metric.Dimensions)).toEqual(apiDims());
  });

  it('p99 latency above 3 s for 15 minutes', () => {
    expectAlarm('ApiLatencyP99', { namespace: 'AWS/ApiGateway', metric: 'Latency', statistic: 'p99', threshold: 3000, dimensions: apiDims() });
    expect(alarm('ApiLatencyP99').EvaluationPeriods).toBe(3);
  });

  it('errors the route functions turned into 500/503 (EMF ServerErrors)', () => {
    expectAlarm('RouteServerErrors', emf(metrics.serverErrors.name, 5));
  });

  it('the stage publishes per-route metrics for the dashboard', () => {
    const stage = only(resourcesOfType('AWS::ApiGatewayV2::Stage'), 'stage')[1];
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({ DetailedMetricsEnabled: true });
  });
});

describe('function alarms: saga steps, workflow steps and jobs', () => {
  const watched = () => [...Object.values(entrySagaSteps).map((s) => s.name), 'CloseTournament', 'SweepReservations', 'CreateTournament', 'ScoreLevelUps', 'FinishSeal'];

  it.each(['ValidateEntry', 'ReserveCoins', 'JoinGroup', 'ConfirmReservation', 'RefundReservation', 'CloseTournament', 'SweepReservations', 'CreateTournament', 'ScoreLevelUps', 'FinishSeal', 'RedriveLevelUps'])(
    '%s: errors, throttles and duration near its timeout',
    (name) => {
      expect(watched().length).toBeGreaterThan(0);
      const fnId = logicalIdOf(stack.functions[name]);
      const timeoutMs = (resources[fnId]!.Properties.Timeout as number) * 1000;
      const dims = { FunctionName: ref(fnId) };
      expectAlarm(`${name}Errors`, { namespace: 'AWS/Lambda', metric: 'Errors', statistic: 'Sum', threshold: 1, dimensions: dims });
      expectAlarm(`${name}Throttles`, { namespace: 'AWS/Lambda', metric: 'Throttles', statistic: 'Sum', threshold: 1, dimensions: dims });
      expectAlarm(`${name}NearTimeout`, { namespace: 'AWS/Lambda', metric: 'Duration', statistic: 'Maximum', threshold: Math.round(timeoutMs * 0.8), dimensions: dims });
    },
  );

  it('no route function has its own (the API alarms watch them)', () => {
    expect(stack.observability.alarms['GetMeErrors']).toBeUndefined();
  });
});

describe('workflow alarms', () => {
  const machineDims = (machine: { node: unknown }) => ({ StateMachineArn: ref(logicalIdOf(machine as never)) });

  it.each([
    ['SealWorkflowFailed', 'ExecutionsFailed', () => stack.sealWorkflow],
    ['RebuildWorkflowFailed', 'ExecutionsFailed', () => stack.rebuildWorkflow],
    ['EntrySagaTimedOut', 'ExecutionsTimedOut', () => stack.entrySaga],
    ['SealWorkflowTimedOut', 'ExecutionsTimedOut', () => stack.sealWorkflow],
    ['RebuildWorkflowTimedOut', 'ExecutionsTimedOut', () => stack.rebuildWorkflow],
  ] as const)('%s: %s >= 1', (id, metric, machine) => {
    expectAlarm(id, { namespace: 'AWS/States', metric, statistic: 'Sum', threshold: 1, dimensions: machineDims(machine()) });
  });

  it('the saga pages on failures beyond refusals by the rules (ExecutionsFailed - StepRefusals >= 3)', () => {
    const props = alarm('EntrySagaFailed');
    expect(props.Threshold).toBe(3);
    expect(props.AlarmActions).toEqual([ref(topicId())]);
    expect(props.Metrics!.find((m) => m.Expression)!.Expression).toBe('MAX([0, failed - (r0 + r1 + r2 + r3 + r4)])');
    const failed = props.Metrics!.find((m) => m.Id === 'failed')!.MetricStat!;
    expect(failed).toMatchObject({ Metric: { Namespace: 'AWS/States', MetricName: 'ExecutionsFailed' }, Stat: 'Sum' });
    const refusals = props.Metrics!.filter((m) => m.Id.startsWith('r')).map((m) => m.MetricStat!);
    expect(refusals.map((r) => dimensionsOf(r.Metric.Dimensions).step).sort()).toEqual(Object.values(entrySagaSteps).map((s) => s.name).sort());
    for (const r of refusals) expect(r).toMatchObject({ Metric: { Namespace: NAMESPACE, MetricName: metrics.stepRefusals.name }, Stat: 'Sum' });
  });

  it('saga step failures the state machine retried or compensated (EMF StepFailures summed over the steps >= 5)', () => {
    const props = alarm('EntrySagaStepFailures');
    expect(props.Threshold).toBe(5);
    expect(props.Metrics!.find((m) => m.Expression)!.Expression).toBe('f0 + f1 + f2 + f3 + f4');
    for (const m of props.Metrics!.filter((m) => m.MetricStat)) {
      expect(m.MetricStat).toMatchObject({ Metric: { Namespace: NAMESPACE, MetricName: metrics.stepFailures.name }, Stat: 'Sum' });
    }
  });
});

describe('queue, pipeline and scheduler alarms', () => {
  it.each([
    ['LevelUpDeadLetterQueueNotEmpty', () => stack.levelUpEvents.deadLetterQueue],
    ['LevelUpPipeDeadLetterQueueNotEmpty', () => stack.levelUpEvents.pipeDeadLetterQueue],
    ['ScheduleDeadLetterQueueNotEmpty', () => stack.schedules.deadLetterQueue],
    ['JobOnFailureQueueNotEmpty', () => stack.schedules.onFailureQueue],
    ['LevelUpsDeadLettered', () => stack.levelUpEvents.deadLetterQueue],
  ] as const)('%s: visible messages > 0', (id, queue) => {
    expectAlarm(id, {
      namespace: 'AWS/SQS',
      metric: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
      threshold: 0,
      operator: 'GreaterThanThreshold',
      dimensions: { QueueName: getAtt(logicalIdOf(queue()), 'QueueName') },
    });
  });

  it('the oldest level-up message is older than 5 minutes', () => {
    expectAlarm('LevelUpQueueOldestMessage', {
      namespace: 'AWS/SQS',
      metric: 'ApproximateAgeOfOldestMessage',
      statistic: 'Maximum',
      threshold: 300,
      dimensions: { QueueName: getAtt(logicalIdOf(stack.levelUpEvents.queue), 'QueueName') },
    });
  });

  it('level-up records failing (EMF RecordsFailed: partial batch failures)', () => {
    expectAlarm('LevelUpRecordsFailing', emf(metrics.recordsFailed.name, 10));
  });

  it('pipe failures, rule delivery failures, scheduler target errors and drops', () => {
    expectAlarm('LevelUpPipeFailed', { namespace: 'AWS/EventBridge/Pipes', metric: 'ExecutionFailed', statistic: 'Sum', threshold: 1, dimensions: { PipeName: 'good-swipe-test-level-ups' } });
    expectAlarm('LevelUpRuleFailedInvocations', {
      namespace: 'AWS/Events',
      metric: 'FailedInvocations',
      statistic: 'Sum',
      threshold: 1,
      dimensions: { EventBusName: ref(logicalIdOf(stack.levelUpEvents.bus)), RuleName: ref(logicalIdOf(stack.levelUpEvents.rule)) },
    });
    for (const [id, metric] of [['SchedulerTargetErrors', 'TargetErrorCount'], ['SchedulerInvocationsDropped', 'InvocationDroppedCount']]) {
      expectAlarm(id!, { namespace: 'AWS/Scheduler', metric: metric!, statistic: 'Sum', threshold: 1, dimensions: { ScheduleGroup: 'default' } });
    }
  });
});

describe('dependency alarms', () => {
  it('DynamoDB throttles (reads + writes) and system errors', () => {
    const throttles = alarm('TableThrottles');
    expect(throttles.Threshold).toBe(1);
    expect(throttles.Metrics!.find((m) => m.Expression)!.Expression).toBe('reads + writes');
    expect(throttles.Metrics!.filter((m) => m.MetricStat).map((m) => m.MetricStat!.Metric.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    const system = alarm('TableSystemErrors');
    expect(system.Threshold).toBe(1);
    const stats = system.Metrics!.filter((m) => m.MetricStat);
    expect(stats.length).toBeLessThanOrEqual(10);
    for (const m of stats) expect(m.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'SystemErrors' }, Stat: 'Sum' });
    expect(system.AlarmActions).toEqual([ref(topicId())]);
  });

  it('ElastiCache throttled commands', () => {
    expectAlarm('CacheThrottledCommands', { namespace: 'AWS/ElastiCache', metric: 'ThrottledCmds', statistic: 'Sum', threshold: 1, dimensions: { clusterId: 'good-swipe-test' } });
  });
});

describe('business alarms', () => {
  it('yesterday not sealed by 01:00 UTC: the close job reports DaysUnsealedAtDeadline (1 h period)', () => {
    expectAlarm('YesterdayNotSealed', { ...emf(metrics.daysUnsealedAtDeadline.name, 1), period: 3600 });
  });
});

describe('dashboard', () => {
  it('has golden signals per route, the saga, the level-up pipeline, the seal and the coins', () => {
    const dashboard = only(resourcesOfType('AWS::CloudWatch::Dashboard'), 'dashboard')[1];
    expect(dashboard.Properties.DashboardName).toBe('good-swipe-test');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const text of ['Requests by route', 'p99 latency by route', 'Entry saga', 'Level-up pipeline', 'Seal', 'Coins in']) expect(body).toContain(text);
    for (const m of [metrics.entryFeesTaken, metrics.rewardCoinsPaid, metrics.outboxLag, metrics.sealDuration, metrics.levelUpsScored]) expect(body).toContain(m.name);
  });
});
