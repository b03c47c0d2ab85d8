import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../support/local-stack.ts';

export interface FloorProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Runs a floor server script as its own process, like the local stack, so no server shares an
 * event loop with autocannon. Resolves once it prints its ready line (`<ready> http://...`).
 */
export function spawnFloorProcess(script: string, ready: string, env: NodeJS.ProcessEnv): Promise<FloorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      AWS_REGION: process.env['AWS_REGION'] ?? 'us-east-1',
      // DynamoDB Local takes any credentials, but the SDK refuses to sign without some.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...env,
    },
    // Its errors go straight to the bench's stderr, where a failing run is explained.
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = new RegExp(`${ready} (http://\\S+)`).exec(output)?.[1];
      if (!url) return;
      child.stdout.off('data', onData);
      resolve({ url, stop });
    };
    child.stdout.on('data', onData);
    void exited.then(() => reject(new Error(`${script} exited before it was ready (see its errors above)`)));
  });
}

/** The floor of the profile, progress and entry routes (test/bench/floor-server.ts). */
export function spawnFloorServer(
  dynamodbEndpoint: string,
  tableName: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<FloorProcess> {
  return spawnFloorProcess('test/bench/floor-server.ts', 'floor listening on', {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamodbEndpoint,
    ...extraEnv,
  });
}
