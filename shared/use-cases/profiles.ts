import { newProfile, ownView, publicView, type OwnProfile, type PublicProfile } from '../domain/profile.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import { logger } from '../adapters/observability.ts';
import type { Leaderboards } from '../adapters/redis/leaderboards.ts';
import { ApiError } from '../http/problem.ts';

/**
 * Creates the caller's profile once; a retry returns the existing one unchanged. The new player
 * is put on the global board at once, best effort, so their first board read finds them; the
 * arrival committed with the profile (its outbox item) puts them there for sure, through the
 * score consumer's retries and the redrive, when Redis could not be reached now.
 */
export async function createProfile(
  deps: { users: UserRepository; boards: Leaderboards },
  input: { userId: string; displayName: string; now: Date },
): Promise<{ created: boolean; profile: OwnProfile }> {
  const { created, profile } = await deps.users.createIfAbsent(newProfile(input.userId, input.displayName, input.now));
  if (created) {
    await deps.boards
      .setLevel({ userId: profile.userId, displayName: profile.displayName, level: profile.level, reachedAt: profile.levelReachedAt })
      .catch((error: unknown) => logger.warn('could not add the new player to the global board', { error: error as Error }));
  }
  return { created, profile: ownView(profile) };
}

export async function getOwnProfile(users: UserRepository, userId: string): Promise<OwnProfile> {
  const profile = await users.get(userId);
  if (!profile) throw new ApiError('USER_NOT_FOUND', 'create your profile first with POST /users');
  return ownView(profile);
}

export async function getPublicProfile(users: UserRepository, userId: string): Promise<PublicProfile> {
  const profile = await users.get(userId);
  if (!profile) throw new ApiError('USER_NOT_FOUND', `no player with id ${userId}`);
  return publicView(profile);
}
