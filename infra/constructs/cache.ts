import type { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { CacheAccess, FunctionNetwork } from './lambda.ts';

export interface LeaderboardCacheProps {
  readonly stage: string;
  /** The prefix of every key of the stage: its cache user may touch those keys only. */
  readonly keyPrefix: string;
  /** Applied to the flow logs' log group. */
  readonly removalPolicy: RemovalPolicy;
}

/** The port of a serverless cache's (primary) endpoint. */
export const CACHE_PORT = 6379;

/**
 * Ceilings on the cache's growth and bill, well above what 1,000,000 players need (README, "The
 * cache at 1,000,000 players": ~1 GB at peak, below ~20,000 ECPU/s at the API's throttle). No
 * minimums: the midnight rush (entries throttled at 500/s) is a few thousand ECPU/s, which a
 * serverless cache serves without being scaled up in advance.
 */
export const CACHE_USAGE_LIMITS = { dataStorageGb: 5, ecpuPerSecond: 50_000 } as const;

/**
 * What the functions' cache user may do: every command but the dangerous ones (FLUSHALL, KEYS,
 * CONFIG, DEBUG...), plus INFO (ioredis's ready check), on the stage's keys only.
 * test/infra checks the app's commands against this list's categories.
 */
export const cacheAccessString = (keyPrefix: string) => `on ~${keyPrefix}* +@all -@dangerous +info`;

/**
 * The leaderboards' cache: an ElastiCache Serverless (Valkey 8) cache in a VPC of its own.
 * The VPC has isolated subnets only (no NAT, no internet): the functions that use the cache run
 * there and reach DynamoDB through a gateway endpoint; nothing else needs the network. The cache
 * only holds what DynamoDB can rebuild, so it has no snapshots and goes with the stack.
 *
 * No unauthenticated default user: the cache takes a user group whose one user signs in with IAM
 * (a token each function signs with its role's credentials, shared/adapters/redis/iam-auth.ts;
 * no secret to keep or rotate, and no Secrets Manager endpoint in this VPC without internet).
 */
export class LeaderboardCache extends Construct implements CacheAccess {
  readonly vpc: ec2.Vpc;
  /** Functions in this group may connect to the cache. */
  readonly clientSecurityGroup: ec2.SecurityGroup;
  readonly cache: elasticache.CfnServerlessCache;
  /** Tokens: the cache's endpoint host name and port (TLS only, as every serverless cache). */
  readonly endpointAddress: string;
  readonly endpointPort: string;
  /** The serverless cache's name: the host its IAM auth tokens are signed for. */
  readonly cacheName: string;
  /** The IAM-enabled user every function connects as (user id = user name). */
  readonly userId: string;
  readonly user: elasticache.CfnUser;
  /**
   * Every serverless cache requires TLS: rediss. The user and REDIS_IAM_CACHE make a function sign
   * in with an IAM auth token (shared/adapters/redis/iam-auth.ts); the local stack replaces
   * REDIS_URL with its own server's, without a user, so nothing is signed there. ElastiCache
   * Serverless only runs in cluster mode: the functions use the cluster client.
   */
  readonly redisEnvironment: Readonly<Record<string, string>>;
  /** Functions that use the cache run in its VPC's isolated subnets, in the client security group. */
  readonly network: FunctionNetwork;

  constructor(scope: Construct, id: string, props: LeaderboardCacheProps) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      // A serverless cache needs subnets in at least two Availability Zones.
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    this.vpc.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogsGroup', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: props.removalPolicy,
        }),
      ),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    // Outbound stays open: from isolated subnets it can only reach the VPC itself and the
    // DynamoDB gateway endpoint, whose prefix list is not known at synthesis time.
    this.clientSecurityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: this.vpc,
      description: 'Functions that use the leaderboard cache',
      allowAllOutbound: true,
    });
    const cacheSecurityGroup = new ec2.SecurityGroup(this, 'CacheSecurityGroup', {
      vpc: this.vpc,
      description: 'The leaderboard cache: Redis protocol from its clients only',
      allowAllOutbound: false,
    });
    cacheSecurityGroup.addIngressRule(
      this.clientSecurityGroup,
      ec2.Port.tcp(CACHE_PORT),
      'Redis protocol (TLS) from the cache clients',
    );

    // Cache, user and user group share the stage's name (each kind has its own namespace; the
    // stage check in build-app.ts keeps it within the cache's 40 characters).
    this.cacheName = `good-swipe-${props.stage}`;
    this.userId = this.cacheName;
    this.user = new elasticache.CfnUser(this, 'User', {
      userId: this.userId,
      // IAM authentication requires the user name to equal the user id.
      userName: this.userId,
      engine: 'valkey',
      authenticationMode: { Type: 'iam' },
      accessString: cacheAccessString(props.keyPrefix),
    });
    // A Valkey user group holds only users that authenticate, so there is no open default user.
    const userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
      userGroupId: this.cacheName,
      engine: 'valkey',
      userIds: [this.userId],
    });
    userGroup.node.addDependency(this.user);

    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: this.cacheName,
      description: 'Good Swipe leaderboards (rebuildable from DynamoDB)',
      engine: 'valkey',
      majorEngineVersion: '8',
      subnetIds: this.vpc.isolatedSubnets.map((subnet) => subnet.subnetId),
      securityGroupIds: [cacheSecurityGroup.securityGroupId],
      userGroupId: this.cacheName,
      cacheUsageLimits: {
        dataStorage: { maximum: CACHE_USAGE_LIMITS.dataStorageGb, unit: 'GB' },
        ecpuPerSecond: { maximum: CACHE_USAGE_LIMITS.ecpuPerSecond },
      },
    });
    this.cache.node.addDependency(userGroup);

    this.endpointAddress = this.cache.attrEndpointAddress;
    this.endpointPort = this.cache.attrEndpointPort;
    this.redisEnvironment = {
      REDIS_URL: `rediss://${this.userId}@${this.endpointAddress}:${this.endpointPort}`,
      REDIS_IAM_CACHE: this.cacheName,
      REDIS_KEY_PREFIX: props.keyPrefix,
      REDIS_CLUSTER: 'true',
    };
    this.network = { vpc: this.vpc, securityGroup: this.clientSecurityGroup };
  }

  /** Lets `grantee` connect to this cache as its user (IAM authentication): elasticache:Connect on both. */
  grantConnect(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['elasticache:Connect'],
      resourceArns: [this.cache.attrArn, this.user.attrArn],
    });
  }
}
