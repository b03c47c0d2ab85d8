import { gameRules } from '../../shared/domain/game-rules.ts';
import { seededRandom } from '../../infra/local/seeded-random.ts';
import { describe, pause, sendWithRetries, type RetryPolicy } from './client-retries.ts';
import type { Findings } from './findings.ts';
import type { Answer, LoadHttp, Outcome } from './http.ts';

/** What a VU was told by the stack: the coin check at the end holds the stack to it. */
export interface PlayerLedger {
  readonly index: number;
  readonly username: string;
  sub?: string;
  token?: string;
  /** The profile as POST /users answered it: the level and coins this run starts from. */
  start?: { readonly level: number; readonly coins: number };
  /** Levels that progress answers acknowledged, each Idempotency-Key counted once. */
  levelsGained: number;
  /** Progress requests that never got a final answer: the level may or may not have moved. */
  progressUnanswered: number;
  /** Whether the VU asked to enter, and the entry it was told about (201 or 200). */
  entryAsked: boolean;
  entry?: { readonly tournamentId: string; readonly groupId: string };
  /** The VU asked to enter and never got a final answer: the check reads whether it was made. */
  entryUnanswered: boolean;
}

/** What every VU shares: the client, where findings go, and the run's clock (epoch ms). */
export interface VuEnvironment {
  readonly http: LoadHttp;
  readonly findings: Findings;
  /** No new action starts after this. */
  readonly endsAt: number;
  /** An entry already asked for may still be retried until then (an honest 503 is retried to its end). */
  readonly drainUntil: number;
  readonly thinkMs: number;
  readonly seed: number;
  /** Names this run's players apart from any earlier run's on the same stack. */
  readonly runId: string;
  readonly signal: AbortSignal;
  /** How many idempotency retries were compared with the first answer (findings say which differed). */
  readonly idempotency: { replays: number; duplicates: number };
}

interface Tournament {
  readonly tournamentId: string;
  readonly status: string;
  readonly entryFee: number;
  readonly minLevel: number;
  readonly groupSize: number;
}

/** Of the progress calls: the answer is "lost" and the same key and body are sent again after it. */
const REPLAY_AFTER_ANSWER = 0.04;
/** Of the progress calls: the client gives up waiting and resends while the first is still in flight. */
const CONCURRENT_DUPLICATE = 0.01;
/** Of the global board reads: the whole top 1,000 instead of the first page of 100. */
const TOP_1000 = 0.1;

type Action = 'progress' | 'me' | 'globalTop' | 'globalRank' | 'groupBoard' | 'groupRank';

/** How often a player does what, before and after entering (a progress call is a level played). */
const MIX_BEFORE_ENTRY: readonly [Action, number][] = [['progress', 60], ['me', 10], ['globalTop', 15], ['globalRank', 15]];
const MIX_ENTERED: readonly [Action, number][] = [
  ['progress', 40], ['me', 10], ['globalTop', 10], ['globalRank', 10], ['groupBoard', 15], ['groupRank', 15],
];

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const isOk = (outcome: Outcome, ...statuses: number[]): outcome is Answer => outcome.ok && statuses.includes(outcome.status);

/**
 * One player's session, sequential as a phone's is: sign in, create the profile, look at today's
 * tournament, then play levels, check boards and ranks, and enter once at level 10, with a think
 * time between actions. Every choice comes from the VU's own seeded generator. It checks what
 * it can see at once (each progress answer's level and coins, an entry's charge, a replay's body)
 * and keeps a ledger of what it was told for the coin check at the end.
 */
export class VirtualUser {
  readonly ledger: PlayerLedger;
  private readonly random: () => number;
  private level: number = gameRules.profile.startLevel;
  private coins: number = gameRules.profile.startCoins;
  private tournament: Tournament | undefined;
  private keys = 0;

  constructor(
    index: number,
    private readonly env: VuEnvironment,
  ) {
    this.random = seededRandom(env.seed * 1_000_003 + index);
    this.ledger = {
      index,
      username: `load-${env.runId}-${index}`,
      levelsGained: 0,
      progressUnanswered: 0,
      entryAsked: false,
      entryUnanswered: false,
    };
  }

  async run(): Promise<void> {
    if (!(await this.signIn()) || !(await this.createProfile())) return;
    await this.readTournament();
    while (!this.over()) {
      // A think time that would end after the run is cut short: the VU simply stops there.
      await pause(Math.min(this.thinkTime(), this.env.endsAt - Date.now()), this.env.signal);
      if (this.over()) break;
      await this.act();
    }
  }

