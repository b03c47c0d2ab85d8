import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { ApiError, PROBLEM_CONTENT_TYPE, problemOf, type ErrorCode, type FieldError } from '../../shared/http/problem.ts';
import { compileRoutes, matchRoute } from '../../shared/http/route-match.ts';
import { httpApiEvent, httpApiResult } from './api-gateway.ts';
import { controlRoutes, type ControlDeps } from './control-routes.ts';
import type { LocalJwtIssuer } from './jwt-issuer.ts';
import type { LocalLambdaRuntime } from './lambda-runtime.ts';
import { stepFunctionsApi } from './step-functions-api.ts';
import type { RouteModel } from './template.ts';

/** API Gateway's own cap is 10 MB; the functions enforce the contract's 16 KiB. */
const MAX_REQUEST_BYTES = 1024 * 1024;

export interface LocalHttpDeps extends ControlDeps {
  readonly routes: readonly RouteModel[];
  readonly runtime: LocalLambdaRuntime;
  readonly issuer: LocalJwtIssuer;
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
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
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function sendProblem(response: ServerResponse, code: ErrorCode, detail?: string, errors?: readonly FieldError[]): void {
  const problem = problemOf(code, detail, errors);
  send(response, problem.status, { 'content-type': PROBLEM_CONTENT_TYPE }, JSON.stringify(problem));
}

/**
 * The local stand-in for API Gateway: `/_local/*` control routes, then the template's routes
 * (JWT check where the route has the authorizer, HTTP API v2 event, the same handler module).
 */
export function createLocalHttpServer(deps: LocalHttpDeps): http.Server {
  const apiRoutes = compileRoutes(deps.routes.map((r) => r.routeKey));
  const byRouteKey = new Map(deps.routes.map((r) => [r.routeKey, r]));
  const fallback = byRouteKey.get('$default');
  const localRoutes = compileRoutes(Object.keys(controlRoutes));

  const serveControl = async (request: IncomingMessage, response: ServerResponse, url: URL, body: string) => {
    const match = matchRoute(localRoutes, request.method ?? 'GET', url.pathname);
    if (match.kind === 'wrong-method') return sendProblem(response, 'METHOD_NOT_ALLOWED', `use ${match.allowed.join(', ')}`);
    if (match.kind === 'none') return sendProblem(response, 'ROUTE_NOT_FOUND', `no local route ${url.pathname}`);
    let parsed: unknown;
    try {
      parsed = body.length > 0 ? JSON.parse(body) : {};
    } catch {
      return sendProblem(response, 'VALIDATION_ERROR', 'body is not valid JSON', [{ field: '(body)', message: 'malformed JSON' }]);
    }
    const result = await controlRoutes[match.route.routeKey]!(deps, {
      body: parsed,
      query: url.searchParams,
      params: match.pathParameters,
    });
    if (result.body === undefined) return send(response, result.status, {}, '');
    send(response, result.status, { 'content-type': 'application/json' }, JSON.stringify(result.body));
  };

  const serveApi = async (request: IncomingMessage, response: ServerResponse, url: URL, body: string) => {
    const match = matchRoute(apiRoutes, request.method ?? 'GET', url.pathname);
    const route = match.kind === 'matched' ? byRouteKey.get(match.route.routeKey) : fallback;
    if (!route) return sendProblem(response, 'ROUTE_NOT_FOUND', `no route for ${request.method} ${url.pathname}`);
    const claims = route.requiresJwt ? await deps.issuer.verify(request.headers.authorization) : undefined;
    if (route.requiresJwt && !claims) return sendProblem(response, 'UNAUTHORIZED', 'missing, expired or invalid bearer token');
    const event = httpApiEvent({
      request,
      url,
      body,
      routeKey: route.routeKey,
      pathParameters: match.kind === 'matched' ? match.pathParameters : {},
      claims,
      now: deps.clock.now(),
    });
    const result = httpApiResult(await deps.runtime.invoke(route.functionLogicalId, event));
    send(response, result.statusCode, { ...result.headers, 'apigw-requestid': event.requestContext.requestId }, result.body);
  };

  // The AWS SDK's Step Functions calls (JSON protocol, one POST with an X-Amz-Target header).
  const serveAwsApi = async (request: IncomingMessage, response: ServerResponse, _url: URL, body: string) => {
    const result = await stepFunctionsApi(deps.stepFunctions, String(request.headers['x-amz-target']), body);
    send(response, result.status, { 'content-type': 'application/x-amz-json-1.0' }, JSON.stringify(result.body));
  };

  const serverFor = (request: IncomingMessage, url: URL) => {
    if (request.headers['x-amz-target']) return serveAwsApi;
    return url.pathname.startsWith('/_local/') ? serveControl : serveApi;
  };

  return http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    readBody(request)
      .then((body) => serverFor(request, url)(request, response, url, body))
      .catch((error: unknown) => {
        if (response.headersSent) return response.destroy();
        if (error instanceof BodyTooLarge) return sendProblem(response, 'PAYLOAD_TOO_LARGE', 'request body is too large');
        if (error instanceof ApiError) return sendProblem(response, error.code, error.detail, error.errors);
        // What API Gateway does when the integration fails: a 500 that reveals nothing.
        console.error(`Good Swipe local stack: ${request.method} ${url.pathname} failed:`, error);
        sendProblem(response, 'INTERNAL', 'an unexpected error occurred');
      });
  });
}
