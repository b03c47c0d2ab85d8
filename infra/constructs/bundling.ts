/**
 * How every function is bundled (esbuild through NodejsFunction), in one place: the construct
 * deploys with it and `npm run bench` bundles with it to measure sizes and module init.
 */
export const LAMBDA_BUNDLING = {
  target: 'node22',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into an ES module still call require(); give them one.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // The Node.js 22 runtime ships AWS SDK v3.
  externalModules: ['@aws-sdk/*'],
} as const;

/** The functions' NODE_OPTIONS: stack traces through the source maps. */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';
