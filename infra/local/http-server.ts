import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { ApiError } from '../../shared/http/problem.ts';
import { validate } from '../../shared/http/request.ts';
import { compileRoutes, matchRoute } from '../../shared/http/route-match.ts';
import { pathParam } from '../../shared/http/schemas.ts';
import { apiDocsAsset, isApiDocsPath } from './api-docs/assets.ts';
import { httpApiEvent, httpApiResult, IntegrationTimeout, withinIntegrationTimeout } from './api-gateway.ts';
import { ClientErrorResponder, MalformedRequest } from './client-errors.ts';
import { consoleSite } from './console/assets.ts';
import { controlRoutes, type ControlDeps } from './control-routes.ts';
import { BodyTooLarge, BodyUnreadable, readBody, send, sendProblem } from './http-io.ts';
import type { LocalJwtIssuer } from './jwt-issuer.ts';
import type { LocalLambdaRuntime } from './lambda-runtime.ts';
import { parseRequestTarget, type RequestTarget } from './request-target.ts';
import type { RouteModel } from './template.ts';

/** API Gateway HTTP API's quota for the request line and headers together. */
const MAX_HEADER_BYTES = 10 * 1024;

export interface LocalHttpDeps extends ControlDeps {
  readonly routes: readonly RouteModel[];
  readonly runtime: LocalLambdaRuntime;
  readonly issuer: LocalJwtIssuer;
  /** How long API Gateway waits for a function (default: HTTP API's 30 s). */
  readonly integrationTimeoutMs?: number;
}

interface StaticFile {
  readonly body: Buffer | string;
  readonly contentType: string;
}

type Serve = (request: IncomingMessage, response: ServerResponse, target: RequestTarget, body: string) => Promise<void>;

/** What a failed request gets: the contract's problem+json, never a stack trace or a reset. */
function answerFailure(request: IncomingMessage, response: ServerResponse, error: unknown): void {
  if (response.headersSent || error instanceof BodyUnreadable) return void response.destroy();
  if (error instanceof MalformedRequest) {
    return sendProblem(response, 'VALIDATION_ERROR', error.message, undefined, { connection: 'close' });
  }
  if (error instanceof BodyTooLarge) return sendProblem(response, 'PAYLOAD_TOO_LARGE', 'request body is too large');
  if (error instanceof ApiError) return sendProblem(response, error.code, error.detail, error.errors);
  // HTTP API stopped waiting after 30 s: 503 (AWS's body is {"message":"Service Unavailable"}).
  if (error instanceof IntegrationTimeout) return sendProblem(response, 'SERVICE_UNAVAILABLE', error.message);
  // What HTTP API does when the function fails (it threw, timed out as Sandbox.Timedout, or
  // returned more than 6 MB): a 500 that reveals nothing ({"message":"Internal Server Error"} on AWS).
  console.error(`Good Swipe local stack: ${request.method} ${request.url} failed:`, error);
  sendProblem(response, 'INTERNAL', 'an unexpected error occurred');
}

/**
 * The local stand-in for API Gateway: `/_local/*` control routes, the API docs (`/openapi.json`,
 * `/docs`), then the template's routes (JWT check where the route has the authorizer, HTTP API v2
 * event, the same handler module).
 * Whatever arrives (a target that is no URL, a method or framing Node cannot parse, headers
 * over the limit) is answered with problem+json; nothing a client sends can stop the process.
 */
