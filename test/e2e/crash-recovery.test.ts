import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack } from '../support/local-stack.ts';
import { TestDatabase } from '../support/stack-with-db.ts';
import { TEST_DAY } from '../support/test-days.ts';

// DynamoDB outlives a crashed process, as it outlives a Lambda: the stacks here use this one,
// each with a state directory of its own (its Redis key prefix and stream checkpoint).
let db: TestDatabase;
const stateDirs: string[] = [];
const newStateDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'goodswipe-crash-'));
  stateDirs.push(dir);
  return dir;
};
beforeAll(async () => {
  db = await TestDatabase.start();
});
afterAll(async () => {
  await db?.stop();
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

describe('exactly once across a crash between the commit and the response', () => {
  it('the process dies after committing; after a restart the retry replays and pays nothing more', async () => {
    const stateDir = newStateDir();
    const first = await spawnLocalStack(['--state-dir', stateDir], db.env);
    const local = new ApiClient(first.url);
    const { api } = await local.signIn('survivor');
    expect((await api.post('/users', { displayName: 'Survivor' })).status).toBe(201);

    await local.post('/_local/faults', { point: 'progress.afterCommit', action: 'crash' });
    const lost = api.post('/users/me/progress', { levelIncrease: 3 }, { 'Idempotency-Key': 'before-crash' });
    await expect(lost).rejects.toThrow(); // the connection drops: no response ever comes
    expect(await first.exited).toBe(70);
    expect(first.output()).toContain('injected crash at progress.afterCommit');

    const second = await spawnLocalStack(['--state-dir', stateDir], db.env);
    try {
      // Keys are new after a restart; the same username is the same player.
      const { api: again } = await new ApiClient(second.url).signIn('survivor');
      // The commit survived the crash...
      expect((await again.get('/users/me')).body).toMatchObject({ level: 4, coins: 1300 });
      // ...and the client's retry gets the first answer without a second payment.
      const retry = await again.post('/users/me/progress', { levelIncrease: 3 }, { 'Idempotency-Key': 'before-crash' });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({ level: 4, coins: 1300, coinsEarned: 300 });
      expect((await again.get('/users/me')).body).toMatchObject({ level: 4, coins: 1300 });
    } finally {
      await second.stop();
    }
  });
});

describe('the outbox across a crash right after the progress commit', () => {
  it('the process dies after committing a level-up; after a restart its score still arrives', async () => {
    const stateDir = newStateDir();
    const args = ['--state-dir', stateDir, '--clock', `${TEST_DAY}T08:00:00Z`];
    const first = await spawnLocalStack(args, db.env);
    const { api } = await new ApiClient(first.url).signIn('scorer');
    await api.post('/users', { displayName: 'Scorer' });
    await api.post('/users/me/progress', { levelIncrease: 9 });
    expect((await api.post('/tournaments/current/entries')).status).toBe(201);

    await new ApiClient(first.url).post('/_local/faults', { point: 'progress.afterCommit', action: 'crash' });
    await expect(api.post('/users/me/progress', { levelIncrease: 2 }, { 'Idempotency-Key': 'lvl-12' })).rejects.toThrow();
    expect(await first.exited).toBe(70);

    const second = await spawnLocalStack(['--state-dir', stateDir, '--clock', `${TEST_DAY}T08:10:00Z`], db.env);
    try {
      const { api: again } = await new ApiClient(second.url).signIn('scorer');
      let score = 0;
      for (let i = 0; i < 100 && score !== 230; i++) {
        score = (await again.get('/tournaments/current/rank')).body.score;
        if (score !== 230) await new Promise((r) => setTimeout(r, 100));
      }
      expect(score).toBe(110 + 120);
    } finally {
      await second.stop();
    }
  });
});
