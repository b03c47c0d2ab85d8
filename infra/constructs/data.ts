import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface GameTableProps {
  /** RETAIN also turns on deletion protection: the table holds every profile, coin and score. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The single DynamoDB table of the game (single-table design: PK/SK plus GSI1).
 * A `Table` rather than `TableV2`, so the template holds an AWS::DynamoDB::Table whose
 * properties are a CreateTable request the local stack can replay against DynamoDB Local.
 */
export class GameTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: GameTableProps) {
    super(scope, id);
    const retain = props.removalPolicy === RemovalPolicy.RETAIN;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // The outbox: level-up records reach EventBridge through the stream.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      // Reservations and idempotency records expire by themselves.
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: retain,
      removalPolicy: props.removalPolicy,
    });

    this.table.addGlobalSecondaryIndex({
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}
