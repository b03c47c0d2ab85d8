import { newProfile, ownView, publicView, type OwnProfile, type PublicProfile } from '../domain/profile.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import { ApiError } from '../http/problem.ts';

/** Creates the caller's profile once; a retry returns the existing one unchanged. */
export async function createProfile(
  users: UserRepository,
  input: { userId: string; displayName: string; now: Date },
): Promise<{ created: boolean; profile: OwnProfile }> {
  const { created, profile } = await users.createIfAbsent(newProfile(input.userId, input.displayName, input.now));
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
