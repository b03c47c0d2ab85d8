import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../../shared/http/problem.ts';
import { rawProblemResponse } from './http-io.ts';

/** Framing broke in the middle of a body: the request is answered 400 through its own response. */
export class MalformedRequest extends Error {}

/** How long a connection answered with an error may stay open for the client to read it. */
const LINGER_MS = 2000;

interface ConnectionState {
  /** The request whose body is being read, and how to fail that read. */
  reading?: { readonly request: IncomingMessage; readonly fail: (error: Error) => void };
  /** Responses begun on this connection and not finished yet. */
  readonly open: Set<ServerResponse>;
  answered: boolean;
}

/** What Node's HTTP parser reports, as the contract's problems (never the parser's own words). */
function problemFor(error: NodeJS.ErrnoException): { code: ErrorCode; detail: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'HEADERS_TOO_LARGE', detail: 'the request line and headers are over the limit' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'REQUEST_TIMEOUT', detail: 'the request was not received in time' };
    case 'HPE_INVALID_METHOD':
      return { code: 'VALIDATION_ERROR', detail: 'the method is not a known HTTP method (methods are upper case)' };
    default:
      return { code: 'VALIDATION_ERROR', detail: 'the request is not well-formed HTTP/1.1' };
  }
}

/**
 * Answers what Node's HTTP server would answer with an empty 400/431, a 417 or a reset (a
 * request it cannot parse, headers over `maxHeaderSize`, CONNECT) as problem+json, as API
 * Gateway answers malformed requests with its own 4xx. The parser error may come before any
 * request (answered on the socket), in a body being read (answered through that request's
 * response) or behind responses still being written (answered after them).
 */
export class ClientErrorResponder {
  private readonly connections = new WeakMap<Duplex, ConnectionState>();

  constructor(server: http.Server) {
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => this.onClientError(error, socket));
    server.on('connect', (_request: IncomingMessage, socket: Duplex) =>
      this.answer(socket, { code: 'VALIDATION_ERROR', detail: 'CONNECT is not served: this is not a proxy' }),
    );
  }

  /**
   * Called as each request starts: returns the hook `readBody` takes, so a framing error in
   * this request's body fails its read with `MalformedRequest`.
   */
  track(request: IncomingMessage, response: ServerResponse): (fail: (error: Error) => void) => void {
    const state = this.stateOf(request.socket);
    state.open.add(response);
    const done = () => {
      state.open.delete(response);
      if (state.reading?.request === request) state.reading = undefined;
    };
    response.once('finish', done).once('close', done);
    return (fail) => (state.reading = { request, fail });
  }

  private stateOf(socket: Duplex): ConnectionState {
    let state = this.connections.get(socket);
    if (!state) {
      state = { open: new Set(), answered: false };
      this.connections.set(socket, state);
    }
    return state;
  }

  private onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
    const state = this.stateOf(socket);
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // `complete` is set as the parser ends a message: a complete request is not the broken one
    // (the bytes after it are: a pipelined request).
    if (state.reading && !state.reading.request.complete) {
      state.answered = true;
      state.reading.fail(new MalformedRequest('the request body is not well-formed (chunked encoding or length)'));
      return;
    }
    const open = [...state.open];
    if (open.length === 0) return this.answer(socket, problemFor(error));
    // Pipelined requests are still being answered: the error's answer goes after theirs.
    let waiting = open.length;
    for (const response of open) {
      response.once('close', () => {
        if (--waiting === 0) this.answer(socket, problemFor(error));
      });
    }
  }

  /** Writes the problem once per connection, then closes it (after a while, if the client does not). */
  private answer(socket: Duplex, problem: { code: ErrorCode; detail: string }): void {
    const state = this.stateOf(socket);
    if (state.answered) return;
    state.answered = true;
    if (!socket.writable) return void socket.destroy();
    // Reading on keeps unread bytes from turning the close into a reset that loses the answer.
    socket.resume();
    socket.end(rawProblemResponse(problem.code, problem.detail));
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }
}
