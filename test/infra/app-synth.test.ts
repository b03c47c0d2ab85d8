import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { ENTRY_METADATA_KEY } from '../../infra/constructs/lambda.ts';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'goodswipe-synth-'));

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/**
 * The real `cdk synth` path: bundling on, with the project's own esbuild (no Docker, no network).
 * Each function's code asset is a directory in the cloud assembly holding an ES-module bundle.
 */
it('synthesizes the stack with an esbuild ESM bundle for every function', () => {
  const { app, stack } = buildApp({ stage: 'test', outdir });
  const assembly = app.synth();

  const template = assembly.getStackArtifact(stack.artifactId).template as {
    Resources: Record<
      string,
      { Type: string; Properties: { Code?: { S3Key?: string } }; Metadata?: Record<string, unknown> }
    >;
  };
  // The project's functions (CDK's own Trigger provider is bundled by CDK, not by us).
  const functions = Object.values(template.Resources).filter(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.[ENTRY_METADATA_KEY] !== undefined,
  );
  expect(functions).toHaveLength(Object.keys(stack.functions).length);

  for (const fn of functions) {
    // The asset's S3 key is `<asset hash>.zip`; the staged bundle is `asset.<asset hash>/`.
    const assetHash = fn.Properties.Code?.S3Key?.replace(/\.zip$/, '');
    const bundle = path.join(assembly.directory, `asset.${assetHash}`, 'index.mjs');
    expect(fs.existsSync(bundle), bundle).toBe(true);
    expect(fs.readFileSync(bundle, 'utf8')).toContain('createRequire');
  }
}, 120_000);
