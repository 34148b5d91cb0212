import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RedshiftDataAccessRole, RedshiftTarget } from '../../src';
import { AccessMatrix } from '../access-matrix';

// The access matrix of seed 003 (COPY/UNLOAD): evaluated by a real IAM policy simulator over
// the synthesized template, the denied paths as well as the allowed ones.

const env = { account: '111111111111', region: 'us-east-1' };

describe('RedshiftDataAccessRole access matrix (Serverless)', () => {
  const stack = new Stack(new App(), 'CopyUnload', { env });
  const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales' });
  const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
  const target = RedshiftTarget.serverless({ namespace, workgroup });
  const key = new kms.Key(stack, 'DataKey');
  const data = new s3.Bucket(stack, 'Data', { encryptionKey: key });
  const other = new s3.Bucket(stack, 'Other');
  const table = new dynamodb.Table(stack, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const otherTable = new dynamodb.Table(stack, 'Secrets', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const role = new RedshiftDataAccessRole(stack, 'CopyRole', { target, isDefault: true });
  role.grantCopyFrom(data, 'incoming/');
  role.grantUnloadTo(data, 'exports/');
  role.grantCopyFromTable(table);
  const m = AccessMatrix.fromStack(stack);
  const obj = (bucket: s3.IBucket, keyName: string) => `${m.arn(bucket)}/${keyName}`;

  test('trust: Redshift and Redshift Serverless only', async () => {
    await m.expectMatrix([
      { description: 'Redshift assumes', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
      { description: 'Redshift Serverless assumes', kind: 'assume', principal: 'redshift-serverless.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
      { description: 'an unrelated service', kind: 'assume', principal: 'glue.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      { description: 'an unrelated role of the account', kind: 'assume', principal: 'arn:aws:iam::111111111111:role/analyst', action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      { description: 'a role of another account', kind: 'assume', principal: 'arn:aws:iam::222222222222:role/analyst', action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      { description: 'no session context needed or allowed', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:SetContext', resource: role, expect: 'Denied' },
    ]);
  });

  test('S3: exactly the granted prefixes, in the granted direction', async () => {
    await m.expectMatrix([
      { description: 'COPY reads under incoming/', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(data, 'incoming/2026/part-0.csv.gz'), expect: 'Allowed' },
      { description: 'COPY lists incoming/', kind: 'identity', principal: role, action: 's3:ListBucket', resource: data, context: { 's3:prefix': 'incoming/2026/' }, expect: 'Allowed' },
      { description: 'not a neighbouring prefix', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(data, 'incoming-private/x.csv'), expect: 'Denied' },
      { description: 'no listing of another prefix', kind: 'identity', principal: role, action: 's3:ListBucket', resource: data, context: { 's3:prefix': 'private/' }, expect: 'Denied' },
      { description: 'not another bucket', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(other, 'incoming/x.csv'), expect: 'Denied' },
      { description: 'no write to the COPY prefix', kind: 'identity', principal: role, action: 's3:PutObject', resource: obj(data, 'incoming/x.csv'), expect: 'Denied' },
      { description: 'UNLOAD writes under exports/', kind: 'identity', principal: role, action: 's3:PutObject', resource: obj(data, 'exports/sales_000.parquet'), expect: 'Allowed' },
      { description: 'no read back of exports/', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(data, 'exports/sales_000.parquet'), expect: 'Denied' },
      { description: 'no delete anywhere', kind: 'identity', principal: role, action: 's3:DeleteObject', resource: obj(data, 'incoming/x.csv'), expect: 'Denied' },
      { description: 'KMS decrypt on the bucket key', kind: 'identity', principal: role, action: 'kms:Decrypt', resource: key, expect: 'Allowed' },
      { description: 'KMS data key for UNLOAD on the bucket key', kind: 'identity', principal: role, action: 'kms:GenerateDataKey', resource: key, expect: 'Allowed' },
    ]);
  });

  test('DynamoDB: scan the granted table only, never write', async () => {
    await m.expectMatrix([
      { description: 'COPY scans the table', kind: 'identity', principal: role, action: 'dynamodb:Scan', resource: table, expect: 'Allowed' },
      { description: 'COPY describes the table', kind: 'identity', principal: role, action: 'dynamodb:DescribeTable', resource: table, expect: 'Allowed' },
      { description: 'not another table', kind: 'identity', principal: role, action: 'dynamodb:Scan', resource: otherTable, expect: 'Denied' },
      { description: 'no write', kind: 'identity', principal: role, action: 'dynamodb:PutItem', resource: table, expect: 'Denied' },
    ]);
  });
});

describe('RedshiftDataAccessRole access matrix (provisioned, restricted to db users, chained)', () => {
  const app = new App();
  const stack = new Stack(app, 'Warehouse', { env });
  const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: '111111111111', region: 'us-east-1' });
  const first = new RedshiftDataAccessRole(stack, 'Attached', { target, dbUsers: ['etl'] });
  const second = new RedshiftDataAccessRole(stack, 'Chained', { chainedFrom: first });
  second.grantCopyFrom(s3.Bucket.fromBucketName(stack, 'Partner', 'partner-data'), 'shared/');
  const m = AccessMatrix.fromStack(stack);
  const etl = 'arn:aws:redshift:us-east-1:111111111111:dbuser:analytics/etl';

  test('only the listed database user may make Redshift use the role (sts:ExternalId)', async () => {
    await m.expectMatrix([
      { description: 'etl', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: first, context: { 'sts:ExternalId': etl }, expect: 'Allowed' },
      { description: 'another db user', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: first, context: { 'sts:ExternalId': 'arn:aws:redshift:us-east-1:111111111111:dbuser:analytics/admin' }, expect: 'Denied' },
      { description: 'no external id', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: first, expect: 'Denied' },
    ]);
  });

  test('the chained role trusts exactly the attached role, which may assume it', async () => {
    await m.expectMatrix([
      { description: 'attached role assumes the chained role (trust)', kind: 'assume', principal: m.roleArn(first), action: 'sts:AssumeRole', resource: second, expect: 'Allowed' },
      { description: 'attached role may call AssumeRole on it (identity)', kind: 'identity', principal: first, action: 'sts:AssumeRole', resource: m.roleArn(second), expect: 'Allowed' },
      { description: 'Redshift cannot assume the chained role directly', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: second, expect: 'Denied' },
      { description: 'another role of the account cannot', kind: 'assume', principal: 'arn:aws:iam::111111111111:role/analyst', action: 'sts:AssumeRole', resource: second, expect: 'Denied' },
      { description: 'the chained role reads the partner prefix', kind: 'identity', principal: second, action: 's3:GetObject', resource: 'arn:aws:s3:::partner-data/shared/a.csv', expect: 'Allowed' },
      { description: 'the attached role does not read it itself', kind: 'identity', principal: first, action: 's3:GetObject', resource: 'arn:aws:s3:::partner-data/shared/a.csv', expect: 'Denied' },
    ]);
  });
});
