/**
 * "Now" for code whose event carries no time of its own (a saga step, a deploy trigger). On AWS
 * it is the system clock; the local stack installs its movable clock here, so a developer who
 * moves time sees every function move with it.
 */
let source: () => Date = () => new Date();

export function now(): Date {
  return source();
}

export function installClock(next: (() => Date) | undefined): void {
  source = next ?? (() => new Date());
}
