import { tournamentIdOn } from '../../shared/domain/tournament.ts';
import { judgeResponse, type Allowance } from './check-responses.ts';
import type { ChaosDynamoDb, ChaosRedis } from './engines.ts';
import { call, type Outcome } from './http.ts';
import type { RunModel } from './model.ts';
import type { Op } from './ops.ts';
import type { ChaosStack } from './stack-process.ts';
import { startStack } from './stack-start.ts';
import type { TableReader } from './table-reader.ts';
import type { Violations } from './violations.ts';
import { runClaim } from './handlers/claims.ts';
import { runEnter, runEnterWhileLevelling, runRush } from './handlers/entries.ts';
import { runEngineOp, runEnterThroughRedisBlip, runFaultEntry, runFaultJob, runFaultProgress } from './handlers/faults-and-engines.ts';
import { runAdvanceClock, runPastMidnight, runPastNoon } from './handlers/clock.ts';
import { runCreatePlayer, runLevelUp, runReuseKey } from './handlers/progress.ts';
import { runRead } from './handlers/reads.ts';

/** What every op handler gets: the run's engines, its bookkeeping, and calls that sign in as needed. */
export interface OpContext {
  readonly index: number;
  readonly model: RunModel;
  readonly violations: Violations;
  readonly table: TableReader;
  readonly stack: ChaosStack;
  readonly redis: ChaosRedis;
  readonly dynamo: ChaosDynamoDb;
  /** A call as player `p` (signed in on the current stack process). */
  api(p: number, method: string, path: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<Outcome>;
  /** Signs player `p` in on the current process (their sub is known afterwards). */
  signIn(p: number): Promise<void>;
  /** A `/_local/*` call; control calls are the runner's own and must succeed. */
  control(method: string, path: string, body?: unknown): Promise<Outcome>;
  judge(route: string, outcome: Outcome, allowance?: Allowance): void;
  /** If the stack process has died: judges the death (expected only after an armed crash) and starts it again. */
  recover(crashArmed: boolean): Promise<void>;
  /** The tournament of the local clock's day, as the runner estimates it. */
  today(): string;
  note(line: string): void;
}

/** How long a process whose crash fault fired may take to exit. */
const EXIT_WAIT_MS = 20_000;

/** Runs ops one at a time against the stack; an op may send several requests at once. */
export class Executor {
  private readonly tokens = new Map<number, { generation: number; token: string }>();
  readonly notes: string[] = [];
  /** The answers of the op running now (`POST /users/me/progress 200`, ...), for a verbose log. */
  trace: string[] = [];

  constructor(
    private readonly deps: Omit<OpContext, 'index' | 'api' | 'signIn' | 'control' | 'judge' | 'recover' | 'today' | 'note'>,
  ) {}

  async run(op: Op, index: number): Promise<void> {
    const ctx = this.context(index);
    // A process that died since the last op (a crash armed for a job the ticker ran) starts again first.
    if (!this.deps.stack.running) await ctx.recover(false);
    switch (op.kind) {
      case 'createPlayer':
        return runCreatePlayer(ctx, op);
      case 'levelUp':
        return runLevelUp(ctx, op);
      case 'reuseKey':
        return runReuseKey(ctx, op);
      case 'enter':
        return runEnter(ctx, op);
      case 'rush':
        return runRush(ctx, op);
      case 'enterWhileLevelling':
        return runEnterWhileLevelling(ctx, op);
      case 'enterThroughRedisBlip':
        return runEnterThroughRedisBlip(ctx, op);
      case 'claim':
        return runClaim(ctx, op);
      case 'read':
        return runRead(ctx, op);
      case 'advanceClock':
        return runAdvanceClock(ctx, op);
      case 'pastNoon':
        return runPastNoon(ctx);
      case 'pastMidnight':
        return runPastMidnight(ctx);
      case 'faultEntry':
        return runFaultEntry(ctx, op);
      case 'faultProgress':
        return runFaultProgress(ctx, op);
      case 'faultJob':
        return runFaultJob(ctx, op);
      default:
        return runEngineOp(ctx, op);
    }
  }

  context(index: number): OpContext {
    const { deps } = this;
    const ctx: OpContext = {
      ...deps,
      index,
      api: async (p, method, path, options = {}) => {
        const token = await this.tokenOf(ctx, p);
        return call(deps.stack.url, method, path, { ...options, ...(token ? { token } : {}) });
      },
      signIn: async (p) => {
        await this.tokenOf(ctx, p);
      },
      control: async (method, path, body) => {
        const outcome = await call(deps.stack.url, method, path, body === undefined ? {} : { body });
        if (outcome.ok && outcome.json?.now) deps.stack.clock.saw(outcome.json.now);
        return outcome;
      },
      judge: (route, outcome, allowance) => {
        this.trace.push(`${route.replace(/^(GET|POST) /, '')} ${outcome.ok ? `${outcome.status}${outcome.status >= 400 ? ` ${outcome.json?.code ?? ''}` : ''}` : 'dropped'}`);
        const before = deps.violations.list.length;
        judgeResponse(deps.violations, index, route, outcome, allowance);
        // An unexpected 5xx: what the function logged is the first clue.
        if (outcome.ok && outcome.status >= 500 && deps.violations.list.length > before) {
          const errors = deps.stack.recentOutput().split('\n').filter((line) => /"level":"ERROR"|Error:/.test(line));
          for (const line of errors.slice(-2)) ctx.note(`${route} ${outcome.status}, the stack logged: ${line.slice(0, 700)}`);
        }
      },
      recover: async (crashArmed) => {
        const exit = deps.stack.running ? await deps.stack.exitWithin(EXIT_WAIT_MS) : await deps.stack.exitWithin(0);
        if (!exit && deps.stack.running) return;
        if (!(crashArmed && exit?.code === 70)) {
          deps.violations.add('stack.died', `the stack exited (${exit?.code}) with no crash armed:\n${exit?.output.slice(-1500) ?? ''}`, index);
        }
        deps.stack.retire();
        await startStack(deps.stack, deps.redis, deps.violations, index, ctx.note);
        ctx.note(`stack restarted after exit ${exit?.code}`);
      },
      today: () => tournamentIdOn(deps.stack.clock.estimate()),
      note: (line) => this.notes.push(`#${index} ${line}`),
    };
    return ctx;
  }

  /** A token from the current process's issuer (tokens of a dead process no longer verify). */
  private async tokenOf(ctx: OpContext, p: number): Promise<string | undefined> {
    const known = this.tokens.get(p);
    if (known?.generation === this.deps.stack.generation) return known.token;
    const player = this.deps.model.player(p);
    const outcome = await ctx.control('POST', '/_local/sign-in', { username: player.username });
    if (!outcome.ok || outcome.status !== 200) return undefined;
    const { token, sub } = outcome.json as { token: string; sub: string };
    if (player.sub !== undefined && player.sub !== sub) {
      this.deps.violations.add('identity.sub', `${player.username} signed in as ${sub}, before as ${player.sub}`, ctx.index);
    }
    player.sub = sub;
    this.tokens.set(p, { generation: this.deps.stack.generation, token });
    return token;
  }
}
