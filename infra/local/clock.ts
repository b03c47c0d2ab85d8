/**
 * The local stack's clock: real time by default, or started at `--clock`, and it keeps running.
 * It only ever moves forward, as time does on AWS; moving it is how a developer plays a day.
 */
export class LocalClock {
  private offsetMs: number;

  constructor(start?: Date, private readonly realNow: () => number = Date.now) {
    this.offsetMs = start ? start.getTime() - realNow() : 0;
  }

  now(): Date {
    return new Date(this.realNow() + this.offsetMs);
  }

  /** Moves to `to`; refuses to go back. Returns the previous time. */
  moveTo(to: Date): Date {
    const from = this.now();
    if (to.getTime() < from.getTime()) throw new ClockWentBack(from, to);
    this.offsetMs += to.getTime() - from.getTime();
    return from;
  }
}

export class ClockWentBack extends Error {
  constructor(readonly from: Date, readonly to: Date) {
    super(`the local clock only moves forward: it is ${from.toISOString()}, ${to.toISOString()} is in the past`);
  }
}
