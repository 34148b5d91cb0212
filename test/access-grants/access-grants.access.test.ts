import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessGrantsInstance, AccessGrantsLocation } from '../../src';
import { AccessMatrix, ContextValues } from '../access-matrix';

// The access matrix of S3 Access Grants location roles (G15): evaluated by a real IAM policy
// simulator over the synthesized template, the denied paths as well as the allowed ones.

const env = { account: '111111111111', region: 'us-east-1' };
const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const IDENTITY_CENTER = 'arn:aws:iam::aws:contextProvider/IdentityCenter';
const OTHER_INSTANCE = 'arn:aws:s3:us-east-1:999999999999:access-grants/default';

describe('AccessGrantsLocation access matrix (instance of the stack)', () => {
  const stack = new Stack(new App(), 'AccessGrants', { env });
  const instance = new AccessGrantsInstance(stack, 'Grants', { identityCenterArn: IDC_INSTANCE_ARN });
  const key = new kms.Key(stack, 'DataKey');
  const data = new s3.Bucket(stack, 'Data', { encryptionKey: key });
  const other = new s3.Bucket(stack, 'Other');
  const results = new AccessGrantsLocation(stack, 'Results', { instance, bucket: data, prefix: 'athena-results/' });
  const warehouse = new AccessGrantsLocation(stack, 'Warehouse', { instance, bucket: data, prefix: 'warehouse/sales/', readOnly: true });
  const template = Template.fromStack(stack).toJSON() as any;
  const m = AccessMatrix.fromStack(stack);
  const instanceArn = 'arn:aws:s3:us-east-1:111111111111:access-grants/default';
  const obj = (bucket: s3.IBucket, keyName: string) => `${m.arn(bucket)}/${keyName}`;
  const source: ContextValues = { 'aws:SourceAccount': '111111111111', 'aws:SourceArn': instanceArn };
  const through: ContextValues = { 's3:AccessGrantsInstanceArn': instanceArn, 'aws:ResourceAccount': '111111111111' };
  const role = results.role;

  test('the policies name the instance by its ARN', () => {
    const trust = m.resolve(template.Resources[m.roleLogicalId(results.role)].Properties.AssumeRolePolicyDocument) as any;
    expect(trust.Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnEquals: { 'aws:SourceArn': instanceArn } });
  });

  test('trust: S3 Access Grants of this account and instance may assume the role and set the source identity', async () => {
    await m.expectMatrix([
      { description: 'assumes', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:AssumeRole', resource: role, context: source, expect: 'Allowed' },
      { description: 'sets source identity', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:SetSourceIdentity', resource: role, context: source, expect: 'Allowed' },
      { description: 'read-only location: assumes', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:AssumeRole', resource: warehouse.role, context: source, expect: 'Allowed' },
      { description: 'not from another account', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:AssumeRole', resource: role, context: { ...source, 'aws:SourceAccount': '999999999999' }, expect: 'Denied' },
      { description: 'not from another instance', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:AssumeRole', resource: role, context: { ...source, 'aws:SourceArn': OTHER_INSTANCE }, expect: 'Denied' },
      { description: 'no source identity for another instance', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:SetSourceIdentity', resource: role, context: { ...source, 'aws:SourceArn': OTHER_INSTANCE }, expect: 'Denied' },
      { description: 'not without source context', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      { description: 'not Lake Formation', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:AssumeRole', resource: role, context: source, expect: 'Denied' },
      { description: 'not a role of the account', kind: 'assume', principal: 'arn:aws:iam::111111111111:role/analyst', action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      { description: 'no session tags', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:TagSession', resource: role, context: source, expect: 'Denied' },
    ]);
  });

  test('trust: sts:SetContext only with IAM Identity Center as the context provider', async () => {
    await m.expectMatrix([
      { description: 'IdentityCenter provider', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:SetContext', resource: role, context: { ...source, 'sts:RequestContextProviders': [IDENTITY_CENTER] }, expect: 'Allowed' },
      { description: 'another provider', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:SetContext', resource: role, context: { ...source, 'sts:RequestContextProviders': ['arn:aws:iam::aws:contextProvider/Other'] }, expect: 'Denied' },
      { description: 'IdentityCenter and another provider', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:SetContext', resource: role, context: { ...source, 'sts:RequestContextProviders': [IDENTITY_CENTER, 'arn:aws:iam::aws:contextProvider/Other'] }, expect: 'Denied' },
      { description: 'IdentityCenter provider from another account', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:SetContext', resource: role, context: { ...source, 'aws:SourceAccount': '999999999999', 'sts:RequestContextProviders': [IDENTITY_CENTER] }, expect: 'Denied' },
      { description: 'IdentityCenter provider for another instance', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:SetContext', resource: role, context: { ...source, 'aws:SourceArn': OTHER_INSTANCE, 'sts:RequestContextProviders': [IDENTITY_CENTER] }, expect: 'Denied' },
    ]);
  });

  test('S3: the objects of the location, only through the instance', async () => {
    await m.expectMatrix([
      { description: 'reads inside the location', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(data, 'athena-results/q/1.csv'), context: through, expect: 'Allowed' },
      { description: 'writes inside the location', kind: 'identity', principal: role, action: 's3:PutObject', resource: obj(data, 'athena-results/q/1.csv'), context: through, expect: 'Allowed' },
      { description: 'aborts uploads inside the location', kind: 'identity', principal: role, action: 's3:AbortMultipartUpload', resource: obj(data, 'athena-results/q/1.csv'), context: through, expect: 'Allowed' },
      { description: 'lists the location', kind: 'identity', principal: role, action: 's3:ListBucket', resource: data, context: { ...through, 's3:prefix': 'athena-results/q/' }, expect: 'Allowed' },
      { description: 'not without the instance', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(data, 'athena-results/q/1.csv'), context: { 'aws:ResourceAccount': '111111111111' }, expect: 'Denied' },
      { description: 'not through another instance', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(data, 'athena-results/q/1.csv'), context: { ...through, 's3:AccessGrantsInstanceArn': OTHER_INSTANCE }, expect: 'Denied' },
      { description: 'not in another account', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(data, 'athena-results/q/1.csv'), context: { ...through, 'aws:ResourceAccount': '999999999999' }, expect: 'Denied' },
      { description: 'not outside the prefix', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(data, 'athena-results-private/1.csv'), context: through, expect: 'Denied' },
      { description: 'no listing outside the prefix', kind: 'identity', principal: role, action: 's3:ListBucket', resource: data, context: { ...through, 's3:prefix': 'warehouse/' }, expect: 'Denied' },
      { description: 'not another bucket', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj(other, 'athena-results/1.csv'), context: through, expect: 'Denied' },
      { description: 'read-only location: reads', kind: 'identity', principal: warehouse.role, action: 's3:GetObject', resource: obj(data, 'warehouse/sales/x.parquet'), context: through, expect: 'Allowed' },
      { description: 'read-only location: no PutObject', kind: 'identity', principal: warehouse.role, action: 's3:PutObject', resource: obj(data, 'warehouse/sales/x.parquet'), context: through, expect: 'Denied' },
      { description: 'read-only location: no DeleteObject', kind: 'identity', principal: warehouse.role, action: 's3:DeleteObject', resource: obj(data, 'warehouse/sales/x.parquet'), context: through, expect: 'Denied' },
      { description: 'read-only location: not the neighbouring prefix', kind: 'identity', principal: warehouse.role, action: 's3:GetObject', resource: obj(data, 'warehouse/sales-private/x'), context: through, expect: 'Denied' },
    ]);
  });

  test('KMS: the bucket key only through S3 in this Region, data keys only when writing', async () => {
    const viaS3 = { 'kms:ViaService': 's3.us-east-1.amazonaws.com' };
    await m.expectMatrix([
      { description: 'decrypts via S3', kind: 'identity', principal: role, action: 'kms:Decrypt', resource: key, context: viaS3, expect: 'Allowed' },
      { description: 'data key via S3', kind: 'identity', principal: role, action: 'kms:GenerateDataKey', resource: key, context: viaS3, expect: 'Allowed' },
      { description: 'not directly', kind: 'identity', principal: role, action: 'kms:Decrypt', resource: key, expect: 'Denied' },
      { description: 'not via another service', kind: 'identity', principal: role, action: 'kms:Decrypt', resource: key, context: { 'kms:ViaService': 'glue.us-east-1.amazonaws.com' }, expect: 'Denied' },
      { description: 'read-only decrypts via S3', kind: 'identity', principal: warehouse.role, action: 'kms:Decrypt', resource: key, context: viaS3, expect: 'Allowed' },
      { description: 'read-only makes no data key', kind: 'identity', principal: warehouse.role, action: 'kms:GenerateDataKey', resource: key, context: viaS3, expect: 'Denied' },
    ]);
  });
});

describe('AccessGrantsLocation access matrix (imported instance)', () => {
  const instanceArn = 'arn:aws:s3:us-east-1:111111111111:access-grants/default';
  const stack = new Stack(new App(), 'AccessGrantsImported', { env });
  const instance = AccessGrantsInstance.fromInstanceArn(stack, 'Grants', instanceArn, IDC_INSTANCE_ARN);
  const location = new AccessGrantsLocation(stack, 'Lake', { instance, bucket: s3.Bucket.fromBucketName(stack, 'Data', 'sales-lake'), prefix: 'warehouse/', readOnly: true });
  const m = AccessMatrix.fromStack(stack);
  const source: ContextValues = { 'aws:SourceAccount': '111111111111', 'aws:SourceArn': instanceArn };
  const through: ContextValues = { 's3:AccessGrantsInstanceArn': instanceArn, 'aws:ResourceAccount': '111111111111' };

  test('the instance ARN conditions hold for a real instance ARN', async () => {
    await m.expectMatrix([
      { description: 'assumes', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:AssumeRole', resource: location.role, context: source, expect: 'Allowed' },
      { description: 'sets IdC context', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:SetContext', resource: location.role, context: { ...source, 'sts:RequestContextProviders': [IDENTITY_CENTER] }, expect: 'Allowed' },
      { description: 'not from another Region\'s instance', kind: 'assume', principal: 'access-grants.s3.amazonaws.com', action: 'sts:AssumeRole', resource: location.role, context: { ...source, 'aws:SourceArn': 'arn:aws:s3:eu-west-1:111111111111:access-grants/default' }, expect: 'Denied' },
      { description: 'reads inside', kind: 'identity', principal: location.role, action: 's3:GetObject', resource: 'arn:aws:s3:::sales-lake/warehouse/sales/x', context: through, expect: 'Allowed' },
      { description: 'not without the instance', kind: 'identity', principal: location.role, action: 's3:GetObject', resource: 'arn:aws:s3:::sales-lake/warehouse/sales/x', context: { 'aws:ResourceAccount': '111111111111' }, expect: 'Denied' },
      { description: 'not outside', kind: 'identity', principal: location.role, action: 's3:GetObject', resource: 'arn:aws:s3:::sales-lake/private/x', context: through, expect: 'Denied' },
      { description: 'no PutObject (read-only)', kind: 'identity', principal: location.role, action: 's3:PutObject', resource: 'arn:aws:s3:::sales-lake/warehouse/x', context: through, expect: 'Denied' },
    ]);
  });
});
