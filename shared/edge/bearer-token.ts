import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Whose tokens the edge accepts: the checks the HTTP API's JWT authorizer makes on AWS. */
export interface TokenIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The issuer's public keys (a JWKS), by `kid`. */
  readonly keys: JWTVerifyGetKey;
}

/** The local issuer signs ES256 (infra/local/jwt-issuer.ts); RS256 is what most issuers (Cognito too) sign with. */
export const TOKEN_ALGORITHMS = ['ES256', 'RS256'];

/** A JWKS by URL (fetched on first use, then cached and refreshed by jose) or given as it is. */
export function issuerKeySet(jwks: { readonly url: string } | { readonly set: JSONWebKeySet }): JWTVerifyGetKey {
  return 'url' in jwks ? createRemoteJWKSet(new URL(jwks.url)) : createLocalJWKSet(jwks.set);
}

/**
 * The claims of `Authorization: Bearer <JWT>` once its signature (a key of the issuer's), expiry,
 * issuer and audience check out; undefined for a missing, malformed, expired, forged or foreign
 * token. `now` is for tests; the edge checks expiry on the real clock.
 */
export async function verifyBearerToken(authorization: string | undefined, issuer: TokenIssuer, now?: Date): Promise<JWTPayload | undefined> {
  const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return undefined;
  try {
    const { payload } = await jwtVerify(token, issuer.keys, {
      issuer: issuer.issuer,
      audience: issuer.audience,
      algorithms: TOKEN_ALGORITHMS,
      requiredClaims: ['sub', 'exp'],
      ...(now ? { currentDate: now } : {}),
    });
    return payload;
  } catch (error) {
    // A token that does not verify is the caller's problem (401); anything else (the JWKS URL
    // down) is the edge's, and fails the request instead of turning it into a 401.
    if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) return undefined;
    throw error;
  }
}

/** The HTTP API's JWT authorizer hands the claims to the function as strings (non-strings as JSON). */
export function authorizerClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
}
