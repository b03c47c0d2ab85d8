import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IamAuthToken, iamAuthFor, signIamAuthToken } from '../../shared/adapters/redis/iam-auth.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+1=' };
const signingDate = new Date('2026-12-01T12:00:00Z');
const options = { cacheName: 'good-swipe-test', userId: 'good-swipe-test', region: 'us-east-1', credentials, now: () => signingDate };

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Checks a presigned token by the SigV4 rules themselves (not the signer's code). */
function verify(token: string, secret: string): boolean {
  const [host, query] = token.split('/?') as [string, string];
  const parameters = new URLSearchParams(query);
  const signature = parameters.get('X-Amz-Signature');
  parameters.delete('X-Amz-Signature');
  const canonicalQuery = [...parameters.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, '', 'host', sha256('')].join('\n');
  const amzDate = parameters.get('X-Amz-Date')!;
  const [, date, region, service] = /^[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(parameters.get('X-Amz-Credential')!)!;
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex') === signature;
}

describe('ElastiCache IAM auth token', () => {
  it('is a SigV4 presigned connect request for the cache and the user, valid 15 minutes, without http://', async () => {
    const token = await signIamAuthToken(options);
    expect(token.startsWith('good-swipe-test/?')).toBe(true);
    const parameters = new URLSearchParams(token.split('/?')[1]);
    expect(Object.fromEntries(parameters)).toMatchObject({
      Action: 'connect',
      User: 'good-swipe-test',
      ResourceType: 'ServerlessCache',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261201/us-east-1/elasticache/aws4_request',
      'X-Amz-Date': '20261201T120000Z',
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Security-Token': credentials.sessionToken,
    });
    expect(parameters.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(verify(token, credentials.secretAccessKey)).toBe(true);
    expect(verify(token, 'another secret')).toBe(false);
  });

  it('is signed once per 10 minutes, before each connect that needs it, and in the background after that', async () => {
    let now = signingDate.getTime();
    const token = new IamAuthToken({ ...options, now: () => new Date(now) });
    expect(token.current).toBe('');
    await Promise.all([token.refresh(), token.refresh()]);
    const first = token.current;
    expect(first).toContain('X-Amz-Date=20261201T120000Z');
    now += 9 * 60_000;
    await token.refresh();
    expect(token.current).toBe(first);
    now += 2 * 60_000;
    // Older than 10 minutes: still handed out this once, and a new one is being signed.
    expect(token.current).toBe(first);
    await token.refresh();
    expect(token.current).toContain('X-Amz-Date=20261201T121100Z');
  });
});

describe('iamAuthFor: who signs', () => {
  it('the functions on AWS: a user in REDIS_URL, no password, and the cache name', () => {
    expect(iamAuthFor('rediss://good-swipe-test@x.serverless.use1.cache.amazonaws.com:6379', 'good-swipe-test', 'us-east-1')).toBeInstanceOf(IamAuthToken);
  });

  it('nobody else: the local stack and the tests (no user), a URL with its own password, or no cache name', () => {
    expect(iamAuthFor('redis://127.0.0.1:6379', 'good-swipe-local', 'us-east-1')).toBeUndefined();
    expect(iamAuthFor('redis://app:pw@127.0.0.1:6379', 'good-swipe-local', 'us-east-1')).toBeUndefined();
    expect(iamAuthFor('rediss://good-swipe-test@host:6379', undefined, 'us-east-1')).toBeUndefined();
  });
});
