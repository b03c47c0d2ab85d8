import type { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface LeaderboardCacheProps {
  readonly stage: string;
  /** Applied to the flow logs' log group. */
  readonly removalPolicy: RemovalPolicy;
}

/** The port of a serverless cache's (primary) endpoint. */
export const CACHE_PORT = 6379;

/**
 * The leaderboards' cache: an ElastiCache Serverless (Valkey 8) cache in a VPC of its own.
 * The VPC has isolated subnets only (no NAT, no internet): the functions that use the cache run
 * there and reach DynamoDB through a gateway endpoint; nothing else needs the network. The cache
 * only holds what DynamoDB can rebuild, so it has no snapshots and goes with the stack.
 */
export class LeaderboardCache extends Construct {
  readonly vpc: ec2.Vpc;
  /** Functions in this group may connect to the cache. */
  readonly clientSecurityGroup: ec2.SecurityGroup;
  readonly cache: elasticache.CfnServerlessCache;
  /** Tokens: the cache's endpoint host name and port (TLS only, as every serverless cache). */
  readonly endpointAddress: string;
  readonly endpointPort: string;

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

    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: `good-swipe-${props.stage}`,
      description: 'Good Swipe leaderboards (rebuildable from DynamoDB)',
      engine: 'valkey',
      majorEngineVersion: '8',
      subnetIds: this.vpc.isolatedSubnets.map((subnet) => subnet.subnetId),
      securityGroupIds: [cacheSecurityGroup.securityGroupId],
    });

    this.endpointAddress = this.cache.attrEndpointAddress;
    this.endpointPort = this.cache.attrEndpointPort;
  }
}
