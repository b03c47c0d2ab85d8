import { z } from 'zod';
import { gameRules } from '../domain/game-rules.ts';
import { isValidDisplayName } from '../domain/profile.ts';

/** Request shapes of the public API. Strict: unknown fields are a validation error. */
export const createUserBody = z.strictObject({
  displayName: z
    .string()
    .refine(isValidDisplayName, `must be 1-${gameRules.profile.displayNameMaxLength} printable characters`),
});

export const progressBody = z.strictObject({
  levelIncrease: z
    .number()
    .int()
    .min(gameRules.progress.minLevelIncrease)
    .max(gameRules.progress.maxLevelIncrease),
});

/** 1–64 visible ASCII characters (UUIDs, ULIDs and the like). */
export const idempotencyKey = z.string().regex(/^[\x21-\x7E]{1,64}$/, 'must be 1-64 visible ASCII characters');

export const userIdParam = z.string().min(1).max(128);