  private over(): boolean {
    return this.env.signal.aborted || Date.now() >= this.env.endsAt;
  }

  /** Exponential with the configured mean (clipped to 50 ms .. 5x the mean): a Poisson-like stream of actions. */
  private thinkTime(): number {
    const mean = this.env.thinkMs;
    return Math.min(5 * mean, Math.max(50, -Math.log(1 - this.random()) * mean));
  }

  /** A client keeps retrying an honest "not now" until `giveUpAt` (the run's end; the drain for what must be settled). */
  private policy(giveUpAt = this.env.endsAt): RetryPolicy {
    return { giveUpAt, maxRetryable: 100, maxFailed: 2 };
  }

  private call(route: string, method: 'GET' | 'POST', path: string, options: { body?: unknown; headers?: Record<string, string> } = {}, giveUpAt?: number) {
    const send = () => this.env.http.send(route, method, path, { ...options, ...(this.ledger.token ? { token: this.ledger.token } : {}) });
    return sendWithRetries(send, this.policy(giveUpAt), this.random, this.env.signal);
  }

  private async signIn(): Promise<boolean> {
    // Onboarding is retried into the drain: a VU that never gets a profile plays nothing.
    const { outcome } = await this.call('POST /_local/sign-in', 'POST', '/_local/sign-in', { body: { username: this.ledger.username } }, this.env.drainUntil);
    if (!outcome.ok || outcome.status !== 200) return false;
    this.ledger.sub = outcome.json.sub;
    this.ledger.token = outcome.json.token;
    return true;
  }

  private async createProfile(): Promise<boolean> {
    const { outcome, attempts } = await this.call('POST /users', 'POST', '/users', { body: { displayName: `Load ${this.ledger.index}` } }, this.env.drainUntil);
    if (!outcome.ok || outcome.verdict !== 'ok') return false;
    // A retry may find the profile its lost first attempt made (200, safe to retry); a first attempt must create it.
    if (outcome.status !== 201 && attempts === 1) {
      this.env.findings.add('profile.new', `${this.ledger.username}: POST /users answered ${outcome.status}, expected 201 for a new player`);
    }
    this.level = outcome.json.level;
    this.coins = outcome.json.coins;
    this.ledger.start = { level: this.level, coins: this.coins };
    return true;
  }

  private async readTournament(): Promise<void> {
    const { outcome } = await this.call('GET /tournaments/current', 'GET', '/tournaments/current');
    if (outcome.ok && outcome.status === 200) this.tournament = outcome.json;
  }

  private async act(): Promise<void> {
    const t = this.tournament;
    const eligible = t?.status === 'OPEN' && this.level >= t.minLevel && this.coins >= t.entryFee;
    if (t && eligible && !this.ledger.entryAsked) return this.enter(t);
    const action = this.pick(this.ledger.entry ? MIX_ENTERED : MIX_BEFORE_ENTRY);
    switch (action) {
      case 'progress':
        return this.progress();
      case 'me':
        return void (await this.call('GET /users/me', 'GET', '/users/me'));
      case 'globalTop': {
        const limit = this.random() < TOP_1000 ? 1000 : 100;
        return void (await this.call(`GET /leaderboards/global?limit=${limit}`, 'GET', `/leaderboards/global?limit=${limit}`));
      }
      case 'globalRank':
        return void (await this.call('GET /leaderboards/global/me', 'GET', '/leaderboards/global/me'));
      case 'groupBoard':
        return this.groupBoard();
      case 'groupRank':
        return this.groupRank();
    }
  }

