import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { maintenanceJobs, type FunctionSpec } from '../workloads.ts';
import { specFunction, type GoodSwipeFunction, type WorkloadWiring } from './lambda.ts';

export interface MaintenanceJobsProps {
  /** The jobs' functions are wired with these (table, cache, stage). */
  readonly wiring: WorkloadWiring;
  /** Defaults to workloads.ts `maintenanceJobs`. */
  readonly jobs?: readonly FunctionSpec[];
}

/**
 * Jobs an operator runs on demand (`aws lambda invoke`), never on a schedule: e.g.
 * RebuildLeaderboards, which restores every Redis sorted set from DynamoDB after the cache was
 * lost or flushed. Each job scans the table, so it gets Lambda's 5 minutes rather than 10 s.
 */
export const MAINTENANCE_JOB_TIMEOUT = Duration.minutes(5);

export class MaintenanceJobs extends Construct {
  /** Job functions by job name. */
  readonly functions: Record<string, GoodSwipeFunction> = {};

  constructor(scope: Construct, id: string, props: MaintenanceJobsProps) {
    super(scope, id);
    for (const job of props.jobs ?? maintenanceJobs) {
      this.functions[job.name] = specFunction(this, job, props.wiring, { timeout: MAINTENANCE_JOB_TIMEOUT });
    }
  }
}
