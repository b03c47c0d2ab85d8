import { z } from 'zod';
import { ApiError } from '../../shared/http/problem.ts';
import { validate } from '../../shared/http/request.ts';
import { ClockWentBack, type LocalClock } from './clock.ts';
import { faultRuleSchema, type LocalFaults } from './faults.ts';
import type { LocalJwtIssuer } from './jwt-issuer.ts';
import type { LocalDestinationQueues } from './async-invoke.ts';
import { RECENT_BUS_EVENTS_KEPT, type LocalEventLog } from './event-log.ts';
import type { LocalMetricsCollector } from './metrics-collector.ts';
import { EXECUTION_STATUSES, type Execution, type LocalStepFunctions } from './step-functions.ts';

/** A schedule that fired because the clock passed its time. */
export interface FiredSchedule {
  readonly schedule: string;
  readonly at: string;
  /** How many due runs of a catch-up job this one run stands for (see LocalScheduler). */
  readonly coalesced?: number;
  /** The job failed every attempt: its last error, and the on-failure queue that got the record. */
  readonly failed?: { readonly attempts: number; readonly errorType: string; readonly destination?: string };
}

export interface ControlDeps {
  readonly clock: LocalClock;
  readonly issuer: LocalJwtIssuer;
  readonly faults: LocalFaults;
  /** Each dependency's state; the stack is healthy when all are 'ok'. */
  readonly health: () => Promise<Record<string, string>>;
  /** Runs, in time order, every schedule due up to `to` that has not run yet. */
  readonly runSchedulesUpTo: (to: Date) => Promise<FiredSchedule[]>;
  readonly stepFunctions: LocalStepFunctions;
  /** Invokes the job function of functions/jobs/<job>.ts, as `aws lambda invoke` would; undefined if none. */
  readonly runJob: (job: string) => Promise<{ result: unknown } | undefined>;
  /** What asynchronous invocations left in their on-failure queues. */
  readonly destinations: LocalDestinationQueues;
  /** The local Step Functions API's URL, reported by the health route. */
  readonly stepFunctionsEndpoint: string;
  /** The local EventBridge API's URL (PutEvents), reported by the health route. */
  readonly eventBridgeEndpoint: string;
  /** The last events put on the buses. */
  readonly busEvents: LocalEventLog;
  /** The EMF metrics the functions emitted, aggregated. */
  readonly metrics: LocalMetricsCollector;
}

export interface ControlRequest {
  readonly body: unknown;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  /** The request's Accept header ('' when absent). */
  readonly accept?: string;
}

export interface ControlResult {
  readonly status: number;
  readonly body: unknown;
  /** Set when the body is text to send as it is (not JSON). */
  readonly contentType?: string;
}

type ControlRoute = (deps: ControlDeps, request: ControlRequest) => Promise<ControlResult>;

const signInBody = z.strictObject({ username: z.string().regex(/^[\w.@+-]{1,64}$/, 'must be 1-64 letters, digits or ._@+-') });
const clockBody = z.union([
  z.strictObject({ now: z.iso.datetime({ offset: true }) }),
  z.strictObject({ advanceSeconds: z.number().int().min(0).max(366 * 24 * 3600) }),
]);

