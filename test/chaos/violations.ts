/** A broken invariant: a stable id (what the shrinker keeps reproducing), the numbers, and when. */
export interface Violation {
  /** e.g. `coins.balance`, `http.5xx`: the same id means the same bug to the shrinker. */
  readonly invariant: string;
  readonly message: string;
  /** The op during which it was seen; undefined for the checks after the run. */
  readonly opIndex?: number;
}

/** Collects violations; the same invariant and message is kept once (a loop may see it often). */
export class Violations {
  private readonly seen = new Set<string>();
  readonly list: Violation[] = [];

  add(invariant: string, message: string, opIndex?: number): void {
    const id = `${invariant}\n${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.list.push({ invariant, message, ...(opIndex === undefined ? {} : { opIndex }) });
  }
}
