import { createHash } from 'node:crypto';
import { SignJWT, errors, generateKeyPair, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import type { LocalClock } from './clock.ts';

export const LOCAL_ISSUER = 'https://local.goodswipe.dev/issuer';
export const LOCAL_AUDIENCE = 'good-swipe-api';
/** The `kid` of the issuer's tokens: a JWKS publishing its public key names it so (infra/localstack). */
export const LOCAL_KEY_ID = 'local';
const TOKEN_LIFETIME_SECONDS = 7 * 24 * 60 * 60;
/** Tokens whose signature checked out, kept at most (the oldest go first): ~6 MB at ~600 bytes each. */
const VERIFIED_TOKENS_KEPT = 10_000;

/** The same username always maps to the same `sub` (a UUID-shaped hash), across restarts. */
export function subjectFor(username: string): string {
  const hex = createHash('sha256').update(`good-swipe-local:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The local stand-in for the Cognito user pool and the HTTP API's JWT authorizer: it signs real
 * ES256 tokens with a key made at start-up and checks signature, expiry (on the local clock),
 * issuer and audience, as the authorizer does. A token's signature, issuer and audience are
 * checked once (an ECDSA verification is most of what a warm read costs the stand-in, and the
 * key lives as long as the process): a token seen before is only checked for its time window,
 * on every request, so every answer is the one a full check would give.
 */
export class LocalJwtIssuer {
  private readonly verified = new Map<string, JWTPayload>();

  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly clock: LocalClock,
  ) {}

  /**
   * `keys`: an ES256 key pair kept elsewhere (the LocalStack variant's issuer keeps one on disk,
   * infra/localstack/issuer-keys.ts); by default a new one, which lives as long as the process.
   */
  static async create(clock: LocalClock, keys?: { privateKey: CryptoKey; publicKey: CryptoKey }): Promise<LocalJwtIssuer> {
    const { privateKey, publicKey } = keys ?? (await generateKeyPair('ES256'));
    return new LocalJwtIssuer(privateKey, publicKey, clock);
  }

  async signIn(username: string): Promise<{ token: string; sub: string }> {
    const sub = subjectFor(username);
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const token = await new SignJWT({ 'cognito:username': username, token_use: 'id' })
      .setProtectedHeader({ alg: 'ES256', kid: LOCAL_KEY_ID })
      .setSubject(sub)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + TOKEN_LIFETIME_SECONDS)
      .sign(this.privateKey);
    return { token, sub };
  }

  /** The verified claims, or undefined for a missing, expired, forged or foreign token. */
  async verify(authorization: string | undefined): Promise<JWTPayload | undefined> {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    const known = this.verified.get(token);
    if (known) return this.inItsWindow(known) ? known : undefined;
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: ['ES256'],
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp'],
      });
      if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, payload);
      return payload;
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }

  /** jwtVerify's time checks, without a tolerance: not expired (exp after now), not before nbf. */
  private inItsWindow(payload: JWTPayload): boolean {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    return payload.exp! > now && (payload.nbf === undefined || payload.nbf <= now);
  }
}
