import pLimit from 'p-limit';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { sendWithRetries } from './client-retries.ts';
import type { Findings } from './findings.ts';
import type { LoadHttp, Outcome } from './http.ts';
import type { PlayerLedger } from './virtual-user.ts';

/** Every coin of the run, summed over the players; `balances` must equal `expected`. */
export interface CoinReport {
  /** Players with a profile, and of them those whose profile and history could be read. */
  readonly players: number;
  readonly checked: number;
  /** What the profiles hold (GET /users/me). */
  readonly balances: number;
  /** start coins + levels gained (by the profile's level) x coins per level - entries made x fee. */
  readonly expected: number;
  /** The same from what the VUs were told alone: levels their progress answers acknowledged, entries answered. */
  readonly expectedFromAnswers: number;
  /** Players with a request that never got a final answer: their answers cannot say the whole story. */
  readonly uncertain: number;
  readonly startCoins: number;
  readonly levelCoins: number;
  readonly fees: number;
  readonly levelsGained: number;
  /** Entries the VUs were told about, and how many of them the players' histories hold. */
  readonly entriesTold: number;
  readonly entriesFound: number;
  /** Players whose coins, or whose level against the levels they were acknowledged, do not add up. */
  readonly coinMismatches: number;
  readonly levelMismatches: number;
}

/** How many players are read at once: the check is not part of the load. */
const CHECK_CONCURRENCY = 16;
const CHECK_RETRIES = { maxRetryable: 10, maxFailed: 3 } as const;

/**
 * The coin-conservation check, after the load: for each VU's player, the profile's coins must
 * be exactly the start grant + coinsPerLevel for every level gained - the fee of each entry made
 * (no rewards: the day has not ended), its level exactly the start + the levels its progress
 * answers acknowledged (a level-up lost or applied twice shows here), and every entry the VU
 * was told about must be in the player's history with the same group. The same sums over all
 * players: every coin the run granted or charged is accounted for.
 */
export async function checkCoins(
  http: LoadHttp,
  ledgers: readonly PlayerLedger[],
  tournament: { readonly tournamentId: string; readonly entryFee: number },
  findings: Findings,
): Promise<CoinReport> {
  const totals = { players: 0, checked: 0, balances: 0, expected: 0, expectedFromAnswers: 0, uncertain: 0, startCoins: 0, levelCoins: 0, fees: 0, levelsGained: 0 };
  const counts = { entriesTold: 0, entriesFound: 0, coinMismatches: 0, levelMismatches: 0 };
  const random = Math.random;
  const read = (route: string, path: string, token: string): Promise<Outcome> =>
    sendWithRetries(() => http.send(route, 'GET', path, { token }), { giveUpAt: Date.now() + 120_000, ...CHECK_RETRIES }, random).then((r) => r.outcome);

  const checkOne = async (ledger: PlayerLedger) => {
    if (!ledger.start || !ledger.token) return;
    totals.players++;
    if (ledger.entry) counts.entriesTold++;
    const profile = await read('check: GET /users/me', '/users/me', ledger.token);
    const history = await read('check: GET /users/me/tournaments', '/users/me/tournaments', ledger.token);
    if (!profile.ok || profile.status !== 200 || !history.ok || history.status !== 200) {
      findings.add('check.unreadable', `${ledger.username}: profile or history could not be read`);
      return;
    }
    totals.checked++;
    const { level, coins } = profile.json as { level: number; coins: number };
    const items = (history.json.items ?? []) as { tournamentId: string; groupId: string }[];
    const entered = items.find((item) => item.tournamentId === tournament.tournamentId);
    if (ledger.entry) {
      if (entered?.groupId === ledger.entry.groupId) counts.entriesFound++;
      else findings.add('entry.missing', `${ledger.username}: told of an entry in ${ledger.entry.groupId}, history has ${JSON.stringify(entered ?? null)}`);
    } else if (entered && !ledger.entryUnanswered) {
      findings.add('entry.untold', `${ledger.username}: history has an entry (${entered.groupId}) the VU was ${ledger.entryAsked ? 'refused' : 'never asked for'}`);
    }
    const levelsGained = level - ledger.start.level;
    if (ledger.progressUnanswered === 0 && levelsGained !== ledger.levelsGained) {
      counts.levelMismatches++;
      findings.add('levels.acknowledged', `${ledger.username}: level ${level}, expected ${ledger.start.level} + ${ledger.levelsGained} acknowledged`);
    }
    const levelCoins = levelsGained * gameRules.profile.coinsPerLevel;
    const fees = entered ? tournament.entryFee : 0;
    const expected = ledger.start.coins + levelCoins - fees;
    if (coins !== expected) {
      counts.coinMismatches++;
      findings.add('coins.balance', `${ledger.username}: ${coins} coins, expected ${expected} = ${ledger.start.coins} start + ${levelCoins} for ${levelsGained} levels - ${fees} fees`);
    }
    totals.balances += coins;
    totals.expected += expected;
    totals.expectedFromAnswers += ledger.start.coins + ledger.levelsGained * gameRules.profile.coinsPerLevel - (ledger.entry ? tournament.entryFee : 0);
    if (ledger.progressUnanswered > 0 || ledger.entryUnanswered) totals.uncertain++;
    totals.startCoins += ledger.start.coins;
    totals.levelCoins += levelCoins;
    totals.fees += fees;
    totals.levelsGained += levelsGained;
  };

  const limit = pLimit(CHECK_CONCURRENCY);
  await Promise.all(ledgers.map((ledger) => limit(() => checkOne(ledger))));
  if (totals.balances !== totals.startCoins + totals.levelCoins - totals.fees) {
    findings.add('coins.total', `all players hold ${totals.balances} coins, expected ${totals.startCoins + totals.levelCoins - totals.fees}`);
  }
  if (totals.uncertain === 0 && totals.balances !== totals.expectedFromAnswers) {
    findings.add('coins.total.answers', `all players hold ${totals.balances} coins; the answers they were given add up to ${totals.expectedFromAnswers}`);
  }
  return { ...totals, ...counts };
}
