import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as pipes from 'aws-cdk-lib/aws-pipes';
import type * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SERVICE_DIMENSION, metrics as catalog, type MetricDefinition } from '../../shared/adapters/metrics.ts';
import type { GoodSwipeFunction } from './lambda.ts';

export interface ObservabilityProps {
  readonly stage: string;
  /** Subscribed to the alarm topic by email when given (context `alarmEmail`). */
  readonly alarmEmail?: string;
  readonly api: { readonly httpApi: apigw.IHttpApi; readonly stage: apigw.IHttpStage; readonly routeKeys: readonly string[] };
  /** Functions watched for errors, throttles and duration near their timeout: the saga steps and the jobs. */
  readonly watchedFunctions: Readonly<Record<string, GoodSwipeFunction>>;
  /** The entry saga's state names: the `step` values of StepFailures / StepRefusals. */
  readonly entrySagaSteps: readonly string[];
  readonly workflows: { readonly entrySaga: sfn.IStateMachine; readonly seal: sfn.IStateMachine; readonly rebuild: sfn.IStateMachine };
  /** Every queue whose depth above zero means something was given up on, by what it holds. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly levelUps: { readonly queue: sqs.IQueue; readonly pipe: pipes.CfnPipe; readonly rule: events.IRule; readonly bus: events.IEventBus };
  readonly table: dynamodb.ITable;
  /** The serverless cache's name (its `clusterId` dimension). */
  readonly cacheName: string;
}

/** The five-minute period every alarm here evaluates (the seal-deadline alarm excepted). */
const PERIOD = Duration.minutes(5);
/** A function running longer than this share of its timeout is about to time out. */
const NEAR_TIMEOUT = 0.8;

