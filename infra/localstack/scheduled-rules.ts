import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOB_DELIVERY, jobFunction, jobQueues } from '../constructs/schedules.ts';
import type { GoodSwipeFunction, WorkloadWiring } from '../constructs/lambda.ts';
import { scheduledJobs, type ScheduledJobSpec } from '../workloads.ts';

export interface ScheduledRulesProps {
  /** The jobs' functions are wired with these (table, stage). */
  readonly wiring: WorkloadWiring;
  /** Defaults to workloads.ts `scheduledJobs`. */
  readonly jobs?: readonly ScheduledJobSpec[];
}

/**
 * The scheduled jobs on LocalStack's free plan, whose EventBridge Scheduler only stores schedules
 * and never runs them (coverage.json): one EventBridge scheduled rule per job instead, with the
 * job's own expression (rules read the same `cron(...)` and `rate(...)`, always in UTC), the same
 * job function, its input `{ "scheduledTime": <the event's time> }` (what Scheduler's
 * `<aws.scheduler.scheduled-time>` gives), the same delivery retries and dead-letter queue, and
 * the same on-failure queue for runs that fail.
 *
 * Not here: the deploy-time runs (CDK Triggers are custom resources, which the free plan's
 * CloudFormation does not run). After `cdklocal deploy`, invoke CreateTournament once (README).
 */
export class ScheduledRules extends Construct {
  /** Job functions by job name. */
  readonly functions: Record<string, GoodSwipeFunction> = {};
  readonly rules: Record<string, events.Rule> = {};
  readonly deadLetterQueue: sqs.Queue;
  readonly onFailureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ScheduledRulesProps) {
    super(scope, id);
    const queues = jobQueues(this);
    this.deadLetterQueue = queues.deadLetterQueue;
    this.onFailureQueue = queues.onFailureQueue;

    for (const job of props.jobs ?? scheduledJobs) {
      const fn = jobFunction(this, job, props.wiring, this.onFailureQueue);
      this.functions[job.name] = fn;
      this.rules[job.name] = new events.Rule(this, `${job.name}Rule`, {
        description: `${job.name} (${job.schedule} UTC)`,
        schedule: events.Schedule.expression(job.schedule),
        targets: [
          new targets.LambdaFunction(fn, {
            // The job acts for the time it was scheduled for, even when it runs late.
            event: events.RuleTargetInput.fromObject({ scheduledTime: events.EventField.time }),
            ...JOB_DELIVERY,
            deadLetterQueue: this.deadLetterQueue,
          }),
        ],
      });
    }
  }
}
