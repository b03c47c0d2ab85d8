import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A Lambda container's own copies of the values `once()` builds. On Lambda a container is a
 * process, so the module-level copy is the container's. The local stack runs many simulated
 * containers in one process, and runs each invocation inside its container's scope, so that
 * two concurrent invocations never share a client (and its socket pool), as on Lambda.
 */
export class ContainerScope {
  private readonly values = new Map<object, unknown>();

  /** `environment`: the function's own variables (Lambda gives each function only its own). */
  constructor(readonly environment: Readonly<Record<string, string>> = {}) {}
  private readonly disposers: (() => unknown)[] = [];

  valueOf<T>(key: object, build: () => T, dispose?: (value: T) => unknown): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = build();
    this.values.set(key, value);
    if (dispose) this.disposers.push(() => dispose(value));
    return value;
  }

  /** Closes what the container opened (its clients' connections), as a container's end does. */
  async dispose(): Promise<void> {
    const disposers = this.disposers.splice(0);
    this.values.clear();
    await Promise.all(disposers.map(async (dispose) => dispose()));
  }
}

const currentScope = new AsyncLocalStorage<ContainerScope>();

/**
 * The environment the running function sees: on Lambda (and in tests) the process's; in a
 * simulated container, what every function shares plus that function's own variables, so a
 * function that reads a variable its template does not give it fails locally as on AWS.
 */
export function functionEnvironment(): NodeJS.ProcessEnv {
  const scope = currentScope.getStore();
  return scope ? { ...process.env, ...scope.environment } : process.env;
}

/** Runs `fn` (one invocation) inside `scope`: every `once()` value it reaches is that container's. */
export function runInContainer<T>(scope: ContainerScope, fn: () => T): T {
  return currentScope.run(scope, fn);
}

/**
 * The one way this code is lazy: `build` runs on the first call, and every later call (every
 * invocation a warm container serves) gets that same value. For clients and settings a container
 * makes once and some functions never need. `dispose` closes the value when a simulated
 * container ends (the local stack; on Lambda the process just ends).
 */
export function once<T>(build: () => T, dispose?: (value: T) => unknown): () => T {
  const key = {};
  let value: T | undefined;
  let built = false;
  return () => {
    const scope = currentScope.getStore();
    if (scope) return scope.valueOf(key, build, dispose);
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
