import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from '../../infra/constructs/bundling.ts';
import { allFunctionSpecs } from '../../infra/function-specs.ts';
import { fallbackRoute } from '../../infra/routes.ts';
import type { FunctionSpec } from '../../infra/workloads.ts';
import { REPO_ROOT } from '../support/local-stack.ts';
import { positiveIntegerEnv } from './env.ts';
import { median } from '../support/stats.ts';

/**
 * The bundle phase of `npm run bench`: every function bundled as `cdk deploy` bundles it
 * (infra/constructs/bundling.ts), its size against the goal, and its module init (the import of
 * the bundle, what a cold start pays before the handler runs) in fresh Node 22 processes, side by
 * side with a floor: a bare handler importing only the DynamoDB client and document client.
 *
 * BENCH_INIT_SAMPLES (default 7) fresh processes per bundle; floor and bundles alternate, so a
 * busy moment of the machine skews both sides alike.
 */

/** The goals: a function that never talks to Redis, and one that does. */
export const BUNDLE_GOAL_BYTES = { withoutRedis: 200 * 1024, withRedis: 300 * 1024 } as const;
/** Module init of a bundle, as a multiple of the floor's, at most. */
export const INIT_GOAL_RATIO = 1.3;

const OUT_DIR = path.join(REPO_ROOT, 'node_modules/.cache/good-swipe-bench-bundles');
/** The project's pinned Node 22 (the `node` devDependency), as the Lambda runtime runs Node 22. */
const NODE_22 = path.join(REPO_ROOT, 'node_modules/node/bin/node');

const FLOOR_SOURCE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async (event) => (await doc.send(new GetCommand({ TableName: 't', Key: { PK: event.id, SK: 'P' } }))).Item;
`;

export interface BundleRow {
  readonly name: string;
  readonly entry: string;
  readonly usesRedis: boolean;
  readonly bytes: number;
  readonly goalBytes: number;
  readonly initMedianMs: number;
  /** initMedianMs over the floor's median, same run. */
  readonly initRatio: number;
}

export interface BundlesReport {
  readonly node: string;
  readonly samples: number;
  readonly floorBytes: number;
  readonly floorInitMedianMs: number;
  readonly rows: readonly BundleRow[];
  /** The largest bundle's init with and without NODE_OPTIONS=--enable-source-maps (its source map read at load). */
  readonly sourceMaps: { readonly bundle: string; readonly withMs: number; readonly withoutMs: number };
}

/** Every function of the stack, the `$default` fallback too. */
const functionSpecs = (): FunctionSpec[] => [...allFunctionSpecs, { ...fallbackRoute, tableActions: [] }];

async function bundle(entryPoint: string | { contents: string }, outfile: string): Promise<number> {
  await build({
    ...(typeof entryPoint === 'string' ? { entryPoints: [entryPoint] } : { stdin: { ...entryPoint, resolveDir: REPO_ROOT, loader: 'js' } }),
    outfile,
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    external: [...LAMBDA_BUNDLING.externalModules],
    logLevel: 'silent',
  });
  return statSync(outfile).size;
}

const run = promisify(execFile);

/** Milliseconds one fresh process takes to import the module (its init), with the function's NODE_OPTIONS. */
async function initMs(file: string, nodeOptions = LAMBDA_NODE_OPTIONS): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const { stdout } = await run(NODE_22, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'], NODE_OPTIONS: nodeOptions, AWS_REGION: 'us-east-1', TABLE_NAME: 'bench', POWERTOOLS_SERVICE_NAME: 'bench' },
  });
  return Number(stdout.trim().split('\n').at(-1));
}


export async function benchBundles(log: (line: string) => void): Promise<BundlesReport> {
  const samples = positiveIntegerEnv('BENCH_INIT_SAMPLES', 7);
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const floorFile = path.join(OUT_DIR, 'floor.mjs');
  writeFileSync(path.join(OUT_DIR, 'package.json'), '{"type":"module"}');
  const floorBytes = await bundle({ contents: FLOOR_SOURCE }, floorFile);
  const specs = functionSpecs();
  const bundles = await Promise.all(
    specs.map(async (spec) => {
      const file = path.join(OUT_DIR, `${spec.name}.mjs`);
      return { spec, file, bytes: await bundle(path.join(REPO_ROOT, spec.entry), file) };
    }),
  );
  log(`bundles: ${bundles.length} functions bundled; ${samples} fresh Node processes each for init`);
  const floorTimes: number[] = [];
  const times = new Map<string, number[]>(bundles.map((b) => [b.spec.name, []]));
  for (let sample = 0; sample < samples; sample += 1) {
    for (const b of bundles) {
      floorTimes.push(await initMs(floorFile));
      times.get(b.spec.name)!.push(await initMs(b.file));
    }
  }
  const floorInitMedianMs = median(floorTimes);
  const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const withMaps: number[] = [];
  const withoutMaps: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    withMaps.push(await initMs(largest.file));
    withoutMaps.push(await initMs(largest.file, ''));
  }
  const sourceMaps = { bundle: largest.spec.name, withMs: median(withMaps), withoutMs: median(withoutMaps) };
  const rows = bundles.map(({ spec, bytes }): BundleRow => {
    const initMedianMs = median(times.get(spec.name)!);
    const usesRedis = spec.usesRedis === true;
    return {
      name: spec.name,
      entry: spec.entry,
      usesRedis,
      bytes,
      goalBytes: usesRedis ? BUNDLE_GOAL_BYTES.withRedis : BUNDLE_GOAL_BYTES.withoutRedis,
      initMedianMs,
      initRatio: initMedianMs / floorInitMedianMs,
    };
  });
  const { stdout: node } = await run(NODE_22, ['--version']);
  return { node: node.trim(), samples, floorBytes, floorInitMedianMs, rows: rows.sort((a, b) => b.bytes - a.bytes), sourceMaps };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export function bundlesTable(report: BundlesReport): string {
  const lines = [
    `Bundles and module init (${report.node}, median of ${report.samples} fresh processes; floor ${kb(report.floorBytes)}, init ${report.floorInitMedianMs.toFixed(0)} ms; goals ${kb(BUNDLE_GOAL_BYTES.withoutRedis)} / ${kb(BUNDLE_GOAL_BYTES.withRedis)} with Redis, init <= ${INIT_GOAL_RATIO}x floor)`,
    '',
    '| function | Redis | bundle | goal | init ms | init / floor |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...report.rows.map((row) =>
      `| ${row.name} | ${row.usesRedis ? 'yes' : ''} | ${kb(row.bytes)}${row.bytes > row.goalBytes ? ' (over)' : ''} | ${kb(row.goalBytes)} | ${row.initMedianMs.toFixed(0)} | ${row.initRatio.toFixed(2)}${row.initRatio > INIT_GOAL_RATIO ? ' (over)' : ''} |`,
    ),
    '',
    `source maps (${report.sourceMaps.bundle}): init ${report.sourceMaps.withMs.toFixed(0)} ms with --enable-source-maps, ${report.sourceMaps.withoutMs.toFixed(0)} ms without`,
  ];
  return lines.join('\n');
}
