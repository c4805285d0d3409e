// The single table: applications, groups, configs, deployments, targets, batches, locks and host records. Keys come
// from functions/aws/table-schema.ts, shared with the adapter and the embedded runtime.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../functions/aws/table-schema';

/**
 * What the store adapter sends for the steps: single items, base-table queries and batches. No Scan, no transactions
 * (design rule 5), and no index: only the lists that need it read gsi1 (grantIndexQuery): the API's lists, the
 * alarm handler's deployments in progress and the lock sweep's active deployments.
 */
export type StepTableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchGetItem' | 'BatchWriteItem';

export interface CutoverTableProps {
  /**
   * What happens to the table when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Whether DynamoDB refuses to delete the table.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
}

export class CutoverTable extends Construct {
  public readonly table: TableV2;

  public constructor(scope: Construct, id: string, props: CutoverTableProps = {}) {
    super(scope, id);
    this.table = new TableV2(this, 'Resource', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection ?? true,
      globalSecondaryIndexes: [
        {
          indexName: TABLE_KEYS.gsi1.indexName,
          partitionKey: { name: TABLE_KEYS.gsi1.partitionKey, type: AttributeType.STRING },
          sortKey: { name: TABLE_KEYS.gsi1.sortKey, type: AttributeType.STRING },
        },
      ],
    });
  }

  /** Queries through gsi1: the API's lists across partitions and newest-first (applications, configs, deployments, revisions). */
  public grantIndexQuery(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${this.table.tableArn}/index/${TABLE_KEYS.gsi1.indexName}`] }),
    );
  }

  /** Item reads and writes on the base table: those the step's store calls send, no more. */
  public grantStepAccess(grantee: IGrantable, actions: readonly StepTableAction[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: actions.map((action) => `dynamodb:${action}`), resources: [this.table.tableArn] }),
    );
  }
}
