import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ENTRY_IDEMPOTENCY_ACTIONS, ENTRY_IDEMPOTENCY_LAYOUT } from '../../shared/adapters/entry-idempotency-layout.ts';

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

export interface EntryIdempotencyTableProps {
  /** As the game table's: RETAIN (with deletion protection) on the production stage. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The enter function's Powertools idempotency records (shared/adapters/entry-idempotency.ts), in
 * a table of their own laid out as Powertools expects: `id` (the hash of caller + tournament) as
 * the only key, so records spread over partitions (on the game table they would share one static
 * partition key, a hot partition at 00:00), and TTL on `expiration`. Records live minutes; PITR
 * and the removal policy follow the game table's anyway, so one rule covers every table.
 */
export class EntryIdempotencyTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: EntryIdempotencyTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: ENTRY_IDEMPOTENCY_LAYOUT.keyAttribute, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: ENTRY_IDEMPOTENCY_LAYOUT.expiryAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
  }

  /** Exactly the actions Powertools' DynamoDB persistence issues, on this table only (it has no index). */
  grantRecords(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, ...ENTRY_IDEMPOTENCY_ACTIONS);
  }
}
