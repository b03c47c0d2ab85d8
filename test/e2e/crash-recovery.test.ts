import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack } from '../support/local-stack.ts';

describe('exactly once across a crash between the commit and the response', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'goodswipe-crash-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('the process dies after committing; after a restart the retry replays and pays nothing more', async () => {
    const first = await spawnLocalStack(['--state-dir', stateDir]);
    const local = new ApiClient(first.url);
    const { api } = await local.signIn('survivor');
    expect((await api.post('/users', { displayName: 'Survivor' })).status).toBe(201);

    await local.post('/_local/faults', { point: 'progress.afterCommit', action: 'crash' });
    const lost = api.post('/users/me/progress', { levelIncrease: 3 }, { 'Idempotency-Key': 'before-crash' });
    await expect(lost).rejects.toThrow(); // the connection drops: no response ever comes
    expect(await first.exited).toBe(70);
    expect(first.output()).toContain('injected crash at progress.afterCommit');

    const second = await spawnLocalStack(['--state-dir', stateDir]);
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
