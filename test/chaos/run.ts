import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateOps, playerCountFor } from './generate.ts';
import type { Op } from './ops.ts';
import { formatOps, formatResult } from './report.ts';
import { runChaos } from './session.ts';
import { shrink } from './shrink.ts';

/**
 * `npm run chaos -- --seed N --ops M`: a seeded fault run against a real local stack, then the
 * checks; a violation is shrunk to a short op list, saved, and printed with its replay command.
 * `--replay FILE` runs a saved list, `--list` prints the list and exits, `--upto K` keeps ops 0..K.
 * Exit code 0 clean, 1 violated, 2 the runner itself failed.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      ops: { type: 'string', default: '500' },
      replay: { type: 'string' },
      'no-shrink': { type: 'boolean', default: false },
      'shrink-attempts': { type: 'string', default: '20' },
      'shrink-minutes': { type: 'string', default: '30' },
      keep: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      upto: { type: 'string' },
    },
    strict: true,
  });
  const seed = Number(values.seed);
  const count = Number(values.ops);
  const saved = values.replay ? (JSON.parse(readFileSync(values.replay, 'utf8')) as { seed?: number; ops: Op[] }) : undefined;
  const all = saved?.ops ?? generateOps(seed, count);
  // `--upto K`: only ops 0..K (the prefix up to a violation seen at op K: a cheaper start to shrink from).
  const ops = values.upto === undefined ? all : all.slice(0, Number(values.upto) + 1);
  if (values.list) {
    console.log(formatOps(ops));
    return 0;
  }
  const title = saved ? `chaos replay ${values.replay} (${ops.length} ops)` : `chaos seed ${seed}, ${ops.length} ops, ${playerCountFor(count)} players`;
  const log = (line: string) => console.log(line);

  console.log(`${title}: starting`);
  const result = await runChaos(ops, { log, keep: values.keep, verbose: values.verbose });
  console.log(formatResult(title, result));
  console.log(`CHAOS_RESULT seed=${saved?.seed ?? seed} ops=${ops.length} violations=${result.violations.length} wall_s=${Math.round(result.wallMs / 1000)} stack_starts=${result.stackStarts}`);
  if (result.violations.length === 0) return 0;

  const upto = values.upto === undefined ? '' : ` --upto ${values.upto}`;
  const replay = saved ? `npm run chaos -- --replay ${values.replay}${upto}` : `npm run chaos -- --seed ${seed} --ops ${count}${upto}`;
  console.log(`replay the whole run: ${replay}`);
  // The first violation seen during the ops is the likeliest cause of what follows.
  const target = [...result.violations].sort((a, b) => (a.opIndex ?? Infinity) - (b.opIndex ?? Infinity))[0]!;
  if (values['no-shrink']) return 1;
  console.log(`shrinking for [${target.invariant}] ...`);
  const shrunk = await shrink(ops, target, {
    attempts: Number(values['shrink-attempts']),
    deadline: Date.now() + Number(values['shrink-minutes']) * 60_000,
    run: (candidate) => runChaos(candidate, { stopAtFirstViolation: true }),
    log,
  });
  const dir = path.join(tmpdir(), 'goodswipe-chaos');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `seed-${saved?.seed ?? seed}-${target.invariant}.json`);
  writeFileSync(file, JSON.stringify({ seed: saved?.seed ?? seed, invariant: target.invariant, message: target.message, ops: shrunk.ops }, null, 2));
  console.log(`shortest list found reproducing [${target.invariant}]: ${shrunk.ops.length} of ${ops.length} ops, ${shrunk.attempts} re-runs${shrunk.exhausted ? '' : ' (budget spent: may shrink further)'}`);
  console.log(formatOps(shrunk.ops));
  console.log(`replay it: npm run chaos -- --replay ${file}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos runner failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
