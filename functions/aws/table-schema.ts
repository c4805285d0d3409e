// The single table's key design, shared by the CDK stack, the DynamoDB adapter and the embedded runtime's
// create-table, so the three can never disagree.
//
//   pk                      sk                 item
//   APP#<app>               APP                application
//   APP#<app>               DG#<group>         deployment group
//   CONFIG#<name>           CONFIG             custom deployment config (conditional create)
//   DG#<groupId>            LOCK               group lock (one conditional write)
//   DG#<groupId>            HOST#<targetId>    host record (health, last successful install)
//   DEP#<deploymentId>      DEP                deployment          gsi1: DEPLOYMENTS / <createTime>#<id>
//   DEP#<deploymentId>      TGT#<targetId>     deployment target with its lifecycle events
//   DEP#<deploymentId>      BATCH#<nnnnnn>     batch: targets, current event, task token, report counter

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;
