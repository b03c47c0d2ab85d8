/**
 * The LocalStack variant's API edge (functions/localstack/api-edge.ts) finds each request's
 * function by API Gateway's route key, `METHOD /path/{param}`, as the HTTP API does on AWS.
 */

/** The HTTP API's catch-all route: what no route matches goes to the fallback function. */
export const DEFAULT_ROUTE_KEY = '$default';

export interface RouteTarget {
  /** The route key the function gets in its event (`$default` for the fallback). */
  readonly routeKey: string;
  readonly functionName: string;
}

export class RouteTable {
  /** `functions`: function name by route key, with one for `$default`. */
  constructor(private readonly functions: Readonly<Record<string, string>>) {
    if (!functions[DEFAULT_ROUTE_KEY]) throw new Error(`the route table has no ${DEFAULT_ROUTE_KEY} function`);
  }

  /**
   * A REST API request by its method and matched resource (`/users/{userId}`): the route's
   * function, or the fallback for a method the route lacks (the edge's `ANY`) and for an
   * unknown path (`/{proxy+}`).
   */
  target(httpMethod: string, resource: string): RouteTarget {
    const routeKey = `${httpMethod.toUpperCase()} ${resource}`;
    const functionName = this.functions[routeKey];
    if (functionName !== undefined && routeKey !== DEFAULT_ROUTE_KEY) return { routeKey, functionName };
    return { routeKey: DEFAULT_ROUTE_KEY, functionName: this.functions[DEFAULT_ROUTE_KEY]! };
  }
}
