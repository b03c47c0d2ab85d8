import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { ContainerScope, runInContainer } from '../../shared/once.ts';
import { ACCOUNT_CONCURRENCY, LambdaThrottledError, LambdaTimeoutError, responsePayload, settleWithin, type LateOutcome } from './lambda-limits.ts';
import type { FunctionModel, LocalModel } from './template.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface InvokeOptions {
  /** The invocation's request id; Lambda keeps one id across the retries of an asynchronous event. */
  readonly requestId?: string;
}

/** JSON round trip: a handler gets a copy of its event, as across Lambda's wire. */
const overTheWire = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

/** The local stack's log: one line on stderr, as the other stand-ins write theirs. */
export const logLocalStackLine = (line: string) => console.error(`Good Swipe local stack: ${line}`);

/**
 * Runs the template's functions in this process: imports each `goodswipe:entry` module once and
 * invokes its handler with a Lambda-shaped context, within the limits Lambda enforces: the
 * function's Timeout and the 6 MB response payload.
 *
 * Concurrency as Lambda has it: one invocation at a time per container. An invocation takes an
 * idle container of its function or starts a new one (a cold start), and runs in that container's
 * scope (`runInContainer`), so the clients it builds through `once()` are that container's alone:
 * a rush of 500 invocations gets 500 socket pools, not one shared pool it would queue behind.
 * And as on Lambda, concurrency has limits: an invocation past the function's reserved
 * concurrency, or past the account's 1,000 at once, is refused unrun (a throttle).
 *
 * A handler still running at its deadline fails the invocation as a Lambda timeout does
 * (`Sandbox.Timedout`). Lambda would stop its sandbox; here it cannot be stopped, so it runs on,
 * its late result (or error) is only logged, never returned to anyone, and its container is
 * never reused (Lambda starts a fresh one after a timeout).
 */
export class LocalLambdaRuntime {
  private readonly loaded = new Map<string, Promise<Handler>>();
  /** Warm containers waiting for an invocation, by function. */
  private readonly idle = new Map<string, ContainerScope[]>();
  /** Every container not yet ended, busy or idle. */
  private readonly live = new Set<ContainerScope>();
  /** Invocations running now, by function (a timed-out one counts until its handler ends, as its container is busy). */
  private readonly running = new Map<string, number>();
  private runningTotal = 0;
  private coldStarts = 0;

  constructor(
    private readonly model: Pick<LocalModel, 'functions'>,
    private readonly repoRoot: string,
    private readonly log: (line: string) => void = logLocalStackLine,
    /** Each function's own environment variables, resolved (the stack's); none in unit tests. */
    private readonly environments: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map(),
  ) {}

  async invoke(functionLogicalId: string, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const fn = this.model.functions.get(functionLogicalId);
    if (!fn) throw new Error(`no function ${functionLogicalId} in the template`);
    // Loading the module is Lambda's Init phase: it does not count against the invocation's timeout.
    const handler = await this.handlerOf(fn);
    const requestId = options.requestId ?? randomUUID();
    this.admit(fn);
    const container = this.takeContainer(fn.logicalId);
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    const run = Promise.resolve().then(() =>
      runInContainer(container, () => handler(overTheWire(event), lambdaContext(fn, requestId, deadline))),
    );
    let timedOut = false;
    try {
      const result = await settleWithin(
        run,
        deadline - Date.now(),
        () => {
          timedOut = true;
          return new LambdaTimeoutError(requestId, fn.timeoutSeconds);
        },
        (outcome) => {
          this.log(lateLine(fn, requestId, outcome));
          this.leave(fn.logicalId);
          void this.end(container);
        },
      );
      return responsePayload(result);
    } finally {
      if (!timedOut) {
        this.leave(fn.logicalId);
        this.release(fn.logicalId, container);
      }
    }
  }

  /** Counts the invocation in, or throttles it as Lambda does past the function's or the account's limit. */
  private admit(fn: FunctionModel): void {
    const running = this.running.get(fn.logicalId) ?? 0;
    if (fn.reservedConcurrency !== undefined && running >= fn.reservedConcurrency) {
      throw new LambdaThrottledError(fn.logicalId, fn.reservedConcurrency);
    }
    if (this.runningTotal >= ACCOUNT_CONCURRENCY) throw new LambdaThrottledError(fn.logicalId, ACCOUNT_CONCURRENCY);
    this.running.set(fn.logicalId, running + 1);
    this.runningTotal += 1;
  }

  private leave(functionLogicalId: string): void {
    this.running.set(functionLogicalId, (this.running.get(functionLogicalId) ?? 1) - 1);
    this.runningTotal -= 1;
  }

  /** How many containers were started (cold starts), and how many are alive now. */
  containers(): { readonly started: number; readonly live: number } {
    return { started: this.coldStarts, live: this.live.size };
  }

  /** Ends every container (closing their clients), as the stack stops. */
  async stop(): Promise<void> {
    this.idle.clear();
    await Promise.all([...this.live].map((container) => this.end(container)));
  }

  private takeContainer(functionLogicalId: string): ContainerScope {
    const warm = this.idle.get(functionLogicalId)?.pop();
    if (warm) return warm;
    this.coldStarts += 1;
    const container = new ContainerScope(this.environments.get(functionLogicalId));
    this.live.add(container);
    return container;
  }

  private release(functionLogicalId: string, container: ContainerScope): void {
    if (!this.live.has(container)) return;
    const idle = this.idle.get(functionLogicalId) ?? [];
    idle.push(container);
    this.idle.set(functionLogicalId, idle);
  }

  private async end(container: ContainerScope): Promise<void> {
    if (!this.live.delete(container)) return;
    await container.dispose().catch((error: unknown) => this.log(`a container's clients did not close: ${String(error)}`));
  }

  private handlerOf(fn: FunctionModel): Promise<Handler> {
    let handler = this.loaded.get(fn.logicalId);
    if (!handler) {
      handler = import(pathToFileURL(path.join(this.repoRoot, fn.entry)).href).then((module) => {
        const exported = module[fn.exportName];
        if (typeof exported !== 'function') throw new Error(`${fn.entry} does not export ${fn.exportName}`);
        return exported as Handler;
      });
      this.loaded.set(fn.logicalId, handler);
    }
    return handler;
  }
}

function lateLine(fn: FunctionModel, requestId: string, outcome: LateOutcome): string {
  const how = outcome.settled === 'resolved' ? 'returned' : `threw ${String(outcome.error)}`;
  return `${fn.logicalId} (request ${requestId}) ${how} after its ${fn.timeoutSeconds} s timeout; ignored (Lambda would have stopped it)`;
}

function lambdaContext(fn: FunctionModel, requestId: string, deadline: number): Context {
  const name = `local-${fn.logicalId}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    // The same deadline the runtime enforces, so a handler that budgets its time sees the truth.
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
