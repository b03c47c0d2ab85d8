import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory: handler entries, the lock file and the tests' paths are relative to it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