/**
 * What pages someone, and what they look at: CloudWatch alarms (to one SNS topic per stage,
 * encrypted, TLS only, an email subscription when `alarmEmail` is given) on the AWS metrics of
 * each part and on the project's own EMF metrics (shared/adapters/metrics.ts) where AWS's cannot
 * see a failure (errors turned into HTTP responses, partial batch failures, compensated steps),
 * and one dashboard of golden signals per route, the saga, the level-up pipeline, the seal and
 * the coins moving in and out.
 */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  readonly dashboard: cloudwatch.Dashboard;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.namespace = `GoodSwipe/${props.stage}`;

    // CloudWatch publishes to an encrypted topic only with a customer managed key it may use.
    const key = new kms.Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: `Good Swipe ${props.stage} alarm topic` });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'AlarmTopic', { topicName: `good-swipe-${props.stage}-alarms`, masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    this.apiAlarms(props);
    this.functionAlarms(props);
    this.workflowAlarms(props);
    this.queueAlarms(props);
    this.dependencyAlarms(props);
    this.businessAlarms(props);
    this.dashboard = this.buildDashboard(props);
  }

  /** One of the project's EMF metrics, summed over the period unless told. */
  emf(definition: MetricDefinition, dimensions: Record<string, string> = {}, statistic = 'Sum'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: definition.name,
      dimensionsMap: { ...SERVICE_DIMENSION, ...dimensions },
      statistic,
      period: PERIOD,
    });
  }

  private alarm(id: string, description: string, metric: cloudwatch.IMetric, threshold: number, options: Partial<cloudwatch.CreateAlarmOptions> = {}): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data is no failure (a queue nobody wrote to, a quiet hour).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...options,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms[id] = alarm;
    return alarm;
  }

  private apiAlarms({ api }: ObservabilityProps): void {
    const requests = api.stage.metricCount({ statistic: 'Sum', period: PERIOD });
    const serverErrors = api.stage.metricServerError({ statistic: 'Sum', period: PERIOD });
    // A rate, not a count; below 20 requests in 5 minutes one error is no trend.
    const rate = new cloudwatch.MathExpression({
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period: PERIOD,
      label: 'API 5xx %',
    });
    this.alarm('Api5xxRate', 'More than 1% of API requests answered 5xx for 10 minutes', rate, 1, { evaluationPeriods: 2 });
    this.alarm('ApiLatencyP99', 'API p99 latency above 3 s for 15 minutes', api.stage.metricLatency({ statistic: 'p99', period: PERIOD }), 3000, {
      evaluationPeriods: 3,
    });
    this.alarm(
      'RouteServerErrors',
      'Route functions turned 5 or more errors into 500/503 responses in 5 minutes (ServerErrors EMF)',
      this.emf(catalog.serverErrors),
      5,
    );
  }

  private functionAlarms({ watchedFunctions }: ObservabilityProps): void {
    for (const [name, fn] of Object.entries(watchedFunctions)) {
      this.alarm(`${name}Errors`, `${name} failed invocations (Lambda Errors)`, fn.metricErrors({ statistic: 'Sum', period: PERIOD }), 1);
      this.alarm(`${name}Throttles`, `${name} invocations throttled`, fn.metricThrottles({ statistic: 'Sum', period: PERIOD }), 1);
      const timeoutMs = (fn.timeout ?? Duration.seconds(3)).toMilliseconds();
      this.alarm(
        `${name}NearTimeout`,
        `${name} ran longer than ${NEAR_TIMEOUT * 100}% of its ${timeoutMs / 1000} s timeout`,
        fn.metricDuration({ statistic: 'Maximum', period: PERIOD }),
        Math.round(timeoutMs * NEAR_TIMEOUT),
      );
    }
  }

  private workflowAlarms({ workflows, entrySagaSteps }: ObservabilityProps): void {
    const sum = { statistic: 'Sum', period: PERIOD };
    // The saga fails by design when a rule refuses an entry (ValidateEntry's LEVEL_TOO_LOW, ...):
    // only failures beyond those refusals page. Both land within a second of each other, so a
    // few may straddle a period's edge: hence 3, not 1.
    const refusals = Object.fromEntries(entrySagaSteps.map((step, i) => [`r${i}`, this.emf(catalog.stepRefusals, { step })]));
    const unexpected = new cloudwatch.MathExpression({
      expression: `MAX([0, failed - (${Object.keys(refusals).join(' + ')})])`,
      usingMetrics: { failed: workflows.entrySaga.metricFailed(sum), ...refusals },
      period: PERIOD,
      label: 'saga failures that no rule asked for',
    });
    this.alarm('EntrySagaFailed', 'Entry saga executions failed beyond refusals by the rules (ExecutionsFailed - StepRefusals)', unexpected, 3);
    const stepFailures = Object.fromEntries(entrySagaSteps.map((step, i) => [`f${i}`, this.emf(catalog.stepFailures, { step })]));
    this.alarm(
      'EntrySagaStepFailures',
      'Entry saga steps failed 5 or more times in 5 minutes (retried or compensated: StepFailures EMF)',
      new cloudwatch.MathExpression({ expression: Object.keys(stepFailures).join(' + '), usingMetrics: stepFailures, period: PERIOD }),
      5,
    );
    for (const [name, machine] of [['EntrySaga', workflows.entrySaga], ['SealWorkflow', workflows.seal], ['RebuildWorkflow', workflows.rebuild]] as const) {
      if (name !== 'EntrySaga') this.alarm(`${name}Failed`, `${name} executions failed (ExecutionsFailed)`, machine.metricFailed(sum), 1);
      this.alarm(`${name}TimedOut`, `${name} executions timed out (ExecutionsTimedOut)`, machine.metricTimedOut(sum), 1);
    }
  }

  private queueAlarms({ deadLetterQueues, levelUps }: ObservabilityProps): void {
    for (const [name, queue] of Object.entries(deadLetterQueues)) {
      this.alarm(
        `${name}NotEmpty`,
        `${name}: messages are waiting (something was given up on; see README "Operating it")`,
        queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD }),
        0,
        { comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
      );
    }
    this.alarm(
      'LevelUpQueueOldestMessage',
      'The oldest level-up waiting to be scored is more than 5 minutes old (boards lag, the seal waits)',
      levelUps.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: PERIOD }),
      300,
    );
    this.alarm(
      'LevelUpRecordsFailing',
      'Level-up messages failed 10 or more times in 5 minutes (partial batch failures: RecordsFailed EMF)',
      this.emf(catalog.recordsFailed),
      10,
    );
    const pipeMetric = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/EventBridge/Pipes', metricName, dimensionsMap: { PipeName: levelUps.pipe.name! }, statistic: 'Sum', period: PERIOD });
    this.alarm('LevelUpPipeFailed', 'The level-up pipe failed executions (stream records not put on the bus)', pipeMetric('ExecutionFailed'), 1);
    this.alarm(
      'LevelUpRuleFailedInvocations',
      'The UserLeveledUp rule could not deliver to the score queue',
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { EventBusName: levelUps.bus.eventBusName, RuleName: levelUps.rule.ruleName },
        statistic: 'Sum',
        period: PERIOD,
      }),
      1,
    );
    const scheduler = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/Scheduler', metricName, dimensionsMap: { ScheduleGroup: 'default' }, statistic: 'Sum', period: PERIOD });
    this.alarm('SchedulerTargetErrors', 'Scheduler could not invoke a job function (TargetErrorCount)', scheduler('TargetErrorCount'), 1);
    this.alarm('SchedulerInvocationsDropped', 'Scheduler dropped job invocations (InvocationDroppedCount)', scheduler('InvocationDroppedCount'), 1);
  }

  private dependencyAlarms({ table, cacheName }: ObservabilityProps): void {
    const tableMetric = (metricName: string) => table.metric(metricName, { statistic: 'Sum', period: PERIOD });
    this.alarm(
      'TableThrottles',
      'DynamoDB throttled reads or writes (a hot partition or the table quota)',
      new cloudwatch.MathExpression({
        expression: 'reads + writes',
        usingMetrics: { reads: tableMetric('ReadThrottleEvents'), writes: tableMetric('WriteThrottleEvents') },
        period: PERIOD,
      }),
      1,
    );
    this.alarm(
      'TableSystemErrors',
      'DynamoDB answered 500s (SystemErrors)',
      table.metricSystemErrorsForOperations({
        // At most 10 metrics in an alarm's math: the operations the functions issue.
        operations: [
          dynamodb.Operation.GET_ITEM,
          dynamodb.Operation.PUT_ITEM,
          dynamodb.Operation.UPDATE_ITEM,
          dynamodb.Operation.DELETE_ITEM,
          dynamodb.Operation.QUERY,
          dynamodb.Operation.SCAN,
          dynamodb.Operation.BATCH_GET_ITEM,
          dynamodb.Operation.BATCH_WRITE_ITEM,
          dynamodb.Operation.TRANSACT_WRITE_ITEMS,
          dynamodb.Operation.TRANSACT_GET_ITEMS,
        ],
        statistic: 'Sum',
        period: PERIOD,
      }),
      1,
    );
    this.alarm(
      'CacheThrottledCommands',
      'ElastiCache throttled commands (ThrottledCmds: the usage limits or the ECPU rate)',
      new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName: 'ThrottledCmds', dimensionsMap: { clusterId: cacheName }, statistic: 'Sum', period: PERIOD }),
      1,
    );
  }

  private businessAlarms(props: ObservabilityProps): void {
    // The close job's 01:00 and 02:00 runs check the seal (DaysUnsealedAtDeadline): a missing day,
    // a seal that failed, never started or is still waiting all show up there, at 01:00 UTC.
    this.alarm(
      'YesterdayNotSealed',
      "Yesterday's tournament was not sealed by 01:00 UTC (DaysUnsealedAtDeadline, from the close job)",
      this.emf(catalog.daysUnsealedAtDeadline).with({ period: Duration.hours(1) }),
      1,
    );
    const levelUpDeadLetters = props.deadLetterQueues['LevelUpDeadLetterQueue'];
    if (levelUpDeadLetters) {
      this.alarm(
        'LevelUpsDeadLettered',
        'Level-ups were dead-lettered: they stay unscored until redriven (npm run job -- redrive-level-ups)',
        levelUpDeadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD }),
        0,
        { comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
      );
    }
  }

  private buildDashboard(props: ObservabilityProps): cloudwatch.Dashboard {
    const { api, workflows, levelUps } = props;
    const sum = { statistic: 'Sum', period: PERIOD };
    const routeMetric = (routeKey: string, metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: api.httpApi.apiId, Stage: '$default', Route: routeKey },
        statistic,
        period: PERIOD,
        label: routeKey,
      });
    const perRoute = (title: string, metricName: string, statistic: string) =>
      new cloudwatch.GraphWidget({ title, width: 8, left: api.routeKeys.map((route) => routeMetric(route, metricName, statistic)) });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) => new cloudwatch.GraphWidget({ title, width, left });
    const emf = (definition: MetricDefinition, statistic = 'Sum') => this.emf(definition, {}, statistic).with({ label: definition.name });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `good-swipe-${props.stage}` });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '## Routes (API Gateway per route: traffic, errors, latency)', width: 24, height: 1 }),
    );
    dashboard.addWidgets(
      perRoute('Requests by route', 'Count', 'Sum'),
      perRoute('5xx by route', '5xx', 'Sum'),
      perRoute('p99 latency by route (ms)', 'Latency', 'p99'),
    );
    dashboard.addWidgets(
      perRoute('4xx by route', '4xx', 'Sum'),
      graph('Problems answered (EMF, all routes and codes)', [emf(catalog.problems), emf(catalog.serverErrors)]),
      graph('API 5xx and latency', [api.stage.metricServerError(sum), api.stage.metricLatency({ statistic: 'p99', period: PERIOD })]),
    );
    dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Entry saga', width: 24, height: 1 }));
    dashboard.addWidgets(
      graph('Saga executions', [workflows.entrySaga.metricStarted(sum), workflows.entrySaga.metricSucceeded(sum), workflows.entrySaga.metricFailed(sum), workflows.entrySaga.metricTimedOut(sum)]),
      graph('Entries confirmed / compensated', [emf(catalog.entriesConfirmed), emf(catalog.entriesCompensated), emf(catalog.reservationsRefunded), emf(catalog.reservationsConfirmed)]),
      graph('Step failures and refusals by step', [
        ...props.entrySagaSteps.map((step) => this.emf(catalog.stepFailures, { step }).with({ label: `${step} failures` })),
        ...props.entrySagaSteps.map((step) => this.emf(catalog.stepRefusals, { step }).with({ label: `${step} refusals` })),
      ]),
    );
    dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Level-up pipeline (stream -> pipe -> bus -> queue -> score)', width: 24, height: 1 }));
    dashboard.addWidgets(
      graph('Level-ups scored / skipped / failed', [emf(catalog.levelUpsScored), emf(catalog.levelUpsSkipped), emf(catalog.recordsFailed)]),
      graph('Outbox lag (ms) and oldest message (s)', [
        emf(catalog.outboxLag, 'p99'),
        levelUps.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: PERIOD }),
      ]),
      graph(
        'Dead-letter and on-failure queues',
        Object.entries(props.deadLetterQueues).map(([name, queue]) => queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: PERIOD, label: name })),
      ),
    );
    dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: '## Seal and coins', width: 24, height: 1 }));
    dashboard.addWidgets(
      graph('Seal', [emf(catalog.tournamentsSealed), emf(catalog.groupsSealed), emf(catalog.levelUpsLeftUnscored), workflows.seal.metricFailed(sum)]),
      graph('Seal duration after the day ends (ms)', [emf(catalog.sealDuration, 'Maximum')]),
      graph('Coins in (entry fees) and out (rewards)', [emf(catalog.entryFeesTaken), emf(catalog.rewardCoinsPaid)]),
    );
    return dashboard;
  }
}
