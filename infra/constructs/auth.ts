import { RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface PlayerIdentityProps {
  /** RETAIN also turns on deletion protection: deleting the pool would orphan every player's userId. */
  readonly removalPolicy: RemovalPolicy;
}

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
    });
  }
}
