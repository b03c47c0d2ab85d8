import * as z from '../../shared/validation.ts';
import { config } from '../../shared/config.ts';
import { httpFunction } from '../../shared/http/handler.ts';
import { once } from '../../shared/once.ts';
import { compileRoutes, matchRoute } from '../../shared/http/route-match.ts';
import { problem } from '../../shared/http/response.ts';

// The stack passes the API's route keys, so this function knows which paths exist.
const knownRoutes = once(() => compileRoutes(z.array(z.string()).parse(JSON.parse(config().KNOWN_ROUTES ?? '[]'))));

/** `$default` route — what no route matched: 405 for a known path, else 404, as problem+json. */
export const handler = httpFunction(async (event) => {
  const { method, path } = event.requestContext.http;
  const match = matchRoute(knownRoutes(), method, path);
  if (match.kind === 'wrong-method') {
    const response = problem('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`);
    return { ...response, headers: { ...response.headers, allow: match.allowed.join(', ') } };
  }
  return problem('ROUTE_NOT_FOUND', `no route for ${method} ${path}`);
});
