import net from 'node:net';

/** One HTTP/1.1 response as read off the wire. */
export interface RawResponse {
  readonly status: number;
  /** Header names lower-cased; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What came back on the connection: the responses in order, and how the connection ended. */
export interface RawExchange {
  readonly responses: readonly RawResponse[];
  /** 'closed' (by the server, after its answers), 'reset', or 'timeout' (nothing more came). */
  readonly ending: 'closed' | 'reset' | 'timeout';
}

/** Splits complete responses off the front of `data` (content-length framed, as the local stack answers). */
function parseResponses(data: Buffer, expectBodies: boolean): RawResponse[] {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) return responses;
    const [statusLine = '', ...lines] = data.subarray(at, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const length = expectBodies && status >= 200 ? Number(headers['content-length'] ?? 0) : 0;
    const bodyStart = headEnd + 4;
    if (data.length < bodyStart + length) return responses;
    // An interim answer (100 Continue) is not the answer.
    if (status >= 200) responses.push({ status, headers, body: data.subarray(bodyStart, bodyStart + length).toString('utf8') });
    at = bodyStart + length;
  }
}

/**
 * Writes `request` (any bytes: malformed on purpose, pipelined, oversized) to a fresh
 * connection and reads what comes back until the server closes it, `expected` responses have
 * arrived, or `timeoutMs` passes without a byte. `halfClose` ends the client's side once the
 * request is written (a client that sends a short body, then stops).
 */
export function rawExchange(
  port: number,
  request: Buffer | string,
  options: { expected?: number; expectBodies?: boolean; halfClose?: boolean; timeoutMs?: number } = {},
): Promise<RawExchange> {
  const { expected = 1, expectBodies = true, halfClose = false, timeoutMs = 15_000 } = options;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (ending: RawExchange['ending']) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ responses: parseResponses(data, expectBodies), ending });
    };
    socket.setTimeout(timeoutMs, () => finish('timeout'));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (parseResponses(data, expectBodies).length >= expected) finish('closed');
    });
    socket.on('error', () => finish('reset'));
    socket.on('close', () => finish('closed'));
    socket.write(request, () => {
      if (halfClose) socket.end();
    });
  });
}
