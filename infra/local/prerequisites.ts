import { spawnSync } from 'node:child_process';

/** A missing tool the local stack needs: reported as one line, exit code 1. */
export class PrerequisiteMissing extends Error {
  override readonly name = 'PrerequisiteMissing';
}

/** DynamoDB Local is a Java program; check for Java 17+ before spawning it. */
export function requireJava17(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new PrerequisiteMissing(
      'Java 17+ is required to run DynamoDB Local: install it (apt-get install openjdk-17-jre-headless) or set DYNAMODB_ENDPOINT.',
    );
  }
  const major = Number(/version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1] ?? 0);
  if (major < 17) {
    throw new PrerequisiteMissing(`Java 17+ is required to run DynamoDB Local, found Java ${major || 'unknown'}: install Java 17 or newer.`);
  }
}