export function createLocalHttpServer(deps: LocalHttpDeps): http.Server {
  const apiRoutes = compileRoutes(deps.routes.map((r) => r.routeKey));
  const byRouteKey = new Map(deps.routes.map((r) => [r.routeKey, r]));
  const fallback = byRouteKey.get('$default');
  const localRoutes = compileRoutes(Object.keys(controlRoutes));

  const serveControl: Serve = async (request, response, target, body) => {
    const match = matchRoute(localRoutes, request.method ?? 'GET', target.path);
    if (match.kind === 'wrong-method') return sendProblem(response, 'METHOD_NOT_ALLOWED', `use ${match.allowed.join(', ')}`);
    if (match.kind === 'none') return sendProblem(response, 'ROUTE_NOT_FOUND', `no local route ${target.path}`);
    for (const [name, value] of Object.entries(match.pathParameters)) validate(pathParam, value, 'path is invalid', name);
    let parsed: unknown;
    try {
      parsed = body.length > 0 ? JSON.parse(body) : {};
    } catch {
      return sendProblem(response, 'VALIDATION_ERROR', 'body is not valid JSON', [{ field: '(body)', message: 'malformed JSON' }]);
    }
    const result = await controlRoutes[match.route.routeKey]!(deps, {
      body: parsed,
      query: target.query,
      params: match.pathParameters,
      accept: request.headers.accept ?? '',
    });
    if (result.body === undefined) return send(response, result.status, {}, '');
    if (result.contentType) return send(response, result.status, { 'content-type': result.contentType }, String(result.body));
    send(response, result.status, { 'content-type': 'application/json' }, JSON.stringify(result.body));
  };

  // Static files from a fixed list (the console's, the API docs'): GET and HEAD only, no query or body taken.
  const serveFiles =
    (lookup: (request: IncomingMessage, urlPath: string) => StaticFile | undefined, what: string): Serve =>
    async (request, response, target) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return sendProblem(response, 'METHOD_NOT_ALLOWED', 'use GET', undefined, { allow: 'GET, HEAD' });
      }
      const asset = lookup(request, target.path);
      if (!asset) return sendProblem(response, 'ROUTE_NOT_FOUND', `no ${what} ${target.path}`);
      send(response, 200, { 'content-type': asset.contentType, 'cache-control': 'no-cache' }, asset.body); // Node sends no body to a HEAD
    };
  const serveConsole = serveFiles((_, urlPath) => consoleSite.file(urlPath), 'console file');
  // `/openapi.json` and `/docs` (Swagger UI): local-only and public, like `/_local/*`; on AWS these
  // paths are the `$default` route's. The document lists the server it was fetched from first.
  const serveApiDocs = serveFiles((request, urlPath) => apiDocsAsset(urlPath, request.headers.host), 'docs file');

  const serveApi: Serve = async (request, response, target, body) => {
    const match = matchRoute(apiRoutes, request.method ?? 'GET', target.path);
    const route = match.kind === 'matched' ? byRouteKey.get(match.route.routeKey) : fallback;
    if (!route) return sendProblem(response, 'ROUTE_NOT_FOUND', `no route for ${request.method} ${target.path}`);
    const claims = route.requiresJwt ? await deps.issuer.verify(request.headers.authorization) : undefined;
    if (route.requiresJwt && !claims) return sendProblem(response, 'UNAUTHORIZED', 'missing, expired or invalid bearer token');
    const event = httpApiEvent({
      request,
      target,
      body,
      routeKey: route.routeKey,
      pathParameters: match.kind === 'matched' ? match.pathParameters : {},
      claims,
      now: deps.clock.now(),
    });
    const invocation = deps.runtime.invoke(route.functionLogicalId, event);
    const result = httpApiResult(await withinIntegrationTimeout(invocation, deps.integrationTimeoutMs));
    send(response, result.statusCode, { ...result.headers, 'apigw-requestid': event.requestContext.requestId }, result.body);
  };

  // Node answers a missing Host with an empty 400 of its own: API Gateway does not need one here.
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false });
  const clientErrors = new ClientErrorResponder(server);
  const serve = (request: IncomingMessage, response: ServerResponse) => {
    const target = parseRequestTarget(request.url ?? '/');
    readBody(request, clientErrors.track(request, response))
      .then((body) => {
        if (!target) throw new ApiError('VALIDATION_ERROR', 'the request target is neither a path nor an absolute http(s) URL');
        const serveLocal = consoleSite.covers(target.path) ? serveConsole : serveControl;
        const servePublic = isApiDocsPath(target.path) ? serveApiDocs : serveApi;
        return (target.path.startsWith('/_local/') ? serveLocal : servePublic)(request, response, target, body);
      })
      .catch((error: unknown) => answerFailure(request, response, error))
      .catch(() => response.destroy());
  };
  server.on('request', serve);
  // An `Expect:` other than 100-continue: Node would answer an empty 417; served as if absent.
  server.on('checkExpectation', serve);
  return server;
}
