import { SignJWT, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { ClockWentBack, LocalClock } from '../../infra/local/clock.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LocalJwtIssuer, subjectFor } from '../../infra/local/jwt-issuer.ts';

describe('local clock', () => {
  it('runs with real time from its start and only moves forward', () => {
    let real = 1_000;
    const clock = new LocalClock(new Date('2026-01-01T00:00:00Z'), () => real);
    real += 5_000;
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:05.000Z');
    clock.moveTo(new Date('2026-01-02T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(() => clock.moveTo(new Date('2026-01-01T00:00:00Z'))).toThrow(ClockWentBack);
  });
});

describe('local JWT issuer', () => {
  it('gives a username the same sub every time', () => {
    expect(subjectFor('alice')).toBe(subjectFor('alice'));
    expect(subjectFor('alice')).not.toBe(subjectFor('bob'));
  });

  it('accepts its own token until it expires on the local clock (7 days)', async () => {
    const clock = new LocalClock(new Date('2026-01-01T00:00:00Z'));
    const issuer = await LocalJwtIssuer.create(clock);
    const { token, sub } = await issuer.signIn('alice');
    expect((await issuer.verify(`Bearer ${token}`))?.sub).toBe(sub);
    clock.moveTo(new Date('2026-01-07T23:00:00Z'));
    expect(await issuer.verify(`Bearer ${token}`)).toBeDefined();
    clock.moveTo(new Date('2026-01-08T00:00:01Z'));
    expect(await issuer.verify(`Bearer ${token}`)).toBeUndefined();
  });

  it('rejects missing, malformed and forged tokens', async () => {
    const issuer = await LocalJwtIssuer.create(new LocalClock());
    expect(await issuer.verify(undefined)).toBeUndefined();
    expect(await issuer.verify('Bearer not-a-jwt')).toBeUndefined();
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('mallory')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);
    expect(await issuer.verify(`Bearer ${forged}`)).toBeUndefined();
  });
});
