import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { LOCAL_KEY_ID } from '../local/jwt-issuer.ts';
import { REPO_ROOT } from '../repo-root.ts';

/**
 * The LocalStack variant's token issuer keeps its ES256 key pair here (git-ignored), so tokens
 * signed today (`npm run localstack:sign-in`) still verify after LocalStack or the shell restarts:
 * the private key for signing, and the public one as a JWKS that `cdk synth -c target=localstack`
 * hands to the API edge function (infra/localstack/settings.ts). The local stack (`npm start`)
 * does not use it: its issuer makes a new key at every start.
 */
export const ISSUER_KEYS_DIR = path.join(REPO_ROOT, '.goodswipe', 'localstack-issuer');
const PRIVATE_KEY_FILE = 'private-key.jwk.json';
export const JWKS_FILE = 'jwks.json';

const ALGORITHM = 'ES256';

export interface IssuerKeys {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/** The issuer's key pair in `dir`, made (and written: the private key readable by the owner only) on first use. */
export async function issuerKeys(dir: string = ISSUER_KEYS_DIR): Promise<IssuerKeys> {
  const privateFile = path.join(dir, PRIVATE_KEY_FILE);
  if (fs.existsSync(privateFile)) {
    const privateJwk = JSON.parse(fs.readFileSync(privateFile, 'utf8')) as JWK;
    const { d: _secret, ...publicJwk } = privateJwk;
    return {
      privateKey: (await importJWK(privateJwk, ALGORITHM)) as CryptoKey,
      publicKey: (await importJWK(publicJwk, ALGORITHM)) as CryptoKey,
    };
  }
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(privateFile, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid: LOCAL_KEY_ID, alg: ALGORITHM, use: 'sig' }] };
  fs.writeFileSync(path.join(dir, JWKS_FILE), `${JSON.stringify(jwks, null, 2)}\n`);
  return { privateKey, publicKey };
}
