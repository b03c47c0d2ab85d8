/** The path and query of a request, as the router and the HTTP API event take them. */
export interface RequestTarget {
  /** Still percent-encoded: the router decodes segment by segment. */
  readonly path: string;
  readonly rawQuery: string;
  readonly query: URLSearchParams;
}

/**
 * Reads a request line's target as API Gateway does: origin form (`/users/me?limit=5`) or
 * absolute form (`http://host:port/users/me`, whose host is ignored). Anything else (an
 * authority, `*`, an absolute URL that does not parse, such as `http://[::1]:99999/`) is
 * undefined: the caller answers 400. Never throws. The origin form is split by hand, not given
 * to `new URL`, which would read `//users/me` as a host and resolve `..` segments.
 */
export function parseRequestTarget(target: string): RequestTarget | undefined {
  let pathAndQuery = target;
  if (!target.startsWith('/')) {
    if (!/^https?:\/\//i.test(target) || !URL.canParse(target)) return undefined;
    const url = new URL(target);
    pathAndQuery = url.pathname + url.search;
  }
  const withoutFragment = pathAndQuery.split('#', 1)[0] ?? '';
  const mark = withoutFragment.indexOf('?');
  const path = mark < 0 ? withoutFragment : withoutFragment.slice(0, mark);
  const rawQuery = mark < 0 ? '' : withoutFragment.slice(mark + 1);
  return { path, rawQuery, query: new URLSearchParams(rawQuery) };
}