/** The `/_local/*` API: never deployed, never behind the authorizer. */
export const controlRoutes: Record<string, ControlRoute> = {
  'GET /_local/health': async (deps) => {
    const checks = await deps.health();
    const ok = Object.values(checks).every((state) => state === 'ok');
    const body = {
      status: ok ? 'ok' : 'degraded',
      now: deps.clock.now().toISOString(),
      ...checks,
      stepFunctionsEndpoint: deps.stepFunctionsEndpoint,
      eventBridgeEndpoint: deps.eventBridgeEndpoint,
    };
    return { status: ok ? 200 : 503, body };
  },

  'POST /_local/sign-in': async (deps, { body }) => {
    const { username } = validate(signInBody, body, 'sign-in body is invalid');
    return { status: 200, body: await deps.issuer.signIn(username) };
  },

  'GET /_local/clock': async (deps) => ({ status: 200, body: { now: deps.clock.now().toISOString() } }),

  'POST /_local/clock': async (deps, { body }) => {
    const move = validate(clockBody, body, 'send { "now": ISO-8601 } or { "advanceSeconds": n }');
    const current = deps.clock.now();
    const to = 'now' in move ? new Date(move.now) : new Date(current.getTime() + move.advanceSeconds * 1000);
    try {
      deps.clock.moveTo(to);
    } catch (error) {
      if (error instanceof ClockWentBack) throw new ApiError('CLOCK_MOVED_BACK', error.message);
      throw error;
    }
    const fired = await deps.runSchedulesUpTo(to);
    return { status: 200, body: { now: deps.clock.now().toISOString(), fired } };
  },

  'GET /_local/faults': async (deps) => ({ status: 200, body: { items: deps.faults.list() } }),

  'POST /_local/faults': async (deps, { body }) => {
    const rule = validate(faultRuleSchema, body, 'fault rule is invalid');
    deps.faults.arm(rule);
    return { status: 201, body: rule };
  },

  'DELETE /_local/faults': async (deps) => {
    deps.faults.clear();
    return { status: 204, body: undefined };
  },

  'POST /_local/jobs/{job}': async (deps, { params }) => {
    const run = await deps.runJob(params['job'] ?? '');
    if (!run) throw new ApiError('ROUTE_NOT_FOUND', `no job functions/jobs/${params['job']}.ts in the template`);
    return { status: 200, body: run };
  },

  // Every execution of every state machine, Express ones too (the console's list), newest first.
  'GET /_local/executions': async (deps, { query }) => {
    const { limit, status, stateMachineArn } = validate(
      executionsQuery,
      { limit: query.get('limit') ?? undefined, status: query.get('status') ?? undefined, stateMachineArn: query.get('stateMachineArn') ?? undefined },
      'limit must be 1-1000, status one of the execution statuses',
    );
    const filter = { ...(status ? { status } : {}), ...(stateMachineArn ? { stateMachineArn } : {}) };
    return { status: 200, body: { items: deps.stepFunctions.list(limit, filter).map(executionSummary) } };
  },

  'GET /_local/executions/{executionId}': async (deps, { params }) => {
    return { status: 200, body: executionDetail(executionOf(deps, params)) };
  },

  // Its history as GetExecutionHistory gives it, for Express executions too: what their CloudWatch log holds on AWS.
  'GET /_local/executions/{executionId}/history': async (deps, { params }) => {
    return { status: 200, body: { items: executionOf(deps, params).history } };
  },

  // The template's state machines, each with its ASL (the console draws them).
  'GET /_local/state-machines': async (deps) => {
    const items = deps.stepFunctions.stateMachines().map(({ definition, ...machine }) => ({ ...machine, definition: JSON.parse(definition) }));
    return { status: 200, body: { items } };
  },

  // What the functions' EMF metrics add up to; `Accept: text/plain` for Prometheus' text format.
  'GET /_local/metrics': async (deps, { accept }) => {
    if (accept?.includes('text/plain')) {
      return { status: 200, body: deps.metrics.prometheus(), contentType: 'text/plain; version=0.0.4; charset=utf-8' };
    }
    return { status: 200, body: { metrics: deps.metrics.list() } };
  },

  // The last events put on the buses (PutEvents from the functions, the level-up pipe), newest first.
  'GET /_local/events': async (deps, { query }) => {
    const { limit, detailType } = validate(
      busEventsQuery,
      { limit: query.get('limit') ?? undefined, detailType: query.get('detailType') ?? undefined },
      `limit must be 1-${RECENT_BUS_EVENTS_KEPT}`,
    );
    return { status: 200, body: { items: deps.busEvents.list(limit, detailType ? { detailType } : {}) } };
  },

  // The on-failure queues of asynchronous invocations (scheduled jobs), newest record first.
  'GET /_local/destinations': async (deps, { query }) => {
    return { status: 200, body: { items: deps.destinations.list(limitOf(query)) } };
  },
};

/** `?limit=` of the list routes. */
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const limitOf = (query: URLSearchParams) =>
  validate(listQuery, { limit: query.get('limit') ?? undefined }, 'limit must be 1-1000').limit;

const busEventsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(RECENT_BUS_EVENTS_KEPT).default(RECENT_BUS_EVENTS_KEPT),
  detailType: z.string().min(1).optional(),
});

const executionsQuery = listQuery.extend({
  status: z.enum(EXECUTION_STATUSES).optional(),
  stateMachineArn: z.string().min(1).optional(),
});

function executionOf(deps: ControlDeps, params: Readonly<Record<string, string>>): Execution {
  const execution = deps.stepFunctions.get(params['executionId'] ?? '');
  if (!execution) throw new ApiError('ROUTE_NOT_FOUND', `no execution ${params['executionId']}`);
  return execution;
}

function executionSummary(execution: Execution) {
  const { executionId, executionArn, name, stateMachineArn, status, startedAt, stoppedAt, input, error, cause } = execution;
  return { executionId, executionArn, name, stateMachineArn, status, startedAt, ...(stoppedAt ? { stoppedAt } : {}), input, ...(error ? { error, cause } : {}) };
}

/** One execution as the console shows it (its settle promise is the stand-in's own business; its history has its own route). */
function executionDetail(execution: Execution) {
  const { done: _done, history: _history, ...shown } = execution;
  return shown;
}
