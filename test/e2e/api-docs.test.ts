import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../infra/local/openapi-document.ts';
import { REPO_ROOT, spawnLocalStack, type StackProcess } from '../support/local-stack.ts';
import { rawExchange } from '../support/raw-http.ts';
import { TEST_DAY } from '../support/test-days.ts';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test/e2e/artifacts');
/** Waits that only catch a hang. */
const UNTIL = { timeout: 30_000 };

const SWAGGER_UI = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const DOCS_DIR = path.join(REPO_ROOT, 'infra/local/api-docs');

/** Each file of the docs page: URL path, the file it must be, its content type. */
const FILES: readonly [string, string, string][] = [
  ['/docs', path.join(DOCS_DIR, 'index.html'), 'text/html; charset=utf-8'],
  ['/docs/', path.join(DOCS_DIR, 'index.html'), 'text/html; charset=utf-8'],
  ['/docs/docs.js', path.join(DOCS_DIR, 'docs.js'), 'text/javascript; charset=utf-8'],
  ['/docs/docs.css', path.join(DOCS_DIR, 'docs.css'), 'text/css; charset=utf-8'],
  ['/docs/swagger-ui-bundle.js', path.join(SWAGGER_UI, 'swagger-ui-bundle.js'), 'text/javascript; charset=utf-8'],
  ['/docs/swagger-ui.css', path.join(SWAGGER_UI, 'swagger-ui.css'), 'text/css; charset=utf-8'],
  ['/docs/favicon-32x32.png', path.join(SWAGGER_UI, 'favicon-32x32.png'), 'image/png'],
];

const operationCount = () =>
  Object.values(loadOpenApiDocument().paths).reduce<number>(
    (n, item) => n + ['get', 'put', 'post', 'delete', 'patch'].filter((m) => (item as Record<string, unknown>)[m] !== undefined).length,
    0,
  );

describe('the API docs of a running stack (/openapi.json, /docs)', () => {
  let stack: StackProcess;
  let port: number;
  let browser: Browser | undefined;

  const get = (target: string, headers: string[] = []) =>
    rawExchange(port, [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...headers, 'Connection: close', '', ''].join('\r\n')).then((x) => x.responses[0]!);

  beforeAll(async () => {
    stack = await spawnLocalStack(['--ephemeral', '--clock', `${TEST_DAY}T08:00:00Z`]);
    port = Number(new URL(stack.url).port);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('serves the OpenAPI document without a token, with this stack first among its servers', async () => {
    const response = await fetch(`${stack.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const doc = loadOpenApiDocument();
    const served = await response.json();
    expect(served).toEqual({ ...doc, servers: [{ url: stack.url, description: expect.stringContaining('/_local/sign-in') }, ...doc.servers!] });
    // The server entry is the host the client reached, as long as it is a plain host[:port].
    const viaLocalhost = await rawExchange(port, `GET /openapi.json HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`);
    expect(JSON.parse(viaLocalhost.responses[0]!.body).servers[0].url).toBe(`http://localhost:${port}`);
    const bent = await rawExchange(port, 'GET /openapi.json HTTP/1.1\r\nHost: evil.example/x?y\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(bent.responses[0]!.body).servers).toEqual(doc.servers);
  });

  it('serves the docs page and Swagger UI from node_modules, byte for byte, with their content types', async () => {
    for (const [urlPath, file, contentType] of FILES) {
      const response = await fetch(`${stack.url}${urlPath}`);
      expect(response.status, urlPath).toBe(200);
      expect(response.headers.get('content-type'), urlPath).toBe(contentType);
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(file)), urlPath).toBe(true);
    }
    const head = await fetch(`${stack.url}/docs`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('answers any other file under /docs 404, other methods 405, and leaves every other path to the API', async () => {
    for (const target of ['/docs/swagger-ui.js', '/docs/index.html', '/docs/../package.json', '/docs/%2e%2e/package.json', '/docs/..%2F..%2Fpackage.json', '/docs/swagger-ui-bundle.js.map']) {
      const response = await get(target);
      expect([response.status, response.headers['content-type'], JSON.parse(response.body).code], target).toEqual([404, 'application/problem+json', 'ROUTE_NOT_FOUND']);
    }
    const post = await fetch(`${stack.url}/docs`, { method: 'POST' });
    expect([post.status, post.headers.get('allow'), ((await post.json()) as { code: string }).code]).toEqual([405, 'GET, HEAD', 'METHOD_NOT_ALLOWED']);
    // Not ours: the product's $default route, behind the authorizer (401 without a token).
    for (const target of ['/openapi.yaml', '/docsx', '/openapi.json/x']) expect((await get(target)).status, target).toBe(401);
  });

  const describeInBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
  describeInBrowser(existsSync(CHROMIUM) ? 'the docs page (headless Chromium)' : `the docs page: SKIPPED, ${CHROMIUM} is not installed (apt-get install chromium)`, () => {
    let page: Page;
    const outside: string[] = [];
    const errors: string[] = [];

    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      });
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on('request', (request) => {
        if (!request.url().startsWith(stack.url) && !request.url().startsWith('data:')) outside.push(request.url());
      });
      page.on('pageerror', (error) => errors.push(error.message));
    });

    /** Try it out on `GET /users/me` and the status it answers. */
    async function tryGetMe(): Promise<string> {
      const operation = page.locator('#operations-Users-getMe');
      if (!(await operation.locator('.execute').isVisible())) {
        if (!(await operation.locator('.try-out__btn').isVisible())) await operation.locator('.opblock-summary-control').click();
        await operation.locator('.try-out__btn').click();
      }
      await operation.locator('.execute').click();
      const status = operation.locator('.live-responses-table .response .response-col_status');
      await status.waitFor(UNTIL);
      const text = (await status.textContent())!.trim();
      await operation.locator('.btn-clear').click();
      return text;
    }

    it('renders every operation of the document, and nothing is fetched from outside the stack', async () => {
      await page.goto(`${stack.url}/docs`);
      await page.locator('.opblock').first().waitFor(UNTIL);
      await expect(page.locator('.info .title').textContent()).resolves.toContain('Good Swipe API');
      await expect(page.locator('.opblock').count()).resolves.toBe(operationCount());
      await expect(page.locator('.servers select').inputValue()).resolves.toBe(stack.url);
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('signs in through /_local/sign-in and authorizes: Try it out then carries the token', async () => {
      expect(await tryGetMe()).toBe('401');
      await page.locator('#username').fill('docs-reader');
      await page.locator('#sign-in button').click();
      await page.locator('#signed-in', { hasText: /^authorized as docs-reader \(sub .+\)$/ }).waitFor(UNTIL);
      // Accepted token, no profile yet: the contract's 404 USER_NOT_FOUND, not 401.
      expect(await tryGetMe()).toBe('404');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.evaluate('window.scrollTo(0, 0)'); // the sign-in form and the first operations
      await page.screenshot({ path: path.join(ARTIFACTS, 'api-docs.png') });
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    });
  });
});
