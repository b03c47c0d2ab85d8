import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { spawnLocalStack, type StackProcess } from '../support/local-stack.ts';

/**
 * A scheduled job that keeps failing, through the running stack: Scheduler hands it to Lambda's
 * asynchronous invocation, which runs it 3 times (2 retries) and then delivers Lambda's
 * invocation record to the job's on-failure queue, shown by GET /_local/destinations.
 */
describe('a failing scheduled job on the local stack', () => {
  let stack: StackProcess;
  let local: ApiClient;

  beforeAll(async () => {
    stack = await spawnLocalStack(['--ephemeral', '--clock', '2026-05-04T10:00:00Z']);
    local = new ApiClient(stack.url);
  });
  afterAll(() => stack?.stop());

  it('reaches the on-failure queue after 3 attempts, with the error and the scheduled input', async () => {
    expect((await local.get('/_local/destinations')).body).toEqual({ items: [] });
    // Every scheduled job start throws, three times in all; whichever job runs next takes them.
    const armed = await local.post('/_local/faults', { point: 'scheduledJob.start', action: 'error', times: 3 });
    expect(armed.status).toBe(201);

    const moved = await local.post('/_local/clock', { advanceSeconds: 120 });
    expect(moved.status).toBe(200);
    const failed = moved.body.fired.filter((f: { failed?: unknown }) => f.failed);
    expect(failed).toHaveLength(1);
    expect(failed[0].failed).toEqual({ attempts: 3, errorType: 'InjectedFault', destination: expect.any(String) });

    const { items } = (await local.get('/_local/destinations')).body;
    expect(items).toHaveLength(1);
    const [{ queue, record }] = items;
    expect(queue).toBe(failed[0].failed.destination);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: expect.stringMatching(/:\$LATEST$/) },
      requestPayload: { scheduledTime: failed[0].at.replace('.000Z', 'Z') },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'InjectedFault', errorMessage: 'injected fault at scheduledJob.start' },
    });
    // The fault is used up: the jobs run again as usual.
    expect((await local.get('/_local/faults')).body).toEqual({ items: [] });
    const again = await local.post('/_local/clock', { advanceSeconds: 60 });
    expect(again.body.fired.filter((f: { failed?: unknown }) => f.failed)).toEqual([]);
  });
});
