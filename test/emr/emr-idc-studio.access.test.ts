import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EmrIdcStudio } from '../../src';
import { AccessMatrix, ContextValues } from '../access-matrix';

// The access matrix of an EMR Studio with IAM Identity Center: its service role (the workspace
// location only, trusted by EMR of this account) and its user role (Athena SQL on the granted
// workgroup; the data itself comes through Lake Formation and S3 Access Grants), evaluated by a
// real IAM policy simulator over the synthesized template, the denied paths as well as the allowed ones.

const env = { account: '111111111111', region: 'us-east-1' };
const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const EMR = 'elasticmapreduce.amazonaws.com';
const WORKGROUP_ARN = 'arn:aws:athena:us-east-1:111111111111:workgroup/analysts';
const OTHER_WORKGROUP_ARN = 'arn:aws:athena:us-east-1:111111111111:workgroup/finance';
const STUDIO_ARN = 'arn:aws:elasticmapreduce:us-east-1:111111111111:studio/es-0123456789ABCDEFGHIJKLMNO';

describe('EmrIdcStudio access matrix', () => {
  const stack = new Stack(new App(), 'EmrStudio', { env });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1c2d3e4f5a60718'],
  });
  const key = new kms.Key(stack, 'Key');
  const workspaces = new s3.Bucket(stack, 'Workspaces', { encryptionKey: key });
  const other = new s3.Bucket(stack, 'Other');
  const studio = new EmrIdcStudio(stack, 'Studio', { identityCenterInstanceArn: IDC_INSTANCE_ARN, vpc, workspaceBucket: workspaces, groupNames: ['analysts'] });
  studio.grantAthenaQueries(WORKGROUP_ARN);
  const m = AccessMatrix.fromStack(stack);
  const obj = (bucket: s3.IBucket, keyName: string) => `${m.arn(bucket)}/${keyName}`;
  const source: ContextValues = { 'aws:SourceAccount': '111111111111', 'aws:SourceArn': STUDIO_ARN };
  const inAccount: ContextValues = { 'aws:ResourceAccount': '111111111111' };
  const serviceRole = studio.serviceRole;
  const userRole = studio.userRole;

  test('service role trust: EMR of this account only, sts:AssumeRole only', async () => {
    await m.expectMatrix([
      { description: 'EMR assumes for a Studio of this account', kind: 'assume', principal: EMR, action: 'sts:AssumeRole', resource: serviceRole, context: source, expect: 'Allowed' },
      { description: 'not with another SourceAccount', kind: 'assume', principal: EMR, action: 'sts:AssumeRole', resource: serviceRole, context: { ...source, 'aws:SourceAccount': '999999999999' }, expect: 'Denied' },
      { description: 'not for a Studio of another account', kind: 'assume', principal: EMR, action: 'sts:AssumeRole', resource: serviceRole, context: { ...source, 'aws:SourceArn': 'arn:aws:elasticmapreduce:us-east-1:999999999999:studio/es-X' }, expect: 'Denied' },
      { description: 'not from another account altogether', kind: 'assume', principal: EMR, action: 'sts:AssumeRole', resource: serviceRole, context: { 'aws:SourceAccount': '999999999999', 'aws:SourceArn': 'arn:aws:elasticmapreduce:us-east-1:999999999999:studio/es-X' }, expect: 'Denied' },
      { description: 'not for a Studio of another Region', kind: 'assume', principal: EMR, action: 'sts:AssumeRole', resource: serviceRole, context: { ...source, 'aws:SourceArn': 'arn:aws:elasticmapreduce:eu-west-1:111111111111:studio/es-X' }, expect: 'Denied' },
      { description: 'not for another service\'s ARN', kind: 'assume', principal: EMR, action: 'sts:AssumeRole', resource: serviceRole, context: { ...source, 'aws:SourceArn': 'arn:aws:glue:us-east-1:111111111111:job/x' }, expect: 'Denied' },
      { description: 'not without source context', kind: 'assume', principal: EMR, action: 'sts:AssumeRole', resource: serviceRole, expect: 'Denied' },
      { description: 'no sts:SetContext', kind: 'assume', principal: EMR, action: 'sts:SetContext', resource: serviceRole, context: source, expect: 'Denied' },
      { description: 'no session tags', kind: 'assume', principal: EMR, action: 'sts:TagSession', resource: serviceRole, context: source, expect: 'Denied' },
      { description: 'not another service', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:AssumeRole', resource: serviceRole, context: source, expect: 'Denied' },
      { description: 'not a role of the account', kind: 'assume', principal: 'arn:aws:iam::111111111111:role/analyst', action: 'sts:AssumeRole', resource: serviceRole, expect: 'Denied' },
    ]);
  });

  test('user role trust: EMR may assume it and set the identity context', async () => {
    await m.expectMatrix([
      { description: 'EMR assumes', kind: 'assume', principal: EMR, action: 'sts:AssumeRole', resource: userRole, expect: 'Allowed' },
      { description: 'EMR sets context', kind: 'assume', principal: EMR, action: 'sts:SetContext', resource: userRole, expect: 'Allowed' },
      { description: 'EMR assumes for a Studio of this account', kind: 'assume', principal: EMR, action: 'sts:AssumeRole', resource: userRole, context: source, expect: 'Allowed' },
      { description: 'no session tags', kind: 'assume', principal: EMR, action: 'sts:TagSession', resource: userRole, expect: 'Denied' },
      { description: 'not another service', kind: 'assume', principal: 'athena.amazonaws.com', action: 'sts:AssumeRole', resource: userRole, expect: 'Denied' },
      { description: 'not a role of the account', kind: 'assume', principal: 'arn:aws:iam::111111111111:role/analyst', action: 'sts:AssumeRole', resource: userRole, expect: 'Denied' },
    ]);
  });

  test('user role: Athena SQL on the granted workgroup and the catalog, no data', async () => {
    await m.expectMatrix([
      { description: 'starts queries in the workgroup', kind: 'identity', principal: userRole, action: 'athena:StartQueryExecution', resource: WORKGROUP_ARN, expect: 'Allowed' },
      { description: 'reads results in the workgroup', kind: 'identity', principal: userRole, action: 'athena:GetQueryResults', resource: WORKGROUP_ARN, expect: 'Allowed' },
      { description: 'lists workgroups', kind: 'identity', principal: userRole, action: 'athena:ListWorkGroups', resource: '*', expect: 'Allowed' },
      { description: 'reads a table of this account\'s catalog', kind: 'identity', principal: userRole, action: 'glue:GetTable', resource: 'arn:aws:glue:us-east-1:111111111111:table/sales/orders', expect: 'Allowed' },
      { description: 'not queries in another workgroup', kind: 'identity', principal: userRole, action: 'athena:StartQueryExecution', resource: OTHER_WORKGROUP_ARN, expect: 'Denied' },
      { description: 'not a workgroup of another account', kind: 'identity', principal: userRole, action: 'athena:StartQueryExecution', resource: 'arn:aws:athena:us-east-1:999999999999:workgroup/analysts', expect: 'Denied' },
      { description: 'does not change the workgroup', kind: 'identity', principal: userRole, action: 'athena:UpdateWorkGroup', resource: WORKGROUP_ARN, expect: 'Denied' },
      { description: 'does not write the catalog', kind: 'identity', principal: userRole, action: 'glue:CreateTable', resource: 'arn:aws:glue:us-east-1:111111111111:table/sales/orders', expect: 'Denied' },
      { description: 'not another account\'s catalog', kind: 'identity', principal: userRole, action: 'glue:GetTable', resource: 'arn:aws:glue:us-east-1:999999999999:table/sales/orders', expect: 'Denied' },
      { description: 'no S3 object of the workspace bucket', kind: 'identity', principal: userRole, action: 's3:GetObject', resource: obj(workspaces, 'emr-studio/ws/notebook.ipynb'), context: inAccount, expect: 'Denied' },
      { description: 'no S3 object elsewhere', kind: 'identity', principal: userRole, action: 's3:GetObject', resource: obj(other, 'warehouse/sales/x.parquet'), context: inAccount, expect: 'Denied' },
      { description: 'no Lake Formation data access', kind: 'identity', principal: userRole, action: 'lakeformation:GetDataAccess', resource: '*', expect: 'Denied' },
      { description: 'no IAM', kind: 'identity', principal: userRole, action: 'iam:PassRole', resource: m.arn(serviceRole), expect: 'Denied' },
    ]);
  });

  test('service role: the workspace prefix of the bucket only, in this account, and no EC2', async () => {
    await m.expectMatrix([
      { description: 'writes under emr-studio/', kind: 'identity', principal: serviceRole, action: 's3:PutObject', resource: obj(workspaces, 'emr-studio/ws/notebook.ipynb'), context: inAccount, expect: 'Allowed' },
      { description: 'reads under emr-studio/', kind: 'identity', principal: serviceRole, action: 's3:GetObject', resource: obj(workspaces, 'emr-studio/ws/notebook.ipynb'), context: inAccount, expect: 'Allowed' },
      { description: 'deletes under emr-studio/', kind: 'identity', principal: serviceRole, action: 's3:DeleteObject', resource: obj(workspaces, 'emr-studio/ws/notebook.ipynb'), context: inAccount, expect: 'Allowed' },
      { description: 'lists emr-studio/', kind: 'identity', principal: serviceRole, action: 's3:ListBucket', resource: workspaces, context: { ...inAccount, 's3:prefix': 'emr-studio/ws/' }, expect: 'Allowed' },
      { description: 'reads the encryption configuration', kind: 'identity', principal: serviceRole, action: 's3:GetEncryptionConfiguration', resource: workspaces, context: inAccount, expect: 'Allowed' },
      { description: 'not outside emr-studio/', kind: 'identity', principal: serviceRole, action: 's3:PutObject', resource: obj(workspaces, 'athena-results/x.csv'), context: inAccount, expect: 'Denied' },
      { description: 'not the neighbouring prefix', kind: 'identity', principal: serviceRole, action: 's3:PutObject', resource: obj(workspaces, 'emr-studio-private/x'), context: inAccount, expect: 'Denied' },
      { description: 'no listing outside emr-studio/', kind: 'identity', principal: serviceRole, action: 's3:ListBucket', resource: workspaces, context: { ...inAccount, 's3:prefix': 'warehouse/' }, expect: 'Denied' },
      { description: 'not in another bucket', kind: 'identity', principal: serviceRole, action: 's3:PutObject', resource: obj(other, 'emr-studio/ws/notebook.ipynb'), context: inAccount, expect: 'Denied' },
      { description: 'not in another account', kind: 'identity', principal: serviceRole, action: 's3:PutObject', resource: obj(workspaces, 'emr-studio/ws/notebook.ipynb'), context: { 'aws:ResourceAccount': '999999999999' }, expect: 'Denied' },
      { description: 'no bucket policy changes', kind: 'identity', principal: serviceRole, action: 's3:PutBucketPolicy', resource: workspaces, context: inAccount, expect: 'Denied' },
      { description: 'no EC2 network interfaces', kind: 'identity', principal: serviceRole, action: 'ec2:CreateNetworkInterface', resource: 'arn:aws:ec2:us-east-1:111111111111:network-interface/eni-0123456789abcdef0', expect: 'Denied' },
      { description: 'no EC2 security group rules', kind: 'identity', principal: serviceRole, action: 'ec2:AuthorizeSecurityGroupIngress', resource: 'arn:aws:ec2:us-east-1:111111111111:security-group/sg-0123456789abcdef0', expect: 'Denied' },
      { description: 'no Athena', kind: 'identity', principal: serviceRole, action: 'athena:StartQueryExecution', resource: WORKGROUP_ARN, expect: 'Denied' },
    ]);
  });

  test('service role: the bucket key, which the user role cannot use', async () => {
    await m.expectMatrix([
      { description: 'service role decrypts', kind: 'identity', principal: serviceRole, action: 'kms:Decrypt', resource: key, expect: 'Allowed' },
      { description: 'service role makes data keys', kind: 'identity', principal: serviceRole, action: 'kms:GenerateDataKey', resource: key, expect: 'Allowed' },
      { description: 'service role does not schedule key deletion', kind: 'identity', principal: serviceRole, action: 'kms:ScheduleKeyDeletion', resource: key, expect: 'Denied' },
      { description: 'user role does not decrypt', kind: 'identity', principal: userRole, action: 'kms:Decrypt', resource: key, expect: 'Denied' },
    ]);
  });
});
