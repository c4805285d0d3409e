// The single table's key design, shared by the CDK stack, the DynamoDB adapter and the embedded runtime's
// create-table, so the three can never disagree.
//
//   pk                  sk                  item                                        gsi1pk / gsi1sk
//   APP#<app>           APP                 application                                 APPLICATIONS / <app>
//   APP#<app>           DG#<group>          deployment group
//   APP#<app>           REV#<locationHash>  registered revision                         REVISIONS#<app> / <registerTime>#<locationHash>
//   APP#<app>           TOKEN#<tokenHash>   client token → deployment id
//   CONFIG#<name>       CONFIG              custom deployment config                    CONFIGS / <name>
//   DG#<groupId>        LOCK                group lock
//   DG#<groupId>        HOST#<targetId>     host record (health, last install)
//   DEP#<deploymentId>  DEP                 deployment                                  DEPLOYMENTS / <createTime>#<id>
//   DEP#<deploymentId>  TGT#<targetId>      target with its lifecycle events
//   DEP#<deploymentId>  BATCH#<nnnnnn>      batch: targets, event, task token, reports
//   DEP#<deploymentId>  HOOK#<eventName>    lifecycle hook execution: status, task token
//
// Creates of applications, configs, groups, deployments and client tokens are conditional (attribute_not_exists),
// as are lock and status moves. Hashes are SHA-256, base64url: a revision's location (S3 bucket, key, bundle type,
// version, ETag; or the local bundle) and a client token can each be longer than a sort key may be. Lists across
// partitions (applications, configs) and lists in an order other than the sort key's (deployments, revisions
// newest first) read gsi1. Everything under APP#<app> goes when the application is deleted.

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;