  private pick(mix: readonly [Action, number][]): Action {
    let roll = this.random() * mix.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [action, weight] of mix) if ((roll -= weight) < 0) return action;
    return mix[0]![0];
  }

  /**
   * A level played: POST /users/me/progress with a fresh Idempotency-Key. A few times the client
   * resends the same key and body, as it would after a timeout: after the answer (it was "lost";
   * the replay must be the same body) or while the first is still in flight.
   */
  private async progress(): Promise<void> {
    const levelIncrease = 1 + Math.floor(this.random() * 3);
    const key = `${this.env.runId}-${this.ledger.index}-${++this.keys}`;
    const request = () =>
      this.call('POST /users/me/progress', 'POST', '/users/me/progress', { body: { levelIncrease }, headers: { 'idempotency-key': key } }, this.env.drainUntil);
    const variant = this.random();
    let outcome: Outcome;
    if (variant < CONCURRENT_DUPLICATE) {
      const [first, second] = await Promise.all([request(), request()]);
      this.env.idempotency.duplicates++;
      if (isOk(first.outcome, 200) && isOk(second.outcome, 200) && !sameJson(first.outcome.json, second.outcome.json)) {
        this.env.findings.add('progress.duplicate', `${this.ledger.username}: key ${key} sent twice at once answered ${JSON.stringify(first.outcome.json)} and ${JSON.stringify(second.outcome.json)}`);
      }
      outcome = isOk(first.outcome, 200) ? first.outcome : second.outcome;
    } else {
      outcome = (await request()).outcome;
    }
    if (!outcome.ok || outcome.status >= 500 || outcome.verdict === 'retryable') {
      this.ledger.progressUnanswered++;
      return;
    }
    if (outcome.status !== 200) return; // a 4xx changed nothing (and is counted as an error)
    this.applyProgress(key, levelIncrease, outcome.json);
    if (variant >= CONCURRENT_DUPLICATE && variant < CONCURRENT_DUPLICATE + REPLAY_AFTER_ANSWER) {
      const replay = (await request()).outcome;
      this.env.idempotency.replays++;
      if (replay.ok && replay.verdict === 'ok' && !sameJson(replay.json, outcome.json)) {
        this.env.findings.add('progress.replay', `${this.ledger.username}: key ${key} answered ${JSON.stringify(outcome.json)}, its replay ${JSON.stringify(replay.json)}`);
      }
    }
  }

  /** The answer must be this player's next level and exactly its coins: the VU is the only writer of its profile. */
  private applyProgress(key: string, levelIncrease: number, answer: { level: number; coins: number; coinsEarned: number }): void {
    const level = this.level + levelIncrease;
    const earned = levelIncrease * gameRules.profile.coinsPerLevel;
    if (answer.level !== level || answer.coinsEarned !== earned || answer.coins !== this.coins + earned) {
      this.env.findings.add(
        'progress.answer',
        `${this.ledger.username}: key ${key} (+${levelIncrease}) answered ${JSON.stringify(answer)}, expected level ${level}, coins ${this.coins + earned}`,
      );
    }
    this.level = answer.level;
    this.coins = answer.coins;
    this.ledger.levelsGained += levelIncrease;
  }

  /** The entry saga, once; an honest 503 is retried after its Retry-After until it answers (never charged twice). */
  private async enter(tournament: Tournament): Promise<void> {
    this.ledger.entryAsked = true;
    const { outcome } = await this.call('POST /tournaments/current/entries', 'POST', '/tournaments/current/entries', {}, this.env.drainUntil);
    if (outcome.ok && (outcome.status === 201 || outcome.status === 200)) {
      const { tournamentId, groupId, coins } = outcome.json;
      this.ledger.entry = { tournamentId, groupId };
      if (tournamentId !== tournament.tournamentId || coins !== this.coins - tournament.entryFee) {
        this.env.findings.add(
          'entry.answer',
          `${this.ledger.username}: entry answered ${JSON.stringify(outcome.json)}, expected ${tournament.tournamentId} and ${this.coins - tournament.entryFee} coins`,
        );
      }
      this.coins = coins;
      return;
    }
    // A rejection (4xx) leaves the coins as they were; anything else leaves the VU not knowing.
    if (!outcome.ok || outcome.status >= 500 || outcome.verdict === 'retryable') {
      this.ledger.entryUnanswered = true;
      this.env.findings.add('entry.unanswered', `${this.ledger.username}: entry still ${describe(outcome)} when the VU gave up`);
    }
  }

  private async groupBoard(): Promise<void> {
    const { outcome } = await this.call('GET /tournaments/current/leaderboard', 'GET', '/tournaments/current/leaderboard');
    if (isOk(outcome, 200) && outcome.json.groupId !== this.ledger.entry?.groupId) {
      this.env.findings.add('board.group', `${this.ledger.username}: board of group ${outcome.json.groupId}, entered ${this.ledger.entry?.groupId}`);
    }
  }

  private async groupRank(): Promise<void> {
    const { outcome } = await this.call('GET /tournaments/current/rank', 'GET', '/tournaments/current/rank');
    const limit = this.tournament?.groupSize ?? gameRules.tournament.groupSize;
    if (outcome.ok && outcome.status === 200 && !(outcome.json.groupSize <= limit && outcome.json.rank <= outcome.json.groupSize)) {
      this.env.findings.add('board.rank', `${this.ledger.username}: rank ${JSON.stringify(outcome.json)} in a group of at most ${limit}`);
    }
  }
}
