import { z } from 'zod';
import { faultPoints, type FaultPoint } from '../../shared/adapters/faults.ts';

/** What happens at an armed fault point: the step throws, or the whole stack process dies. */
export const faultRuleSchema = z.strictObject({
  point: z.enum(Object.values(faultPoints) as [FaultPoint, ...FaultPoint[]]),
  action: z.enum(['error', 'crash']),
  /** How many hits trigger it before it disarms itself. */
  times: z.number().int().min(1).max(1000).default(1),
});

export type FaultRule = z.output<typeof faultRuleSchema>;

export class InjectedFault extends Error {
  constructor(readonly point: string) {
    super(`injected fault at ${point}`);
    this.name = 'InjectedFault';
  }
}

/** The armed faults of `POST /_local/faults`, consulted by the product code's fault points. */
export class LocalFaults {
  private readonly armed = new Map<FaultPoint, { action: FaultRule['action']; remaining: number }>();

  constructor(private readonly crash: (point: FaultPoint) => never) {}

  arm(rule: FaultRule): void {
    this.armed.set(rule.point, { action: rule.action, remaining: rule.times });
  }

  list(): FaultRule[] {
    return [...this.armed].map(([point, { action, remaining }]) => ({ point, action, times: remaining }));
  }

  clear(): void {
    this.armed.clear();
  }

  readonly inject = (point: FaultPoint): void => {
    const fault = this.armed.get(point);
    if (!fault) return;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.armed.delete(point);
    if (fault.action === 'crash') this.crash(point);
    throw new InjectedFault(point);
  };
}
