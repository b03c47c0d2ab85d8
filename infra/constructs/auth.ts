import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Where Cognito sends players' verification and reset codes from (context `sesFromEmail`, ...). */
export interface PlayerEmailSender {
  /** A verified SES identity (an address, or one of a verified domain). */
  readonly fromEmail: string;
  readonly fromName?: string;
  /** The region of the SES identity (the stack's own, or one Cognito accepts; see the README). */
  readonly sesRegion: string;
}

export interface PlayerIdentityProps {
  /** RETAIN also turns on deletion protection: deleting the pool would orphan every player's userId. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Email through SES. Without it Cognito's own sender is used, which sends at most 50 emails a
   * day per account from no-reply@verificationemail.com: for development stages only (the stack
   * refuses a production stage without it).
   */
  readonly email?: PlayerEmailSender;
}

/**
 * The pool's feature plan. Lite has all the game uses (email sign-in, password policy, SRP and
 * password auth, refresh tokens); Essentials adds managed login, passwordless and token
 * customisation, none used, at ~2.7x the price per monthly active user (README, "Players' identities").
 */
export const USER_POOL_FEATURE_PLAN = cognito.FeaturePlan.LITE;

/**
 * How long the app client's tokens live. The API takes the access token: an hour bounds how long a
 * revoked or deleted player keeps access; the refresh token keeps a phone signed in for 30 days
 * and can be revoked (token revocation on).
 */
export const TOKEN_VALIDITY = {
  accessToken: Duration.hours(1),
  idToken: Duration.hours(1),
  refreshToken: Duration.days(30),
  /** The sign-in session between the SRP challenge steps. */
  authSession: Duration.minutes(3),
} as const;

/** Who the players are: a Cognito user pool (the JWT issuer of the API) and the mobile app's client. */
export class PlayerIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: PlayerIdentityProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      // Email only: no SMS role, no SMS costs.
      mfa: cognito.Mfa.OFF,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: USER_POOL_FEATURE_PLAN,
      email: props.email
        ? cognito.UserPoolEmail.withSES({
            fromEmail: props.email.fromEmail,
            ...(props.email.fromName ? { fromName: props.email.fromName } : {}),
            sesRegion: props.email.sesRegion,
          })
        : cognito.UserPoolEmail.withCognito(),
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });

    // A public client: a mobile app cannot keep a secret. It signs in with SRP (or user/password),
    // never through the hosted UI, so the OAuth flows stay off.
    this.userPoolClient = this.userPool.addClient('MobileClient', {
      generateSecret: false,
      disableOAuth: true,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: TOKEN_VALIDITY.accessToken,
      idTokenValidity: TOKEN_VALIDITY.idToken,
      refreshTokenValidity: TOKEN_VALIDITY.refreshToken,
      authSessionValidity: TOKEN_VALIDITY.authSession,
      enableTokenRevocation: true,
    });
  }
}
