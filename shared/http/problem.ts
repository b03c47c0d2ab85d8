/**
 * The contract's error catalogue and its RFC 9457 problem+json bodies. Use cases throw
 * `ApiError`; the HTTP layer turns it into a response. Anything else becomes a bare 500.
 */
export const errorCatalog = {
  VALIDATION_ERROR: { status: 400, title: 'Validation error' },
  UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  NO_ACTIVE_TOURNAMENT: { status: 404, title: 'No active tournament' },
  TOURNAMENT_NOT_FOUND: { status: 404, title: 'Tournament not found' },
  NOT_PARTICIPATING: { status: 404, title: 'Not participating' },
  ROUTE_NOT_FOUND: { status: 404, title: 'Route not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  /** The gateway's: the request line and headers did not arrive in time. */
  REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  LEVEL_TOO_LOW: { status: 409, title: 'Level too low' },
  INSUFFICIENT_COINS: { status: 409, title: 'Insufficient coins' },
  ENTRY_CLOSED: { status: 409, title: 'Entry closed' },
  TOURNAMENT_NOT_ENDED: { status: 409, title: 'Tournament not ended' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'Idempotent request in progress' },
  /** Local stack only: `POST /_local/clock` never moves time back. */
  CLOCK_MOVED_BACK: { status: 409, title: 'Clock cannot move back' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency key reused' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  /** The gateway's: the request line and headers are over its limit (API Gateway: 10 KiB). */
  HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  INTERNAL: { status: 500, title: 'Internal error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof errorCatalog;

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An error the client caused or may see: it carries a contract code and a safe detail. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: readonly FieldError[],
    /** Sent as `Retry-After`: the client should try again after this many seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail ?? code);
    this.name = 'ApiError';
  }

  get status(): number {
    return errorCatalog[this.code].status;
  }
}

export function problemOf(code: ErrorCode, detail?: string, errors?: readonly FieldError[]): Problem {
  const { status, title } = errorCatalog[code];
  return {
    type: `https://goodswipe.dev/errors/${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(errors === undefined ? {} : { errors }),
  };
}
