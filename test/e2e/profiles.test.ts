import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';

/** The profile and progress routes through HTTP, on a local stack started as `npm start` would. */
describe('profiles and progress over HTTP', () => {
  let stack: StackProcess;
  let anonymous: ApiClient;

  beforeAll(async () => {
    stack = await spawnLocalStack(['--ephemeral']);
    anonymous = new ApiClient(stack.url);
  });
  afterAll(() => stack?.stop());

  const newPlayer = async (username: string, displayName = username) => {
    const session = await anonymous.signIn(username);
    const created = await session.api.post('/users', { displayName });
    expect(created.status).toBe(201);
    return session;
  };

  const expectProblem = (response: { status: number; headers: Headers; body: any }, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({ status, code, type: expect.stringContaining('https://goodswipe.dev/errors/') });
  };

  describe('POST /users', () => {
    it('creates the profile with 1000 coins at level 1, and a retry returns it unchanged', async () => {
      const { api, sub } = await anonymous.signIn('creator');
      const first = await api.post('/users', { displayName: 'Creator' });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ userId: sub, displayName: 'Creator', level: 1, coins: 1000, createdAt: expect.any(String) });
      const again = await api.post('/users', { displayName: 'Someone Else' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    });

    it('grants the starting coins once when 10 creates race', async () => {
      const { api } = await anonymous.signIn('racer');
      const results = await Promise.all(Array.from({ length: 10 }, () => api.post('/users', { displayName: 'Racer' })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 200)).toHaveLength(9);
      expect((await api.get('/users/me')).body.coins).toBe(1000);
    });

    it.each([
      ['an empty name', { displayName: '' }],
      ['a 33-character name', { displayName: 'x'.repeat(33) }],
      ['a control character', { displayName: 'bad\u0007name' }],
      ['a number', { displayName: 42 }],
      ['an unknown field', { displayName: 'ok', coins: 1_000_000 }],
      ['no name', {}],
    ])('refuses %s with 400 VALIDATION_ERROR listing the field', async (_, body) => {
      const { api } = await anonymous.signIn('validator');
      const response = await api.post('/users', body);
      expectProblem(response, 400, 'VALIDATION_ERROR');
      expect(response.body.errors.length).toBeGreaterThan(0);
      expectProblem(await api.get('/users/me'), 404, 'USER_NOT_FOUND');
    });

    it('refuses malformed JSON and bodies over 16 KiB', async () => {
      const { api } = await anonymous.signIn('sloppy');
      expectProblem(await api.request('POST', '/users', { rawBody: '{"displayName": ' }), 400, 'VALIDATION_ERROR');
      expectProblem(await api.post('/users', { displayName: 'x'.repeat(17 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('GET /users/me and /users/{userId}', () => {
    it('shows the owner everything and others the public view', async () => {
      const alice = await newPlayer('alice', 'Alice');
      const bob = await newPlayer('bob', 'Bob');
      expect((await alice.api.get('/users/me')).body).toMatchObject({ userId: alice.sub, coins: 1000 });
      const seenByBob = await bob.api.get(`/users/${alice.sub}`);
      expect(seenByBob.status).toBe(200);
      expect(seenByBob.body).toEqual({ userId: alice.sub, displayName: 'Alice', level: 1 });
    });

    it('answers 404 USER_NOT_FOUND for a caller without a profile and for an unknown id', async () => {
      const { api } = await anonymous.signIn('nobody');
      expectProblem(await api.get('/users/me'), 404, 'USER_NOT_FOUND');
      expectProblem(await api.get('/users/no-such-player'), 404, 'USER_NOT_FOUND');
    });
  });

  describe('POST /users/me/progress', () => {
    it('levels up and pays 100 coins per level', async () => {
      const { api } = await newPlayer('grinder');
      const response = await api.post('/users/me/progress', { levelIncrease: 2 });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ level: 3, coins: 1200, coinsEarned: 200 });
      expect((await api.get('/users/me')).body).toMatchObject({ level: 3, coins: 1200 });
    });

    it('replays a retried Idempotency-Key and pays once; another body with it is 422', async () => {
      const { api } = await newPlayer('retrier');
      const headers = { 'Idempotency-Key': 'level-up-0001' };
      const first = await api.post('/users/me/progress', { levelIncrease: 5 }, headers);
      const retry = await api.post('/users/me/progress', { levelIncrease: 5 }, headers);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expectProblem(await api.post('/users/me/progress', { levelIncrease: 6 }, headers), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect((await api.get('/users/me')).body).toMatchObject({ level: 6, coins: 1500 });
    });

    it('pays a key once when the same request is sent 10 times at once', async () => {
      const { api } = await newPlayer('spammer');
      const headers = { 'Idempotency-Key': 'burst' };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => api.post('/users/me/progress', { levelIncrease: 3 }, headers)),
      );
      for (const r of results) expect(r.body).toEqual({ level: 4, coins: 1300, coinsEarned: 300 });
      expect((await api.get('/users/me')).body.coins).toBe(1300);
    });

    it.each([
      ['zero', { levelIncrease: 0 }],
      ['101', { levelIncrease: 101 }],
      ['a fraction', { levelIncrease: 1.5 }],
      ['a string', { levelIncrease: '2' }],
      ['an unknown field', { levelIncrease: 1, coins: 5 }],
    ])('refuses %s with 400 and changes nothing', async (what, body) => {
      const { api } = await newPlayer(`strict-${what.replaceAll(' ', '-')}`);
      expectProblem(await api.post('/users/me/progress', body), 400, 'VALIDATION_ERROR');
      expect((await api.get('/users/me')).body).toMatchObject({ level: 1, coins: 1000 });
    });

    it('refuses an Idempotency-Key over 64 characters', async () => {
      const { api } = await newPlayer('longkey');
      const response = await api.post('/users/me/progress', { levelIncrease: 1 }, { 'Idempotency-Key': 'k'.repeat(65) });
      expectProblem(response, 400, 'VALIDATION_ERROR');
      expect(response.body.errors[0].field).toBe('Idempotency-Key');
    });

    it('answers 404 USER_NOT_FOUND before a profile exists', async () => {
      const { api } = await anonymous.signIn('early-bird');
      expectProblem(await api.post('/users/me/progress', { levelIncrease: 1 }), 404, 'USER_NOT_FOUND');
    });

    it('answers an injected failure after the commit with a bare 500, and the retry pays nothing more', async () => {
      const { api } = await newPlayer('unlucky');
      await anonymous.post('/_local/faults', { point: 'progress.afterCommit', action: 'error' });
      const failed = await api.post('/users/me/progress', { levelIncrease: 4 }, { 'Idempotency-Key': 'oops' });
      expectProblem(failed, 500, 'INTERNAL');
      expect(JSON.stringify(failed.body)).not.toMatch(/injected|stack|at .*\.ts/);
      const retry = await api.post('/users/me/progress', { levelIncrease: 4 }, { 'Idempotency-Key': 'oops' });
      expect(retry.body).toEqual({ level: 5, coins: 1400, coinsEarned: 400 });
      expect((await api.get('/users/me')).body.coins).toBe(1400);
    });
  });

  describe('authentication and routing', () => {
    it('answers 401 without a token and with a forged token', async () => {
      expectProblem(await anonymous.get('/users/me'), 401, 'UNAUTHORIZED');
      const { token } = await anonymous.signIn('forger');
      const [header, payload] = token.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(86)}`;
      expectProblem(await anonymous.as(forged).get('/users/me'), 401, 'UNAUTHORIZED');
    });

    it('answers 404 ROUTE_NOT_FOUND and 405 METHOD_NOT_ALLOWED as problems', async () => {
      const { api } = await anonymous.signIn('explorer');
      expectProblem(await api.get('/no/such/route'), 404, 'ROUTE_NOT_FOUND');
      const wrongMethod = await api.request('DELETE', '/users/me');
      expectProblem(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
      expect(wrongMethod.headers.get('allow')).toBe('GET');
    });

    it('serves every route of the template (none falls through to 404)', async () => {
      const { api } = await anonymous.signIn('surveyor');
      for (const [method, path] of [
        ['POST', '/users'],
        ['GET', '/users/me'],
        ['GET', '/users/someone'],
        ['POST', '/users/me/progress'],
      ] as const) {
        const response = await api.request(method, path, method === 'POST' ? { body: {} } : {});
        expect(response.body?.code, `${method} ${path}`).not.toBe('ROUTE_NOT_FOUND');
      }
    });
  });
});
