/**
 * The one way this code is lazy: `build` runs on the first call, and every later call (every
 * invocation a warm container serves) gets that same value. For clients and settings a container
 * makes once and some functions never need.
 */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
