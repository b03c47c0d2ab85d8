import { describe, expect, it } from 'vitest';
import { compileRoutes, decodePathSegment, matchRoute } from '../../shared/http/route-match.ts';

const routes = compileRoutes(['POST /users', 'GET /users/me', 'GET /users/{userId}', 'POST /users/me/progress', '$default']);

describe('route matching (API Gateway rules)', () => {
  it('prefers a literal segment to a parameter', () => {
    const match = matchRoute(routes, 'GET', '/users/me');
    expect(match).toMatchObject({ kind: 'matched', route: { routeKey: 'GET /users/me' } });
  });

  it('binds and decodes path parameters', () => {
    expect(matchRoute(routes, 'GET', '/users/a%20b')).toMatchObject({
      kind: 'matched',
      route: { routeKey: 'GET /users/{userId}' },
      pathParameters: { userId: 'a b' },
    });
  });

  it('never throws on a malformed percent-encoding: the parameter arrives as sent, for its handler to refuse', () => {
    for (const raw of ['%', '%zz', '%FF', '%C0%AF', '%E0%A4%A', '%ED%A0%80', 'x%']) {
      expect(matchRoute(routes, 'GET', `/users/${raw}`)).toMatchObject({ kind: 'matched', pathParameters: { userId: raw } });
      expect(decodePathSegment(raw)).toBe(raw);
    }
  });

  it('decodes literal segments too, as HTTP APIs decode the path before routing', () => {
    expect(matchRoute(routes, 'GET', '/users/m%65')).toMatchObject({ kind: 'matched', route: { routeKey: 'GET /users/me' } });
    expect(matchRoute(routes, 'GET', '/users/a%2Fb')).toMatchObject({ pathParameters: { userId: 'a/b' } });
  });

  it('tells a known path with another method (405) from an unknown path (404)', () => {
    expect(matchRoute(routes, 'DELETE', '/users/me')).toEqual({ kind: 'wrong-method', allowed: ['GET'] });
    expect(matchRoute(routes, 'GET', '/nope')).toEqual({ kind: 'none' });
    expect(matchRoute(routes, 'GET', '/users/me/progress/extra')).toEqual({ kind: 'none' });
  });

  it('ignores trailing slashes and method case', () => {
    expect(matchRoute(routes, 'post', '/users/')).toMatchObject({ kind: 'matched', route: { routeKey: 'POST /users' } });
  });
});
