import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { sendWithRetries } from './client-retries.ts';
import { checkCoins } from './coin-check.ts';
import { runVirtualUsers, type VuCounts } from './driver.ts';
import { Findings } from './findings.ts';
import { LoadHttp, StackConnections } from './http.ts';
import { cpuUsed, listenOverflows, processTreeCpu } from './process-tree.ts';
import { ProgressBar } from './progress-bar.ts';
import { StackWatch } from './stack-watch.ts';
import { writeJson } from '../bench/report.ts';
import { markdownReport, type LoadReport } from './report.ts';
import { loadSettings, type LoadSettings } from './settings.ts';
import { LoadStats } from './stats.ts';

/**
 * `npm run load`: LOAD_VUS virtual users (1,000) play for LOAD_SECONDS (60) against a fresh
 * `--ephemeral` local stack whose clock starts just after midnight (or the stack at LOAD_URL),
 * then every player's coins are checked. Prints the figures, writes them to
 * test/load/results/latest.json, and exits non-zero on any real error or broken check.
 */

const RESULTS_FILE = path.join(REPO_ROOT, 'test/load/results/latest.json');
const STACK_LOG = path.join(REPO_ROOT, 'test/load/results/latest-stack.log');
/** The stack's own lines kept for the log file, at most (its warnings under load can be many). */
const STACK_LOG_BYTES = 2_000_000;

const log = (line: string) => console.error(`load: ${line}`);

