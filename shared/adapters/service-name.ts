/**
 * The Powertools service name of every function: its logs, metrics (the `service` dimension) and
 * traces. infra/constructs/lambda.ts sets POWERTOOLS_SERVICE_NAME to it. No import here, so the
 * CDK app and the Powertools-free metrics list can read it too.
 */
export const SERVICE_NAME = 'good-swipe';
