import type { Op } from './ops.ts';
import type { ChaosResult } from './session.ts';
import type { Violation } from './violations.ts';

export interface ShrinkOptions {
  /** Re-runs allowed (each starts a fresh stack: tens of seconds). */
  readonly attempts: number;
  /** Real time allowed, whatever attempts are left. */
  readonly deadline: number;
  readonly run: (ops: readonly Op[]) => Promise<ChaosResult>;
  readonly log: (line: string) => void;
}

export interface ShrinkResult {
  readonly ops: readonly Op[];
  readonly attempts: number;
  /** Whether the list is 1-minimal as far as the budget let it look (no chunk left to drop). */
  readonly exhausted: boolean;
}

/**
 * Delta debugging with a bounded budget: first drop every op of one kind at a time, then Zeller's
 * ddmin (complements only): drop a chunk of the list, keep the rest if the run still breaks the
 * same invariant, else try smaller chunks. Runs
 * are not fully deterministic (real time passes under the local clock), so a list is kept only
 * when a run reproduced the violation; the violation's op cuts the tail first, for free.
 */
export async function shrink(ops: readonly Op[], target: Violation, options: ShrinkOptions): Promise<ShrinkResult> {
  let attempts = 0;
  const reproduces = async (candidate: readonly Op[]): Promise<ChaosResult | undefined> => {
    attempts++;
    const result = await options.run(candidate);
    const hit = result.violations.find((v) => v.invariant === target.invariant);
    options.log(`  shrink attempt ${attempts}: ${candidate.length} ops -> ${hit ? 'reproduced' : 'passed'}`);
    return hit ? result : undefined;
  };
  const budgetLeft = () => attempts < options.attempts && Date.now() < options.deadline;
  /** Ops after the one the violation was seen at cannot have caused it. */
  const cut = (list: readonly Op[], result: ChaosResult) => {
    const seenAt = result.violations.find((v) => v.invariant === target.invariant)?.opIndex;
    return seenAt === undefined ? list : list.slice(0, seenAt + 1);
  };

  let current = target.opIndex === undefined ? ops : ops.slice(0, target.opIndex + 1);
  if (current.length < ops.length) {
    const result = await reproduces(current);
    current = result ? cut(current, result) : ops;
  }
  // First, whole kinds of op at a time (all claims, all reads...): cheap, and it keeps together the
  // few ops of different kinds a bug needs, which random chunks tear apart.
  const kinds = [...new Set(current.map((op) => op.kind))];
  for (const kind of kinds) {
    if (!budgetLeft() || current.length <= 1) break;
    const last = current.length - 1;
    const candidate = current.filter((op, i) => op.kind !== kind || i === last);
    if (candidate.length === current.length) continue;
    const result = await reproduces(candidate);
    if (result) current = cut(candidate, result);
  }
  let chunks = 2;
  while (current.length > 1 && budgetLeft()) {
    const size = Math.ceil(current.length / chunks);
    let reduced = false;
    for (let start = 0; start < current.length && budgetLeft(); start += size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      const result = await reproduces(candidate);
      if (result) {
        current = cut(candidate, result);
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (size === 1) return { ops: current, attempts, exhausted: true };
    chunks = Math.min(current.length, chunks * 2);
  }
  return { ops: current, attempts, exhausted: current.length <= 1 };
}
