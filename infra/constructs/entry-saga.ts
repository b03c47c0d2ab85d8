import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { entrySagaSteps, type FunctionSpec } from '../workloads.ts';
import { specFunction, type GoodSwipeFunction, type WorkloadWiring } from './lambda.ts';

export interface EntrySagaProps {
  /** The saga's step functions are wired with these (table, cache, stage). */
  readonly wiring: WorkloadWiring;
  /** Reserve SAGA_STEP_RESERVED_CONCURRENCY for each step (the production stage); default: no reservation. */
  readonly reserveConcurrency?: boolean;
}

/**
 * Concurrency reserved for each saga step on the production stage, so a rush elsewhere in the
 * account (other routes, a level-up backlog, the seal) cannot take the executions entries need.
 * Little's law: the entry route is throttled at 500/s (ENTRY_THROTTLE) and a step is one
 * transaction of ~50 ms, so ~25 run at once; 50 leaves room for retries and a slow tail. Five
 * steps reserve 250 of the default account quota of 1,000 (README, "Concurrency plan"). Other
 * stages reserve nothing: new accounts often have a quota of 10, and Lambda refuses reservations
 * that leave fewer than 100 unreserved.
 */
export const SAGA_STEP_RESERVED_CONCURRENCY = 50;

/** A step Lambda runs one DynamoDB transaction (and, for JoinGroup, a few Redis calls). */
const STEP_FUNCTION_TIMEOUT = Duration.seconds(5);
/** Above the step function's own timeout, so a Lambda timeout surfaces as its error, not States.Timeout. */
const TASK_TIMEOUT = Duration.seconds(8);
/** StartSyncExecution waits for the whole saga: it must end before the 29 s starter does; an entry
 * that takes longer is settled by the sweeper. */
const EXECUTION_TIMEOUT = Duration.seconds(25);

/**
 * Errors worth another try: Lambda's own service failures and throttling, a step's
 * TransientError (a dependency was down or a transaction collided), a task timeout, and the
 * function's own timeout (Lambda reports it as `Sandbox.Timedout`). Every step is idempotent (the
 * reservation id derives from userId + tournamentId; a sealed group is skipped), so a retry never
 * charges or pays twice.
 */
export const RETRYABLE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientError',
  'States.Timeout',
  'Sandbox.Timedout',
] as const;

/**
 * The entry saga: a Step Functions EXPRESS state machine started synchronously by the
 * EnterTournament function.
 *
 *   ValidateEntry -> ReserveCoins -> JoinGroup -> ConfirmReservation -> EntrySucceeded
 *
 * A failure of ValidateEntry or ReserveCoins fails the execution as it is (nothing was charged:
 * ReserveCoins charges in its one transaction or not at all). A failure of JoinGroup or
 * ConfirmReservation is caught into `$.failure` and compensated by RefundReservation, then the
 * execution fails as EntryFailed with the original error and cause.
 */
export class EntrySaga extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Step functions by step name (ValidateEntry, ..., RefundReservation). */
  readonly functions: Record<string, GoodSwipeFunction> = {};

  constructor(scope: Construct, id: string, props: EntrySagaProps) {
    super(scope, id);
    const { stage, removalPolicy } = props.wiring;

    const step = (spec: FunctionSpec): tasks.LambdaInvoke => {
      const fn = specFunction(this, spec, props.wiring, {
        timeout: STEP_FUNCTION_TIMEOUT,
        ...(props.reserveConcurrency && { reservedConcurrentExecutions: SAGA_STEP_RESERVED_CONCURRENCY }),
      });
      this.functions[spec.name] = fn;
      const task = new tasks.LambdaInvoke(this, `${spec.name}Task`, {
        stateName: spec.name,
        lambdaFunction: fn,
        // Resource = the function's ARN; the state's output is the step's return value (the saga state).
        payloadResponseOnly: true,
        // The one explicit Retry below replaces CDK's default Lambda retry.
        retryOnServiceExceptions: false,
        taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
      });
      task.addRetry({
        errors: [...RETRYABLE_ERRORS],
        // Step Functions retry intervals are whole seconds (IntervalSeconds >= 1).
        interval: Duration.seconds(1),
        maxAttempts: 3,
        backoffRate: 2,
        jitterStrategy: sfn.JitterType.FULL,
      });
      return task;
    };

    const validate = step(entrySagaSteps.validate);
    const reserve = step(entrySagaSteps.reserve);
    const join = step(entrySagaSteps.join);
    const confirm = step(entrySagaSteps.confirm);
    const refund = step(entrySagaSteps.refund);

    const failed = new sfn.Fail(this, 'EntryFailed', {
      stateName: 'EntryFailed',
      errorPath: sfn.JsonPath.stringAt('$.failure.Error'),
      causePath: sfn.JsonPath.stringAt('$.failure.Cause'),
    });
    const compensate = refund.next(failed);
    const caught = { errors: [sfn.Errors.ALL], resultPath: '$.failure' };
    join.addCatch(compensate, caught);
    confirm.addCatch(compensate, caught);

    const definition = validate
      .next(reserve)
      .next(join)
      .next(confirm)
      .next(new sfn.Succeed(this, 'EntrySucceeded', { stateName: 'EntrySucceeded' }));

    const stateMachineName = `good-swipe-${stage}-entry`;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: EXECUTION_TIMEOUT,
      tracingEnabled: true,
      logs: {
        // Under /aws/vendedlogs/states/, as the seal's and the rebuild's: the prefix Step Functions'
        // log delivery is allowed to write to without a resource policy per log group.
        destination: new logs.LogGroup(this, 'Logs', {
          logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy,
        }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    });
  }
}
