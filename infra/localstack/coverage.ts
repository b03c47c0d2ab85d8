import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '../repo-root.ts';

/** The committed coverage list (coverage.json): which CloudFormation resource types the LocalStack variant may use. */
export const COVERAGE_FILE = path.join(REPO_ROOT, 'infra', 'localstack', 'coverage.json');

const readOn = z.iso.date();
const coverageSchema = z.strictObject({
  $comment: z.string(),
  plan: z.string(),
  sources: z.array(z.strictObject({ url: z.url(), what: z.string(), read: readOn })).min(1),
  allowed: z
    .array(z.strictObject({ type: z.string().regex(/^AWS::\w+::\w+$/), source: z.url(), read: readOn, note: z.string().optional() }))
    .min(1),
  excluded: z.array(z.strictObject({ type: z.string().regex(/^(AWS::\w+::(\w+|\*)|Custom::\*)$/), why: z.string(), source: z.url(), read: readOn })),
});

export type LocalStackCoverage = z.output<typeof coverageSchema>;

export function localStackCoverage(file = COVERAGE_FILE): LocalStackCoverage {
  return coverageSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Whether `type` matches an entry of the list: an exact type, `AWS::Service::*`, or `Custom::*`. */
export function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}
