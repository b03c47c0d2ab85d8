import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.ts';
import { REPO_ROOT, spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { TEST_DAY } from '../support/test-days.ts';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test/e2e/artifacts');
/** Waits that only catch a hang: the page polls every 1.5 s. */
const UNTIL = { timeout: 30_000 };

/** A player at level 10 (1900 coins) who may enter. */
async function eligiblePlayer(local: ApiClient, username: string) {
  const session = await local.signIn(username);
  expect((await session.api.post('/users', { displayName: username })).status).toBe(201);
  expect((await session.api.post('/users/me/progress', { levelIncrease: 9 })).status).toBe(200);
  return session;
}

describe('the Step Functions API of a running stack (AWS SDK)', () => {
  let stack: StackProcess;
  let local: ApiClient;
  let sfn: SFNClient;
  let browser: Browser | undefined;

  beforeAll(async () => {
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${TEST_DAY}T08:00:00Z`]);
    local = new ApiClient(stack.url);
    const { body } = await local.get('/_local/health');
    sfn = new SFNClient({
      endpoint: body.stepFunctionsEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      disableHostPrefix: true,
    });
  });
  afterAll(async () => {
    await browser?.close();
    sfn?.destroy();
    await stack?.stop();
  });

  it('prints where the API and the console are, before the ready line', () => {
    expect(stack.output()).toMatch(/^Good Swipe local stack: Step Functions API \(local control plane, no auth\) on http:\/\/127\.0\.0\.1:\d+$/m);
    expect(stack.output()).toContain(`Good Swipe local stack: Step Functions console on ${stack.url}/_local/console`);
  });

  it('describes the template\'s state machines, and serves the Standard ones\' executions and histories', async () => {
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines!.map((m) => [m.name, m.type])).toEqual([
      ['good-swipe-local-entry', 'EXPRESS'],
      ['good-swipe-local-rebuild', 'STANDARD'],
      ['good-swipe-local-seal', 'STANDARD'],
    ]);
    const [entry, rebuild] = stateMachines!;
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: entry!.stateMachineArn }));
    expect(JSON.parse(described.definition!).StartAt).toBe('ValidateEntry');
    expect(described.roleArn).toMatch(/^arn:aws:iam::000000000000:role\/EntrySagaStateMachineRole/);
    expect(described.loggingConfiguration).toEqual({
      level: 'ALL',
      includeExecutionData: true,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/vendedlogs/states/good-swipe-local-entry:*' } }],
    });
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: entry!.stateMachineArn }))).rejects.toMatchObject({ name: 'StateMachineTypeNotSupported' });

    // The deploy's trigger started the first leaderboard build: a Standard execution with Maps.
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: rebuild!.stateMachineArn, statusFilter: 'SUCCEEDED' }));
    expect(executions!.length).toBeGreaterThan(0);
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: executions![0]!.executionArn, maxResults: 1000 }));
    expect(events![0]!.type).toBe('ExecutionStarted');
    expect(events!.map((e) => e.type)).toEqual(expect.arrayContaining(['MapStateEntered', 'MapIterationStarted', 'LambdaFunctionSucceeded', 'MapStateExited']));
    expect(events!.at(-1)!.type).toBe('ExecutionSucceeded');
  });

  const describeInBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
  describeInBrowser(existsSync(CHROMIUM) ? 'the console page (headless Chromium)' : `the console page: SKIPPED, ${CHROMIUM} is not installed (apt-get install chromium)`, () => {
    let page: Page;

    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      });
      page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    });

    it('shows a failed entry\'s path on the saga\'s graph, with the failed state\'s error', async () => {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${stack.url}/_local/console`);
      await page.locator('#machine-list button[data-machine="good-swipe-local-entry"]').waitFor(UNTIL);

      // An entry whose JoinGroup step fails: the saga refunds, then ends in EntryFailed.
      const player = await eligiblePlayer(local, 'console-viewer');
      await local.post('/_local/faults', { point: 'JoinGroup', action: 'error', times: 20 });
      try {
        expect((await player.api.post('/tournaments/current/entries')).status).toBe(503);
      } finally {
        await local.request('DELETE', '/_local/faults');
      }
      const { body } = await local.get('/_local/executions?status=FAILED&limit=20');
      const failed = body.items.find((e: { input: { userId: string } }) => e.input.userId === player.sub);
      expect(failed).toMatchObject({ status: 'FAILED', error: expect.any(String) });

      // It arrives in the list without a reload (the page polls), and opens on a click.
      const row = page.locator(`tr[data-execution-id="${failed.executionId}"]`);
      await row.waitFor(UNTIL);
      await row.click();
      const node = (state: string) => page.locator(`#graph g.node[data-state="${state}"]`);
      await node('EntryFailed').and(page.locator('.failed')).waitFor(UNTIL);
      for (const state of ['ValidateEntry', 'ReserveCoins', 'RefundReservation']) await expect(node(state).getAttribute('class')).resolves.toContain('succeeded');
      await expect(node('JoinGroup').getAttribute('class')).resolves.toContain('caught');
      await expect(node('ConfirmReservation').getAttribute('class')).resolves.not.toContain('visited');
      await expect(page.locator('#graph g.edge.taken[data-from="JoinGroup"][data-to="RefundReservation"]').count()).resolves.toBe(1);
      await expect(page.locator('#graph g.edge.taken[data-from="JoinGroup"][data-to="ConfirmReservation"]').count()).resolves.toBe(0);

      // The execution's error, and the failed state's own error, input and output.
      // The page polls: on a busy machine the status may still show a poll from before the end.
      await expect.poll(() => page.locator('#execution-status').textContent(), UNTIL).toBe('FAILED');
      await expect(page.locator('#execution-error').textContent()).resolves.toBe(failed.error);
      const joinGroup = page.locator('#steps li[data-step="JoinGroup"]');
      await expect(joinGroup.locator('.error').first().textContent()).resolves.toContain(failed.error);
      await expect(joinGroup.locator('pre.input').textContent()).resolves.toContain(player.sub);
      await node('JoinGroup').click();
      await expect(page.locator('#state-detail .error').first().textContent()).resolves.toContain(failed.error);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'console-failed-entry.png'), fullPage: true });
      expect(errors).toEqual([]);
    });

    it('filters the executions by status and machine', async () => {
      await page.selectOption('#filter-status', 'SUCCEEDED');
      await page.locator('#execution-rows tr').first().waitFor(UNTIL);
      await page.waitForFunction(`[...document.querySelectorAll('#execution-rows td.status')].every((td) => td.textContent === 'SUCCEEDED')`, undefined, UNTIL);
      const machines = await page.locator('#execution-rows tr td:nth-child(2)').allTextContents();
      expect(machines).toContain('good-swipe-local-rebuild');
      const entry = await page.locator('#filter-machine option', { hasText: 'good-swipe-local-entry' }).getAttribute('value');
      await page.selectOption('#filter-machine', entry!);
      await page.selectOption('#filter-status', 'FAILED');
      // (The page's own code, run in the browser: the list holds only failed entries.)
      const onlyFailedEntries = `[...document.querySelectorAll('#execution-rows tr')].every(
        (tr) => tr.children[1].textContent === 'good-swipe-local-entry' && tr.children[2].textContent === 'FAILED',
      ) && document.querySelectorAll('#execution-rows tr').length > 0`;
      await page.waitForFunction(onlyFailedEntries, undefined, UNTIL);
    });
  });
});
