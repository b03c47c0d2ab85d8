import { type CfnResource, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { scheduledJobs, type ScheduledJobSpec } from '../workloads.ts';
import { specFunction, type GoodSwipeFunction, type WorkloadWiring } from './lambda.ts';

export interface TournamentSchedulesProps {
  /** The jobs' functions are wired with these (table, stage). */
  readonly wiring: WorkloadWiring;
  /** Deploy-time runs wait for these (the table) to exist. */
  readonly runOnDeployAfter: readonly Construct[];
  /** Defaults to workloads.ts `scheduledJobs`. */
  readonly jobs?: readonly ScheduledJobSpec[];
}

/** Schedule metadata marking a catch-up job (ScheduledJobSpec.catchUp), for the local scheduler. */
export const CATCH_UP_METADATA_KEY = 'goodswipe:catchUp';

/** Retries Lambda makes of a failed asynchronous invocation (its default, said out loud). */
export const JOB_RETRY_ATTEMPTS = 2;
/** A job event older than this is not worth running late: it goes to the on-failure queue instead. */
const JOB_MAX_EVENT_AGE = Duration.hours(1);
/**
 * How a job's schedule delivers its invocation (Scheduler's target here, the LocalStack variant's
 * rule target): tried 3 more times within an hour, then dead-lettered.
 */
export const JOB_DELIVERY = { retryAttempts: 3, maxEventAge: Duration.hours(1) } as const;

/**
 * The scheduled jobs: one EventBridge Scheduler schedule each (in UTC, exactly on time), whose
 * undeliverable invocations land in a dead-letter queue after retries, and for jobs marked
 * `runOnDeploy` a CDK Trigger that runs the job when the stack is deployed, so a stack deployed
 * mid-day creates today's tournament at once. The jobs are idempotent, so a run that repeats
 * the schedule's (or a replayed one) changes nothing.
 *
 * Scheduler invokes Lambda asynchronously: once Lambda has accepted the event, a job that fails
 * (throws or times out) is Lambda's to retry, twice, and without an on-failure destination the
 * event would then be dropped. So every job function also has an async invoke config whose
 * on-failure destination is a queue: failed runs are kept, with their error, for inspection and
 * redrive. The two queues catch different failures: the dead-letter queue what Scheduler could not
 * hand to Lambda at all, the on-failure queue what Lambda ran and could not complete.
 */
export class TournamentSchedules extends Construct {
  /** Job functions by job name. */
  readonly functions: Record<string, GoodSwipeFunction> = {};
  readonly schedules: Record<string, scheduler.Schedule> = {};
  readonly triggers: Record<string, triggers.Trigger> = {};
  /** The role each job's schedule invokes its function with. */
  readonly schedulerRoles: Record<string, iam.Role> = {};
  /** Invocations the scheduler gave up on, kept 14 days for inspection and redrive. */
  readonly deadLetterQueue: sqs.Queue;
  /** Job runs that failed every attempt (Lambda's on-failure destination), with their error. */
  readonly onFailureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: TournamentSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const queues = jobQueues(this);
    this.deadLetterQueue = queues.deadLetterQueue;
    this.onFailureQueue = queues.onFailureQueue;

    for (const job of props.jobs ?? scheduledJobs) {
      const fn = jobFunction(this, job, props.wiring, this.onFailureQueue);
      this.functions[job.name] = fn;

      // The role only this job's schedule may use (confused-deputy guard: this account's default group).
      const role = new iam.Role(this, `${job.name}SchedulerRole`, {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: {
            StringEquals: {
              'aws:SourceAccount': stack.account,
              'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
            },
          },
        }),
      });
      this.schedulerRoles[job.name] = role;

      this.schedules[job.name] = new scheduler.Schedule(this, `${job.name}Schedule`, {
        scheduleName: `good-swipe-${props.wiring.stage}-${job.name}`,
        description: `${job.name} (${job.schedule} UTC)`,
        schedule: scheduler.ScheduleExpression.expression(job.schedule, TimeZone.ETC_UTC),
        timeWindow: scheduler.TimeWindow.off(),
        target: new targets.LambdaInvoke(fn, {
          role,
          // The job acts for the time it was scheduled for, even when it runs late or is replayed.
          input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
          ...JOB_DELIVERY,
          deadLetterQueue: this.deadLetterQueue,
        }),
      });
      if (job.catchUp) (this.schedules[job.name]!.node.defaultChild as CfnResource).addMetadata(CATCH_UP_METADATA_KEY, true);

      if (job.runOnDeploy) {
        this.triggers[job.name] = new triggers.Trigger(this, `${job.name}OnDeploy`, {
          handler: fn,
          // The trigger points at a new function version whenever the function changes; that is
          // when the deploy runs the job again (first deploy included).
          executeOnHandlerChange: true,
          executeAfter: [...props.runOnDeployAfter],
        });
      }
    }
  }
}

/** The queues of the scheduled jobs (see TournamentSchedules), the same on every deploy target. */
export interface JobQueues {
  /** Invocations the schedule gave up on, kept 14 days for inspection and redrive. */
  readonly deadLetterQueue: sqs.Queue;
  /** Job runs that failed every attempt (Lambda's on-failure destination), with their error. */
  readonly onFailureQueue: sqs.Queue;
}

export function jobQueues(scope: Construct): JobQueues {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });

  // Encrypted and TLS-only like every queue of the stack (the records hold the job's input and
  // error). 14 days, SQS's maximum: a job that fails over a weekend or a holiday is still there
  // to read and redrive when someone looks; a job's input is only its scheduled time, so the
  // records are small and keeping them costs nothing.
  const onFailureQueue = new sqs.Queue(scope, 'OnFailureQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  return { deadLetterQueue, onFailureQueue };
}

/**
 * A job's function: Lambda retries a failed run JOB_RETRY_ATTEMPTS times, then its invocation
 * record (with the error) goes to `onFailureQueue` instead of being dropped.
 */
export function jobFunction(scope: Construct, job: ScheduledJobSpec, wiring: WorkloadWiring, onFailureQueue: sqs.IQueue): GoodSwipeFunction {
  const fn = specFunction(scope, job, wiring);
  fn.configureAsyncInvoke({
    retryAttempts: JOB_RETRY_ATTEMPTS,
    maxEventAge: JOB_MAX_EVENT_AGE,
    onFailure: new SqsDestination(onFailureQueue),
  });
  return fn;
}
