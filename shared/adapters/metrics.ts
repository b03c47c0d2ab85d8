/**
 * Every metric the functions emit (CloudWatch EMF through Powertools Metrics, see emf-metrics.ts),
 * with its unit and dimensions: the one list the alarms, the dashboard, the local stack's
 * `/_local/metrics` and the README read. Namespace: `GoodSwipe/<stage>` (POWERTOOLS_METRICS_NAMESPACE,
 * set by infra/constructs/lambda.ts). Every metric also carries Powertools' `service` dimension
 * (`good-swipe`, POWERTOOLS_SERVICE_NAME), so an alarm names it too.
 *
 * This module has no Powertools import: use cases take a `MetricsRecorder` and stay testable with
 * `noMetrics`.
 */

import { SERVICE_NAME } from './service-name.ts';

export type MetricUnit = 'Count' | 'Milliseconds';
/** The dimensions a metric may have besides `service`: kept few, each with a bounded set of values. */
export type DimensionName = 'route' | 'code' | 'step' | 'job';

export interface MetricDefinition<D extends DimensionName = DimensionName> {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly dimensions: readonly D[];
  /** What one data point means, for the README and the dashboard. */
  readonly meaning: string;
}

const metric = <D extends DimensionName = never>(name: string, unit: MetricUnit, dimensions: readonly D[], meaning: string): MetricDefinition<D> => ({
  name,
  unit,
  dimensions,
  meaning,
});

/** The `service` dimension Powertools adds to every metric. */
export const SERVICE_DIMENSION = { service: SERVICE_NAME } as const;

export const metrics = {
  // --- the wrappers (shared/http, shared/lambda): failures AWS's own metrics do not see ----------
  problems: metric('Problems', 'Count', ['route', 'code'], 'a problem+json response of a route (4xx and 5xx), by its error code'),
  serverErrors: metric('ServerErrors', 'Count', [], 'a 5xx response a route function made from an error (Lambda Errors stays 0 for these)'),
  stepFailures: metric('StepFailures', 'Count', ['step'], 'a workflow step that failed with an error that is not a refusal by a rule (retried or compensated)'),
  stepRefusals: metric('StepRefusals', 'Count', ['step'], 'a workflow step refused by a contract rule (LEVEL_TOO_LOW, ...): the saga fails by design'),
  jobRuns: metric('JobRuns', 'Count', ['job'], 'a scheduled or on-demand job run that completed'),
  jobFailures: metric('JobFailures', 'Count', ['job'], 'a job run that threw (Lambda retries it, then its on-failure queue)'),
  recordsFailed: metric('RecordsFailed', 'Count', [], 'a level-up message that failed and went back to the queue (a partial batch failure: Lambda Errors stays 0)'),

  // --- business (use cases) ---------------------------------------------------------------------
  entriesConfirmed: metric('EntriesConfirmed', 'Count', [], 'an entry saga that confirmed its reservation: a player entered'),
  entryFeesTaken: metric('EntryFeesTaken', 'Count', [], 'coins taken as entry fees (the value is coins)'),
  entriesCompensated: metric('EntriesCompensated', 'Count', [], 'a saga compensation that gave an entry fee back'),
  rewardCoinsPaid: metric('RewardCoinsPaid', 'Count', [], 'coins credited by reward claims (the value is coins)'),
  levelUpsScored: metric('LevelUpsScored', 'Count', [], 'a level-up scored for an entered player'),
  levelUpsSkipped: metric('LevelUpsSkipped', 'Count', [], 'a level-up of a player not entered that day (global board only)'),
  outboxLag: metric('OutboxLag', 'Milliseconds', [], 'from the level-up (event.at) to its scoring: the outbox pipeline lag'),
  reservationsRefunded: metric('SweptReservationsRefunded', 'Count', [], 'an abandoned reservation the sweeper refunded'),
  reservationsConfirmed: metric('SweptReservationsConfirmed', 'Count', [], 'an abandoned reservation the sweeper confirmed (the player had a seat)'),
  tournamentsSealed: metric('TournamentsSealed', 'Count', [], 'a day sealed (FinishSeal: CLOSED, claims open)'),
  sealDuration: metric('SealDuration', 'Milliseconds', [], "from the day's end to its seal (FinishSeal)"),
  groupsSealed: metric('GroupsSealed', 'Count', [], 'groups whose standings the seal fixed'),
  levelUpsLeftUnscored: metric('LevelUpsLeftUnscored', 'Count', [], 'level-ups still unscored when the drain deadline forced the seal'),
  daysUnsealedAtDeadline: metric('DaysUnsealedAtDeadline', 'Count', [], "the close job found yesterday not sealed at or after 01:00 UTC (its 01:00 and 02:00 runs)"),
} as const;

/** What a use case records metrics through; the wrappers give each invocation its own. */
export interface MetricsRecorder {
  /** `dimensions`: a value for each of the metric's own dimensions. */
  record<D extends DimensionName>(metric: MetricDefinition<D>, value: number, dimensions?: Readonly<Record<D, string>>): void;
}

/** For callers and tests that do not look at metrics. */
export const noMetrics: MetricsRecorder = { record: () => {} };
