import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../support/local-stack.ts';

const READY = /floor listening on (http:\/\/\S+)/;

export interface FloorProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Runs test/bench/floor-server.ts as its own process, like the local stack, so neither server
 * shares an event loop with autocannon. Resolves once it prints its ready line.
 */
export function spawnFloorServer(
  dynamodbEndpoint: string,
  tableName: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<FloorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/floor-server.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: dynamodbEndpoint,
      AWS_REGION: process.env['AWS_REGION'] ?? 'us-east-1',
      // DynamoDB Local takes any credentials, but the SDK refuses to sign without some.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...extraEnv,
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
      const url = READY.exec(output)?.[1];
      if (!url) return;
      child.stdout.off('data', onData);
      resolve({ url, stop });
    };
    child.stdout.on('data', onData);
    void exited.then(() => reject(new Error('floor server exited before it was ready (see its errors above)')));
  });
}
