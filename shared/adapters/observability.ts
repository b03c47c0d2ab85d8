import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './service-name.ts';

/** One structured logger per container; service name and level come from POWERTOOLS_* variables. */
export const logger = new Logger({ serviceName: SERVICE_NAME });
