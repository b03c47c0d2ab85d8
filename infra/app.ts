/**
 * The CDK app entry (`cdk.json`): `cdk synth|deploy -c stage=<stage>` builds `GoodSwipe-<stage>`
 * for AWS, `-c target=localstack` its LocalStack variant (README, "LocalStack"). Stage and target
 * come from the app's context; the CLI synthesizes the app when this script ends.
 */
import { buildTargetApp } from './build-app.ts';

buildTargetApp();
