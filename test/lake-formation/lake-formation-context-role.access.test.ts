import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LakeFormationContextRole } from '../../src';
import { AccessMatrix } from '../access-matrix';

// The access matrix of the Lake Formation data location role (G14): evaluated by a real IAM
// policy simulator over the synthesized template, the denied paths as well as the allowed ones.

const env = { account: '111111111111', region: 'us-east-1' };

describe('LakeFormationContextRole access matrix', () => {
  const stack = new Stack(new App(), 'LakeFormation', { env });
  const key = new kms.Key(stack, 'DataKey');
  const data = new s3.Bucket(stack, 'Data', { encryptionKey: key });
  const other = new s3.Bucket(stack, 'Other');
  const readWrite = new LakeFormationContextRole(stack, 'Sales', { bucket: data, prefix: 'warehouse/sales/' });
  const readOnly = new LakeFormationContextRole(stack, 'SalesReadOnly', { bucket: data, prefix: 'warehouse/sales/', readOnly: true });
  // Negative control (G14): what a hand-written trust with only sts:AssumeRole looks like.
  const assumeOnly = new iam.Role(stack, 'AssumeOnly', { assumedBy: new iam.ServicePrincipal('lakeformation.amazonaws.com') });
  const m = AccessMatrix.fromStack(stack);
  const obj = (bucket: s3.IBucket, keyName: string) => `${m.arn(bucket)}/${keyName}`;

  test('trust: Lake Formation may assume the role and set context; nobody else', async () => {
    await m.expectMatrix([
      { description: 'Lake Formation assumes', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:AssumeRole', resource: readWrite, expect: 'Allowed' },
      { description: 'Lake Formation sets context (G14)', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:SetContext', resource: readWrite, expect: 'Allowed' },
      { description: 'read-only: Lake Formation sets context', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:SetContext', resource: readOnly, expect: 'Allowed' },
      { description: 'Glue may not assume', kind: 'assume', principal: 'glue.amazonaws.com', action: 'sts:AssumeRole', resource: readWrite, expect: 'Denied' },
      { description: 'Glue may not set context', kind: 'assume', principal: 'glue.amazonaws.com', action: 'sts:SetContext', resource: readWrite, expect: 'Denied' },
      { description: 'a role of the account may not assume', kind: 'assume', principal: 'arn:aws:iam::111111111111:role/analyst', action: 'sts:AssumeRole', resource: readWrite, expect: 'Denied' },
      { description: 'Lake Formation may not tag the session', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:TagSession', resource: readWrite, expect: 'Denied' },
    ]);
  });

  test('negative control: the matrix catches G14 on a role trusted for sts:AssumeRole only', async () => {
    await m.expectMatrix([
      { description: 'plain service principal: AssumeRole', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:AssumeRole', resource: assumeOnly, expect: 'Allowed' },
      { description: 'plain service principal: SetContext (G14)', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:SetContext', resource: assumeOnly, expect: 'Denied' },
    ]);
  });

  test('S3: exactly the location, in the granted direction', async () => {
    await m.expectMatrix([
      { description: 'reads inside the location', kind: 'identity', principal: readWrite, action: 's3:GetObject', resource: obj(data, 'warehouse/sales/year=2026/part-0.parquet'), expect: 'Allowed' },
      { description: 'writes inside the location', kind: 'identity', principal: readWrite, action: 's3:PutObject', resource: obj(data, 'warehouse/sales/year=2026/part-1.parquet'), expect: 'Allowed' },
      { description: 'deletes inside the location', kind: 'identity', principal: readWrite, action: 's3:DeleteObject', resource: obj(data, 'warehouse/sales/year=2026/part-1.parquet'), expect: 'Allowed' },
      { description: 'lists the location', kind: 'identity', principal: readWrite, action: 's3:ListBucket', resource: data, context: { 's3:prefix': 'warehouse/sales/year=2026/' }, expect: 'Allowed' },
      { description: 'not a neighbouring prefix', kind: 'identity', principal: readWrite, action: 's3:GetObject', resource: obj(data, 'warehouse/sales-private/x'), expect: 'Denied' },
      { description: 'not the parent prefix', kind: 'identity', principal: readWrite, action: 's3:GetObject', resource: obj(data, 'warehouse/x'), expect: 'Denied' },
      { description: 'no listing of the parent prefix', kind: 'identity', principal: readWrite, action: 's3:ListBucket', resource: data, context: { 's3:prefix': 'warehouse/' }, expect: 'Denied' },
      { description: 'not another bucket', kind: 'identity', principal: readWrite, action: 's3:GetObject', resource: obj(other, 'warehouse/sales/x'), expect: 'Denied' },
      { description: 'no bucket policy change', kind: 'identity', principal: readWrite, action: 's3:PutBucketPolicy', resource: data, expect: 'Denied' },
      { description: 'read-only reads inside the location', kind: 'identity', principal: readOnly, action: 's3:GetObject', resource: obj(data, 'warehouse/sales/x'), expect: 'Allowed' },
      { description: 'read-only may not PutObject', kind: 'identity', principal: readOnly, action: 's3:PutObject', resource: obj(data, 'warehouse/sales/x'), expect: 'Denied' },
      { description: 'read-only may not DeleteObject', kind: 'identity', principal: readOnly, action: 's3:DeleteObject', resource: obj(data, 'warehouse/sales/x'), expect: 'Denied' },
    ]);
  });

  test('KMS: the bucket key, data keys only when writing', async () => {
    await m.expectMatrix([
      { description: 'decrypt with the bucket key', kind: 'identity', principal: readWrite, action: 'kms:Decrypt', resource: key, expect: 'Allowed' },
      { description: 'data key with the bucket key', kind: 'identity', principal: readWrite, action: 'kms:GenerateDataKey', resource: key, expect: 'Allowed' },
      { description: 'read-only decrypts', kind: 'identity', principal: readOnly, action: 'kms:Decrypt', resource: key, expect: 'Allowed' },
      { description: 'read-only makes no data key', kind: 'identity', principal: readOnly, action: 'kms:GenerateDataKey', resource: key, expect: 'Denied' },
      { description: 'not another key', kind: 'identity', principal: readWrite, action: 'kms:Decrypt', resource: 'arn:aws:kms:us-east-1:111111111111:key/other', expect: 'Denied' },
    ]);
  });
});

describe('LakeFormationContextRole access matrix (whole bucket)', () => {
  const stack = new Stack(new App(), 'LakeFormationWhole', { env });
  const data = s3.Bucket.fromBucketName(stack, 'Data', 'sales-lake');
  const role = new LakeFormationContextRole(stack, 'Whole', { bucket: data, readOnly: true });
  const m = AccessMatrix.fromStack(stack);

  test('reads and lists any key of that bucket only', async () => {
    await m.expectMatrix([
      { description: 'reads any key', kind: 'identity', principal: role, action: 's3:GetObject', resource: 'arn:aws:s3:::sales-lake/any/key.csv', expect: 'Allowed' },
      { description: 'lists any prefix', kind: 'identity', principal: role, action: 's3:ListBucket', resource: 'arn:aws:s3:::sales-lake', context: { 's3:prefix': 'any/' }, expect: 'Allowed' },
      { description: 'not a bucket with a longer name', kind: 'identity', principal: role, action: 's3:GetObject', resource: 'arn:aws:s3:::sales-lake-private/x', expect: 'Denied' },
      { description: 'no write', kind: 'identity', principal: role, action: 's3:PutObject', resource: 'arn:aws:s3:::sales-lake/x', expect: 'Denied' },
    ]);
  });
});
