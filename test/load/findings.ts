/** What the load test found wrong beyond HTTP errors: a broken promise of the contract. */
export interface Finding {
  /** A stable id, e.g. `coins.balance`, `progress.replay`: the same id is the same bug. */
  readonly check: string;
  readonly message: string;
}

/** Collects findings; counts every one but keeps the first few messages of each check. */
export class Findings {
  private static readonly KEPT_PER_CHECK = 20;
  readonly counts: Record<string, number> = {};
  readonly examples: Finding[] = [];

  add(check: string, message: string): void {
    const seen = (this.counts[check] = (this.counts[check] ?? 0) + 1);
    if (seen <= Findings.KEPT_PER_CHECK) this.examples.push({ check, message });
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}
