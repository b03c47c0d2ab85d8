import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkBoards } from './check-boards.ts';
import { checkCoins, type CoinTotals } from './check-coins.ts';
import { checkGroups } from './check-groups.ts';
import { checkScores } from './check-scores.ts';
import { ChaosDynamoDb, ChaosRedis } from './engines.ts';
import { Executor } from './executor.ts';
import { CHAOS_START } from './generate.ts';
import { RunModel } from './model.ts';
import { describeOp, type Op } from './ops.ts';
import { settle } from './settle.ts';
import { ChaosStack, ClockTracker } from './stack-process.ts';
import { TableReader } from './table-reader.ts';
import { Violations, type Violation } from './violations.ts';

/** The first start synthesizes the app with a cold cache: generous, only against a hang. */
const START_MS = 300_000;

export interface ChaosResult {
  readonly ops: readonly Op[];
  readonly violations: readonly Violation[];
  readonly totals?: CoinTotals;
  /** What the run did beyond the ops (restarts, redrives, waits that timed out). */
  readonly notes: readonly string[];
  readonly wallMs: number;
  /** Stack processes started (1 + restarts and crashes). */
  readonly stackStarts: number;
}

export interface ChaosOptions {
  /** A line of progress (ops done, violations as they appear). */
  readonly log?: (line: string) => void;
  /** Keep the state directory (DynamoDB's files, the stack's checkpoint) for a post-mortem. */
  readonly keep?: boolean;
  /** Log every op with the answers it got. */
  readonly verbose?: boolean;
  /** Stop executing ops at the first violation seen during them (the shrinker's attempts). */
  readonly stopAtFirstViolation?: boolean;
  /** Runs after the checks, with the stack still up (the suite uses it to prove the checker bites). */
  readonly afterChecks?: (session: ChaosSession) => Promise<void>;
}

/**
 * One chaos run: its own DynamoDB Local (files in a temporary directory) and cluster-mode Redis,
 * the local stack as a child process on them, the ops, settling, then every check.
 */
export class ChaosSession {
  readonly violations = new Violations();
  readonly model = new RunModel();
  readonly executor: Executor;

  private constructor(
    readonly dir: string,
    readonly dynamo: ChaosDynamoDb,
    readonly redis: ChaosRedis,
    readonly stack: ChaosStack,
    readonly table: TableReader,
  ) {
    this.executor = new Executor({ model: this.model, violations: this.violations, table, stack, redis, dynamo });
  }

  static async open(): Promise<ChaosSession> {
    const dir = mkdtempSync(path.join(tmpdir(), 'goodswipe-chaos-'));
    const dynamo = await ChaosDynamoDb.start(path.join(dir, 'dynamodb'));
    const redis = await ChaosRedis.start();
    const env = { DYNAMODB_ENDPOINT: dynamo.endpoint, REDIS_URL: redis.url, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
    const stack = new ChaosStack(path.join(dir, 'state'), env, new ClockTracker(CHAOS_START));
    try {
      if (!(await stack.start(START_MS))) throw new Error(`the local stack did not start:\n${stack.recentOutput().slice(-3000)}`);
      return new ChaosSession(dir, dynamo, redis, stack, await TableReader.open(dynamo.endpoint));
    } catch (error) {
      await stack.kill().catch(() => {});
      await redis.stop();
      await dynamo.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs the checks after the run (also again later, e.g. after tampering with the table). */
  async check(): Promise<CoinTotals> {
    const ctx = this.executor.context(-1);
    const snapshot = await this.table.snapshot();
    const now = this.stack.clock.estimate();
    const totals = checkCoins(snapshot, this.model, this.violations);
    checkGroups(snapshot, this.model, this.violations, now);
    checkScores(snapshot, this.model, this.violations, this.executor.notes, now);
    await checkBoards(ctx, snapshot, now);
    return totals;
  }

  async close(keep = false): Promise<void> {
    this.table.close();
    await this.stack.stop().catch(() => {});
    await this.redis.stop().catch(() => {});
    await this.dynamo.stop().catch(() => {});
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `ops` on a fresh stack, settles, checks; never throws for what the product does. */
export async function runChaos(ops: readonly Op[], options: ChaosOptions = {}): Promise<ChaosResult> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const session = await ChaosSession.open();
  let totals: CoinTotals | undefined;
  try {
    let reported = 0;
    for (const [index, op] of ops.entries()) {
      session.executor.trace = [];
      try {
        await session.executor.run(op, index);
      } catch (error) {
        // The runner's own failure (a control call refused): recorded, and the run goes on.
        session.violations.add('runner.error', `${describeOp(op)}: ${(error as Error).stack ?? String(error)}`, index);
      }
      if (options.verbose) log(`  #${index} ${describeOp(op)} -> ${session.executor.trace.join(', ') || 'ok'}`);
      for (const v of session.violations.list.slice(reported)) log(`  violation at #${index} ${describeOp(op)}: [${v.invariant}] ${v.message}`);
      reported = session.violations.list.length;
      if ((index + 1) % 50 === 0) log(`  ${index + 1}/${ops.length} ops, ${Math.round((Date.now() - started) / 1000)} s`);
      if (options.stopAtFirstViolation && reported > 0) break;
    }
    const ctx = session.executor.context(ops.length);
    await settle(ctx);
    totals = await session.check();
    for (const v of session.violations.list.slice(reported)) log(`  violation after the run: [${v.invariant}] ${v.message}`);
    await options.afterChecks?.(session);
  } finally {
    await session.close(options.keep);
  }
  return {
    ops,
    violations: session.violations.list,
    ...(totals ? { totals } : {}),
    notes: session.executor.notes,
    wallMs: Date.now() - started,
    stackStarts: session.stack.generation,
  };
}
