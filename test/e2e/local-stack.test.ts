import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';

const childPids = (pid: number): number[] => {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
};
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The local clock runs on with real time after it is set: `now` lies between `from` and `from`
 * plus the real time that passed since it was set (the caller measures that). No bound on how
 * long anything takes, so it holds on a busy machine.
 */
function expectClockRanOnFrom(now: string, from: number, realMsSince: number): void {
  const ranOnMs = Date.parse(now) - from;
  expect(ranOnMs, now).toBeGreaterThanOrEqual(0);
  expect(ranOnMs, now).toBeLessThanOrEqual(realMsSince);
}

describe('the local stack (npm start)', () => {
  let stack: StackProcess;
  let local: ApiClient;
  let spawnedAt: number;

  beforeAll(async () => {
    spawnedAt = Date.now();
    stack = await spawnLocalStack(['--ephemeral', '--clock', '2026-03-01T09:00:00Z']);
    local = new ApiClient(stack.url);
  });
  afterAll(() => stack?.stop());

  it('prints the ready line and reports healthy DynamoDB and Redis', async () => {
    expect(stack.output()).toMatch(/^Good Swipe local stack listening on http:\/\/127\.0\.0\.1:\d+$/m);
    const health = await local.get('/_local/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', dynamodb: 'ok', redis: 'ok' });
  });

  it('starts its clock at --clock and only moves it forward', async () => {
    const { body } = await local.get('/_local/clock');
    expectClockRanOnFrom(body.now, Date.parse('2026-03-01T09:00:00Z'), Date.now() - spawnedAt);
    const movedAt = Date.now();
    const moved = await local.post('/_local/clock', { now: '2026-03-02T00:00:00Z' });
    expect(moved.status).toBe(200);
    expectClockRanOnFrom(moved.body.now, Date.parse('2026-03-02T00:00:00Z'), Date.now() - movedAt);
    // Every schedule passed ran, in time order: the sweeps of the day, then midnight's jobs.
    const atMidnight = moved.body.fired.filter((f: { at: string }) => f.at === '2026-03-02T00:00:00.000Z');
    expect(atMidnight.map((f: { schedule: string }) => f.schedule)).toEqual([
      'good-swipe-local-CreateTournament',
      'good-swipe-local-CloseTournament',
      'good-swipe-local-WatchLeaderboards',
      'good-swipe-local-SweepReservations',
    ]);
    const times = moved.body.fired.map((f: { at: string }) => f.at);
    expect(times).toEqual([...times].sort());
    const readAt = Date.now();
    const { body: before } = await local.get('/_local/clock');
    const advanced = await local.post('/_local/clock', { advanceSeconds: 3600 });
    expectClockRanOnFrom(advanced.body.now, Date.parse(before.now) + 3600_000, Date.now() - readAt);
    const back = await local.post('/_local/clock', { now: '2026-03-01T00:00:00Z' });
    expect(back.status).toBe(409);
    expect(back.headers.get('content-type')).toBe('application/problem+json');
    expect((await local.post('/_local/clock', { advanceSeconds: -5 })).status).toBe(400);
  });

  it('signs the same username in as the same sub, with tokens that expire after 7 days of local time', async () => {
    const first = await local.signIn('carol');
    const second = await local.signIn('carol');
    expect(first.sub).toBe(second.sub);
    expect((await local.signIn('dave')).sub).not.toBe(first.sub);
    expect((await first.api.post('/users', { displayName: 'Carol' })).status).toBe(201);
    await local.post('/_local/clock', { advanceSeconds: 7 * 24 * 3600 + 60 });
    const expired = await first.api.get('/users/me');
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('UNAUTHORIZED');
    expect((await (await local.signIn('carol')).api.get('/users/me')).status).toBe(200);
  });

  it('runs a job on demand (npm run job / leaderboards:rebuild)', async () => {
    const rebuilt = await local.post('/_local/jobs/rebuild-leaderboards');
    expect(rebuilt.status).toBe(200);
    // The job starts the rebuild workflow (a Standard execution of its own name).
    expect(rebuilt.body.result).toEqual({ outcome: 'started', execution: expect.stringMatching(/^rebuild-/) });
    expect((await local.post('/_local/jobs/no-such-job')).status).toBe(404);
  });

  it('validates local requests as strictly as the API', async () => {
    expect((await local.post('/_local/sign-in', { username: '' })).status).toBe(400);
    expect((await local.post('/_local/faults', { point: 'nowhere', action: 'crash' })).status).toBe(400);
    expect((await local.get('/_local/nope')).status).toBe(404);
  });

  it('stops itself and every process it started on SIGTERM', async () => {
    const own = await spawnLocalStack(['--ephemeral']);
    const children = childPids(own.child.pid!);
    expect(children.length).toBeGreaterThan(0); // at least DynamoDB Local
    // Its own Redis runs as ElastiCache Serverless does: in cluster mode (redis-server's title says so).
    const titles = children.map((pid) => execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    expect(titles.some((title) => /^redis-server 127\.0\.0\.1:\d+ \[cluster\]$/.test(title)), titles.join('\n')).toBe(true);
    expect(await own.stop()).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    for (const pid of children) expect(isAlive(pid), `child ${pid} still running`).toBe(false);
  });
});

describe('missing prerequisites', () => {
  it('says in one line that Java is missing and exits non-zero', async () => {
    const failed = spawnLocalStack(['--ephemeral'], { PATH: '/nonexistent' });
    await expect(failed).rejects.toThrow(/exited \(1\)[\s\S]*Java 17\+ is required/);
  });

  it('says in one line that Redis does not answer and exits non-zero', async () => {
    const failed = spawnLocalStack(['--ephemeral'], { REDIS_URL: 'redis://127.0.0.1:1' });
    await expect(failed).rejects.toThrow(/exited \(1\)[\s\S]*Redis does not answer/);
  });
});
