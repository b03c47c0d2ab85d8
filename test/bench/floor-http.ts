import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What every floor server shares: its settings, JSON answers, and a bare node:http loop. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`floor server: ${name} is not set`);
  return value;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * Serves `route` on PORT (0: a free one), prints `<name> listening on http://...` when ready
 * (what spawnFloorProcess waits for) and stops on SIGINT/SIGTERM.
 */
export function serveFloor(name: string, route: (request: IncomingMessage, response: ServerResponse) => Promise<void>): void {
  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      console.error(`${name}: request failed`, error);
      if (response.headersSent) response.destroy();
      else sendJson(response, 500, { code: 'INTERNAL' });
    });
  });
  server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(`${name} listening on http://127.0.0.1:${port}`);
  });
  const stop = () => server.close(() => process.exit(0)).closeAllConnections();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
