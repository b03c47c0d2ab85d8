import dgram from 'node:dgram';
import diagnostics from 'node:diagnostics_channel';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTableRef } from '../../shared/adapters/dynamo/client.ts';
import { stepFunctionsClient } from '../../shared/adapters/step-functions-client.ts';
import { REDIS_SUBSEGMENTS_PER_INVOCATION, traceRedisCommands, tracer } from '../../shared/adapters/tracer.ts';
import { scheduledJob } from '../../shared/lambda/scheduled-job.ts';

/** The X-Ray SDK's middleware name on a client wrapped by captureAWSv3Client. */
const XRAY_MIDDLEWARE = 'XRaySDKInstrumentation';

const lambdaContext = { functionName: 'Probe', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the tracer off Lambda (tests, the local stack)', () => {
  it('is disabled: no AWS_EXECUTION_ENV', () => {
    expect(process.env['AWS_EXECUTION_ENV']).toBeUndefined();
    expect(tracer.isTracingEnabled()).toBe(false);
  });

  it('leaves the AWS SDK clients unwrapped', () => {
    const { doc } = createTableRef({ tableName: 't', endpoint: 'http://127.0.0.1:1' });
    expect(doc.middlewareStack.identify().join(' ')).not.toContain(XRAY_MIDDLEWARE);
    expect(stepFunctionsClient('http://127.0.0.1:1').middlewareStack.identify().join(' ')).not.toContain(XRAY_MIDDLEWARE);
  });

  it('does not listen to Redis commands', () => {
    expect(diagnostics.hasSubscribers('tracing:ioredis:command:start')).toBe(false);
  });

  it('opens no socket to an X-Ray daemon while a traced handler runs', async () => {
    const createSocket = vi.spyOn(dgram, 'createSocket');
    const handler = scheduledJob('Probe', async () => ({ done: true }));
    await expect(handler({}, lambdaContext)).resolves.toEqual({ done: true });
    expect(createSocket).not.toHaveBeenCalled();
  });
});

/** A stand-in for the X-Ray (sub)segments Powertools hands out on Lambda. */
function fakeSegments(sampled = true) {
  const parent = {
    metadata: {} as Record<string, unknown>,
    children: [] as { name: string; closed: boolean; errors: unknown[] }[],
    addNewSubsegment(name: string) {
      const child = { name, closed: false, errors: [] as unknown[], close() { child.closed = true; }, addError(e: unknown) { child.errors.push(e); } };
      parent.children.push(child);
      return child;
    },
    addMetadata(key: string, value: unknown, namespace?: string) {
      parent.metadata[`${namespace}.${key}`] = value;
    },
  };
  const source = { getSegment: () => parent, isTraceSampled: () => sampled } as unknown as Parameters<typeof traceRedisCommands>[0];
  return { parent, source };
}

/** What ioredis 6 publishes for one command (Redis.sendCommand -> traceCommand). */
const command = (name: string, result: Promise<unknown> = Promise.resolve('OK')) =>
  diagnostics.tracingChannel('ioredis:command').tracePromise(() => result, { command: name, args: ['?'] });

describe('Redis commands as subsegments (on Lambda)', () => {
  it('makes one closed subsegment per command, named by the command, without its arguments', async () => {
    const { parent, source } = fakeSegments();
    const stop = traceRedisCommands(source);
    try {
      await command('zrevrange');
      await command('evalsha');
    } finally {
      stop();
    }
    expect(parent.children.map((c) => [c.name, c.closed])).toEqual([
      ['Redis ZREVRANGE', true],
      ['Redis EVALSHA', true],
    ]);
  });

  it('records a failed command as an error of its subsegment', async () => {
    const { parent, source } = fakeSegments();
    const stop = traceRedisCommands(source);
    try {
      await expect(command('get', Promise.reject(new Error('Command timed out')))).rejects.toThrow('Command timed out');
    } finally {
      stop();
    }
    expect(parent.children[0]?.closed).toBe(true);
    expect(String(parent.children[0]?.errors[0])).toContain('Command timed out');
  });

  it(`stops at ${REDIS_SUBSEGMENTS_PER_INVOCATION} per invocation and counts the rest`, async () => {
    const { parent, source } = fakeSegments();
    const stop = traceRedisCommands(source);
    try {
      for (let i = 0; i < REDIS_SUBSEGMENTS_PER_INVOCATION + 7; i++) await command('hset');
    } finally {
      stop();
    }
    expect(parent.children).toHaveLength(REDIS_SUBSEGMENTS_PER_INVOCATION);
    expect(parent.metadata['redis.untracedCommands']).toBe(7);
  });

  it('costs nothing for an invocation X-Ray does not sample', async () => {
    const { parent, source } = fakeSegments(false);
    const stop = traceRedisCommands(source);
    try {
      await command('get');
    } finally {
      stop();
    }
    expect(parent.children).toEqual([]);
  });
});
