/**
 * The CDK app entry (`cdk.json`): `cdk synth|deploy -c stage=<stage>` builds `GoodSwipe-<stage>`.
 * The stage comes from the app's context; the CLI synthesizes the app when this script ends.
 */
import { buildApp } from './build-app.ts';

buildApp();
