import type { LoadStats } from './stats.ts';
import type { VuCounts } from './driver.ts';

const WIDTH = 30;

/**
 * The run's progress on stderr: on a terminal one line rewritten 4 times a second (`\r` and
 * erase-line, no package needed); elsewhere (CI, a pipe) a plain line every 10 s, so a log
 * file stays readable.
 */
export class ProgressBar {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private lastRequests = 0;
  private lastAt = Date.now();

  constructor(
    private readonly seconds: number,
    private readonly vus: number,
    private readonly stats: LoadStats,
    private readonly counts: VuCounts,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): void {
    const tty = this.out.isTTY === true;
    this.timer = setInterval(() => this.draw(tty), tty ? 250 : 10_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw(this.out.isTTY === true);
    if (this.out.isTTY) this.out.write('\n');
  }

  private draw(tty: boolean): void {
    const now = Date.now();
    const elapsed = (now - this.startedAt) / 1000;
    const rate = (this.stats.requests - this.lastRequests) / Math.max(0.001, (now - this.lastAt) / 1000);
    this.lastRequests = this.stats.requests;
    this.lastAt = now;
    const done = Math.min(1, elapsed / this.seconds);
    const bar = '#'.repeat(Math.round(done * WIDTH)).padEnd(WIDTH, '.');
    const active = this.counts.started - this.counts.finished;
    const phase = elapsed <= this.seconds ? `${elapsed.toFixed(0)}/${this.seconds} s` : `draining ${active} VU${active === 1 ? '' : 's'}`;
    const line =
      `load [${bar}] ${phase}  VUs ${active}/${this.vus}  ` +
      `${this.stats.requests} req (${rate.toFixed(0)}/s)  errors ${this.stats.errors}  retried ${this.stats.retryable}`;
    this.out.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  }
}
