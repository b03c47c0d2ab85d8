import { generateOps } from '../generate.ts';
import { describeOp } from '../ops.ts';
import { writeFileSync } from 'node:fs';
const [seed, n, from, to] = process.argv.slice(2).map(Number);
const ops = generateOps(seed!, n!);
ops.forEach((op, i) => { if (i >= (from ?? 0) && i <= (to ?? 1e9)) console.log(i, describeOp(op)); });
if (process.argv[6]) writeFileSync(process.argv[6], JSON.stringify({ seed, ops: ops.slice(0, (to ?? ops.length - 1) + 1) }));
