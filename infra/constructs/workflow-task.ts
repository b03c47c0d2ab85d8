import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { FunctionSpec } from '../workloads.ts';
import { RETRYABLE_ERRORS } from './entry-saga.ts';
import { specFunction, type GoodSwipeFunction, type WorkloadWiring } from './lambda.ts';

export interface WorkflowTaskOptions {
  /** The function's timeout; the Task's is 5 s more, so a Lambda timeout surfaces as Sandbox.Timedout. */
  readonly timeout: Duration;
  /** The event; by default the state's input. */
  readonly payload?: sfn.TaskInput;
  readonly resultPath?: string;
}

/**
 * A Task state of a Standard workflow (seal, rebuild) and its function: the function's return
 * value is the state's result, and transient failures, Lambda's own errors and a Lambda timeout
 * are retried with jittered backoff. Every workflow step is idempotent and bounded, so a retry
 * picks up where the failed attempt stopped.
 */
export function workflowTask(
  scope: Construct,
  spec: FunctionSpec,
  wiring: WorkloadWiring,
  options: WorkflowTaskOptions,
): { task: tasks.LambdaInvoke; fn: GoodSwipeFunction } {
  const fn = specFunction(scope, spec, wiring, { timeout: options.timeout });
  const task = new tasks.LambdaInvoke(scope, `${spec.name}Task`, {
    stateName: spec.name,
    lambdaFunction: fn,
    ...(options.payload ? { payload: options.payload } : {}),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    ...(options.resultPath ? { resultPath: options.resultPath } : {}),
    taskTimeout: sfn.Timeout.duration(options.timeout.plus(Duration.seconds(5))),
  });
  task.addRetry({
    errors: [...RETRYABLE_ERRORS],
    interval: Duration.seconds(2),
    maxAttempts: 4,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return { task, fn };
}

/**
 * The Task-state maker of one workflow: `step(key)` builds the step's function and Task (timeout
 * from `timeouts`) and records the function in `functions` by its spec name.
 */
export function workflowSteps<K extends string>(
  scope: Construct,
  specs: Readonly<Record<K, FunctionSpec>>,
  timeouts: Readonly<Record<K, Duration>>,
  wiring: WorkloadWiring,
  functions: Record<string, GoodSwipeFunction>,
): (key: K, options?: Omit<WorkflowTaskOptions, 'timeout'>) => tasks.LambdaInvoke {
  return (key, options = {}) => {
    const { task, fn } = workflowTask(scope, specs[key], wiring, { timeout: timeouts[key], ...options });
    functions[specs[key].name] = fn;
    return task;
  };
}

/**
 * A STANDARD state machine `good-swipe-<stage>-<name>`: traced, logging every event with its data
 * to a log group under /aws/vendedlogs/states/ (where Step Functions' log delivery expects it).
 */
export function standardStateMachine(
  scope: Construct,
  args: { name: string; wiring: WorkloadWiring; definition: sfn.IChainable; timeout: Duration },
): sfn.StateMachine {
  const stateMachineName = `good-swipe-${args.wiring.stage}-${args.name}`;
  return new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineName,
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(args.definition),
    timeout: args.timeout,
    tracingEnabled: true,
    logs: {
      destination: new logs.LogGroup(scope, 'Logs', {
        logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: args.wiring.removalPolicy,
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: true,
    },
  });
}
