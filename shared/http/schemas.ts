import * as z from '../validation.ts';
import { gameRules } from '../domain/game-rules.ts';
import { isValidDisplayName } from '../domain/profile.ts';

/** Request shapes of the public API. Strict: unknown fields are a validation error. */
export const createUserBody = z.strictObject({
  displayName: z.string().check(z.refine(isValidDisplayName, `must be 1-${gameRules.profile.displayNameMaxLength} printable characters`)),
});

export const progressBody = z.strictObject({
  levelIncrease: z.int().check(z.minimum(gameRules.progress.minLevelIncrease), z.maximum(gameRules.progress.maxLevelIncrease)),
});

/** 1–64 visible ASCII characters (UUIDs, ULIDs and the like). */
export const idempotencyKey = z.string().check(z.regex(/^[\x21-\x7E]{1,64}$/, 'must be 1-64 visible ASCII characters'));

/**
 * A path parameter as the gateway decoded it. Ids never hold a `%`, a control character or
 * U+FFFD, which is what an undecodable percent-encoding leaves (kept as sent, or replaced), so
 * such a parameter is a 400 rather than a lookup of an id that cannot exist.
 */
const pathParamChecks = [
  z.minLength(1),
  // \p{Cs}: a lone surrogate, which no UTF-8 decodes to.
  z.regex(/^[^%\p{Cc}\p{Cs}\uFFFD]*$/u, 'must be valid percent-encoded UTF-8 text, without "%" or control characters'),
] as const;
export const pathParam = z.string().check(...pathParamChecks);

export const userIdParam = z.string().check(...pathParamChecks, z.maxLength(128));

/** The path of the routes under `/tournaments/{tournamentId}/`: `current` or a UTC date (the use case tells which). */
export const tournamentPath = { params: z.strictObject({ tournamentId: pathParam }) };
