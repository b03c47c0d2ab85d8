/** A small HTTP client for the contract's routes, as a game client would call them. */
export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** Headers and body of a JSON request as a game client sends it: bearer token, JSON body. */
export function jsonRequest(options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): {
  headers: Record<string, string>;
  body: string | undefined;
} {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body === undefined) return { headers, body: options.rawBody };
  headers['content-type'] = 'application/json';
  return { headers, body: JSON.stringify(options.body) };
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  as(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  async request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const { headers, body } = jsonRequest({ token: this.token, ...options });
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { body, headers });
  }

  /** Signs in through the local issuer and returns a client acting as that player. */
  async signIn(username: string): Promise<{ api: ApiClient; sub: string; token: string }> {
    const { body } = await this.post<{ token: string; sub: string }>('/_local/sign-in', { username });
    return { api: this.as(body.token), sub: body.sub, token: body.token };
  }
}