/** Today's tournament as an observer sees it: the fee and the id the check needs. */
async function readTournament(http: LoadHttp, runId: string): Promise<{ tournamentId: string; status: string; entryFee: number }> {
  const policy = { giveUpAt: Date.now() + 60_000, maxRetryable: 10, maxFailed: 3 };
  const health = await sendWithRetries(() => http.send('health', 'GET', '/_local/health'), policy, Math.random);
  if (!health.outcome.ok || health.outcome.status !== 200) throw new Error(`the stack is not healthy: ${JSON.stringify(health.outcome)}`);
  const signIn = await http.send('sign-in', 'POST', '/_local/sign-in', { body: { username: `load-${runId}-observer` } });
  if (!signIn.ok || signIn.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(signIn)}`);
  const current = await http.send('tournament', 'GET', '/tournaments/current', { token: signIn.json.token });
  if (!current.ok || current.status !== 200) throw new Error(`no tournament to enter: ${JSON.stringify(current)}`);
  const { tournamentId, status, entryFee } = current.json;
  return { tournamentId, status, entryFee };
}

async function load(settings: LoadSettings, url: string, stack: StackProcess | undefined, signal: AbortSignal, loadAverageBefore: number[]): Promise<LoadReport> {
  const runId = Date.now().toString(36);
  // A few connections over the VUs' own: the concurrent duplicates, and the check after the load.
  const connections = new StackConnections(url, settings.connections + 16);
  let stackExit: string | undefined;
  void stack?.exited.then((code) => (stackExit = `exit code ${code}`));
  try {
    const tournament = await readTournament(new LoadHttp(connections, new LoadStats()), runId);
    if (tournament.status !== 'OPEN') log(`tournament ${tournament.tournamentId} is ${tournament.status}: the VUs will not enter`);
    log(`${settings.vus} VUs for ${settings.seconds} s against ${url} (tournament ${tournament.tournamentId} ${tournament.status})`);

    const stats = new LoadStats();
    const findings = new Findings();
    const counts: VuCounts = { started: 0, finished: 0 };
    const startedAt = Date.now();
    const endsAt = startedAt + settings.seconds * 1000;
    const idempotency = { replays: 0, duplicates: 0 };
    const env = {
      http: new LoadHttp(connections, stats),
      idempotency,
      findings,
      endsAt,
      drainUntil: endsAt + settings.drainSeconds * 1000,
      thinkMs: settings.thinkMs,
      seed: settings.seed,
      runId,
      signal,
    };
    const cpuBefore = processTreeCpu(stack?.child.pid);
    const overflowsBefore = listenOverflows();
    const driverBefore = process.cpuUsage();
    const bar = new ProgressBar(settings.seconds, settings.vus, stats, counts);
    const watch = new StackWatch(url, stack?.child.pid);
    bar.start();
    watch.start();
    const ledgers = await runVirtualUsers(settings.vus, settings.rampSeconds * 1000, env, counts);
    const watched = await watch.stop();
    bar.stop();
    const seconds = (Date.now() - startedAt) / 1000;
    const driverCpu = process.cpuUsage(driverBefore);
    const stackCpu = cpuUsed(cpuBefore, processTreeCpu(stack?.child.pid));
    const loadAverageAfter = os.loadavg();
    const overflowsAfter = listenOverflows();

    log('checking every player\'s coins and entries');
    const checkStats = new LoadStats();
    const checkStarted = Date.now();
    const coins = await checkCoins(new LoadHttp(connections, checkStats), ledgers, tournament, findings);
    const load = stats.summary(seconds);
    const check = checkStats.summary((Date.now() - checkStarted) / 1000);

    const players = {
      vus: settings.vus,
      withProfile: ledgers.filter((l) => l.start).length,
      entered: ledgers.filter((l) => l.entry).length,
      entryUnanswered: ledgers.filter((l) => l.entryUnanswered).length,
      progressUnanswered: ledgers.reduce((sum, l) => sum + l.progressUnanswered, 0),
      idempotencyReplays: idempotency.replays,
      idempotencyDuplicates: idempotency.duplicates,
    };
    const failures = [
      ...(load.errors > 0 ? [`${load.errors} real errors during the load`] : []),
      ...(check.errors > 0 ? [`${check.errors} errors in the check's reads`] : []),
      ...(findings.total > 0 ? [`${findings.total} findings`] : []),
      ...(players.withProfile < players.vus ? [`${players.vus - players.withProfile} VUs got no profile`] : []),
      ...(stackExit ? [`the stack exited (${stackExit})`] : []),
      ...(signal.aborted ? ['interrupted'] : []),
    ];
    return {
      finishedAt: new Date().toISOString(),
      node: process.version,
      cpus: os.availableParallelism(),
      loadAverageBefore,
      loadAverageAfter,
      settings,
      target: settings.url ? `the stack at ${settings.url}` : `a fresh --ephemeral local stack, clock from ${settings.clock}`,
      tournament,
      players,
      load,
      check,
      coins,
      findings: { total: findings.total, counts: findings.counts, examples: findings.examples },
      cpuSeconds: { driver: (driverCpu.user + driverCpu.system) / 1e6, stack: stackCpu },
      watch: watched,
      ...(overflowsBefore !== undefined && overflowsAfter !== undefined ? { listenOverflows: overflowsAfter - overflowsBefore } : {}),
      ...(stackExit ? { stackExit } : {}),
      passed: failures.length === 0,
      failures,
    };
  } finally {
    await connections.close();
  }
}

async function main(): Promise<void> {
  const settings = loadSettings();
  // Before anything of ours runs: whatever else the machine is doing shows here.
  const loadAverageBefore = os.loadavg();
  const abort = new AbortController();
  let stack: StackProcess | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      log(`${signal} again, stopping now`);
      void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
      return;
    }
    log(`${signal}: the VUs stop after their current request (again to quit at once)`);
    abort.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  let report: LoadReport;
  try {
    if (!settings.url) {
      log(`starting a fresh local stack (--ephemeral, clock ${settings.clock})`);
      stack = await spawnLocalStack(['--ephemeral', '--clock', settings.clock]);
    }
    report = await load(settings, settings.url ?? stack!.url, stack, abort.signal, loadAverageBefore);
  } finally {
    if (stack) writeFileSync(STACK_LOG, stack.output().slice(-STACK_LOG_BYTES));
    await stack?.stop();
  }
  console.log(markdownReport(report));
  writeJson(report, RESULTS_FILE);
  log(`results written to ${path.relative(REPO_ROOT, RESULTS_FILE)}${stack ? `, the stack's output to ${path.relative(REPO_ROOT, STACK_LOG)}` : ''}`);
  if (!report.passed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error('load failed:', error);
  process.exit(1);
});
