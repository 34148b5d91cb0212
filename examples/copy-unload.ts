// Seed 003: COPY from S3 and DynamoDB, UNLOAD to S3, with a least-privilege role attached to a
// Redshift Serverless namespace instead of ReadOnlyAccess; plus a role chain to a bucket in a
// partner account. Synthesize with `npx projen examples` (no AWS credentials needed).
import { App, CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CopyCompression, CopyFormat, CopyUnloadSql, RedshiftDataAccessRole, RedshiftTarget, UnloadFormat } from '../src';

/** The warehouse account: the namespace, its data, and the COPY/UNLOAD role. */
export class WarehouseStack extends Stack {
  public readonly copyRole: RedshiftDataAccessRole;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const namespace = new rs.CfnNamespace(this, 'Namespace', {
      namespaceName: 'sales',
      dbName: 'dev',
      adminUsername: 'admin',
      manageAdminPassword: true,
    });
    const workgroup = new rs.CfnWorkgroup(this, 'Workgroup', { workgroupName: 'sales-wg', namespaceName: 'sales' });
    workgroup.addResourceDependency(namespace);
    const target = RedshiftTarget.serverless({ namespace, workgroup });

    const logs = new s3.Bucket(this, 'AccessLogs', {
      enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
    });
    const key = new kms.Key(this, 'DataKey', { enableKeyRotation: true });
    const data = new s3.Bucket(this, 'Data', {
      encryptionKey: key,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'data/',
    });
    const orders = new dynamodb.Table(this, 'Orders', {
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });

    // The role the article built in the console, without ReadOnlyAccess: trusted by Redshift,
    // associated with the namespace as its default role, granted exactly these prefixes/table.
    this.copyRole = new RedshiftDataAccessRole(this, 'CopyRole', { target, isDefault: true });
    this.copyRole.grantCopyFrom(data, 'incoming/');
    this.copyRole.grantUnloadTo(data, 'exports/');
    this.copyRole.grantCopyFromTable(orders);

    // The statements to run, quoted correctly (no hand-written CREDENTIALS 'aws_iam_role=...').
    new CfnOutput(this, 'CopyFromS3', {
      value: CopyUnloadSql.copyFromS3({
        table: 'temp_test',
        bucket: data,
        prefix: 'incoming/',
        role: this.copyRole,
        format: CopyFormat.CSV,
        compression: CopyCompression.GZIP,
      }),
    });
    new CfnOutput(this, 'CopyFromDynamoDb', {
      value: CopyUnloadSql.copyFromDynamoDb({ table: 'temp_test', dynamoDbTable: orders, readRatio: 1 }),
    });
    new CfnOutput(this, 'UnloadToS3', {
      value: CopyUnloadSql.unloadToS3({
        query: "select * from sales where region = 'APAC'",
        bucket: data,
        prefix: 'exports/sales_',
        role: this.copyRole,
        format: UnloadFormat.PARQUET,
        encryptionKey: key,
      }),
    });
  }
}

/** A partner account whose bucket Redshift reads through a role chain. */
export class PartnerStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { readonly chainedFrom: RedshiftDataAccessRole }) {
    super(scope, id, props);
    const shared = new s3.Bucket(this, 'Shared', {
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsPrefix: 'access-logs/',
    });
    // Trusts exactly the warehouse's COPY role; that role may assume it.
    const partnerRole = new RedshiftDataAccessRole(this, 'PartnerReadRole', { chainedFrom: props.chainedFrom });
    partnerRole.grantCopyFrom(shared, 'to-warehouse/');
    new CfnOutput(this, 'CopyThroughChain', {
      value: CopyUnloadSql.copyFromS3({ table: 'partner_orders', bucket: shared, prefix: 'to-warehouse/', role: partnerRole, format: CopyFormat.PARQUET }),
    });
  }
}

/** Builds the example app; placeholder account ids, nothing is looked up. */
export function buildCopyUnloadApp(app: App): Stack[] {
  const warehouse = new WarehouseStack(app, 'CopyUnloadWarehouse', { env: { account: '111111111111', region: 'us-east-1' } });
  const partner = new PartnerStack(app, 'CopyUnloadPartner', {
    env: { account: '222222222222', region: 'us-east-1' },
    chainedFrom: warehouse.copyRole,
  });
  return [warehouse, partner];
}

if (require.main === module) {
  const app = new App();
  buildCopyUnloadApp(app);
  app.synth();
}
