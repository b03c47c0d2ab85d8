/**
 * `npm run localstack:sign-in -- <username>`: a player's token for the LocalStack variant, as the
 * local stack's `POST /_local/sign-in` answers it (`{ token, sub }`, the same claims, issuer,
 * audience and `sub` for the same username, 7 days), signed with the key pair of
 * infra/localstack/issuer-keys.ts (made on the first run; synthesize the variant after that).
 */
import { LocalClock } from '../local/clock.ts';
import { LocalJwtIssuer } from '../local/jwt-issuer.ts';
import { issuerKeys } from './issuer-keys.ts';

const username = process.argv[2];
if (!username) {
  console.error('usage: npm run localstack:sign-in -- <username>');
  process.exit(2);
}
const issuer = await LocalJwtIssuer.create(new LocalClock(), await issuerKeys());
console.log(JSON.stringify(await issuer.signIn(username)));
