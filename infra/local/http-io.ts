import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROBLEM_CONTENT_TYPE, problemOf, type ErrorCode, type FieldError } from '../../shared/http/problem.ts';

/** API Gateway's own cap is 10 MB; the functions enforce the contract's 16 KiB. */
const MAX_REQUEST_BYTES = 1024 * 1024;

export class BodyTooLarge extends Error {}

/** The client went away, or broke the framing, before its body was complete. */
export class BodyUnreadable extends Error {}

/**
 * The request body as text. `abort` lets whoever learns first that the framing broke (the
 * server's `clientError`) end the wait with an error of its choosing.
 */
export function readBody(request: IncomingMessage, abort?: (fail: (error: Error) => void) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new BodyTooLarge());
        request.resume();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => reject(new BodyUnreadable()));
    abort?.(reject);
  });
}

export function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export function sendProblem(
  response: ServerResponse,
  code: ErrorCode,
  detail?: string,
  errors?: readonly FieldError[],
  headers: Record<string, string> = {},
): void {
  const problem = problemOf(code, detail, errors);
  send(response, problem.status, { ...headers, 'content-type': PROBLEM_CONTENT_TYPE }, JSON.stringify(problem));
}

/** A whole HTTP/1.1 problem+json answer, for a socket that has no request object to answer through. */
export function rawProblemResponse(code: ErrorCode, detail: string): string {
  const problem = problemOf(code, detail);
  const body = JSON.stringify(problem);
  return [
    `HTTP/1.1 ${problem.status} ${problem.title}`,
    `content-type: ${PROBLEM_CONTENT_TYPE}`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Connections the kernel holds for the server before its event loop accepts them. Node's default
 * (511) drops new connections (the client's SYN goes unanswered, a 1 s, 3 s, 7 s retry) whenever
 * the one event loop that runs every function falls more than 511 connections behind, as 1,000
 * players reconnecting do (`npm run load`); API Gateway accepts them all. Linux caps it at
 * net.core.somaxconn (4096 on current kernels).
 */
const LISTEN_BACKLOG = 4096;

/** Listens on 127.0.0.1 (`port` 0: a free one); `close` also ends kept-alive connections. */
export async function listenLocally(server: http.Server, port: number): Promise<{ port: number; close: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, resolve);
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { port: (server.address() as AddressInfo).port, close };
}
