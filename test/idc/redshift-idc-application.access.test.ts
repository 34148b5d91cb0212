import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DataApiAuth, DatabaseGrant, RedshiftIdcApplication, RedshiftTarget } from '../../src';
import { AccessMatrix } from '../access-matrix';

// The access matrix of seed 000 (Redshift + IAM Identity Center), evaluated by a real IAM
// policy simulator over the synthesized template: allowed and denied paths.

const env = { account: '111111111111', region: 'us-east-1' };
const INSTANCE = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const OTHER_INSTANCE = 'arn:aws:sso:::instance/ssoins-0000000000000000';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:reporting-admin-AbCdEf';

describe('RedshiftIdcApplication access matrix (existing cluster)', () => {
  const stack = new Stack(new App(), 'Idc', { env });
  const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'reporting' });
  const admin = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);
  const idc = new RedshiftIdcApplication(stack, 'Idc', {
    target,
    idcInstanceArn: INSTANCE,
    sqlAuth: DataApiAuth.secret(admin),
    groups: [{ groupId: '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901', groupName: 'analysts', grants: [DatabaseGrant.readSchema('public')] }],
  });
  const m = AccessMatrix.fromStack(stack);
  const sqlProvider = stack.node.findChild('CdkAnalyticsAccessRedshiftSqlProvider').node.findChild('Role');
  const app = (instanceId: string, account = '111111111111') => `arn:aws:sso::${account}:application/${instanceId}/apl-1234567890abcdef`;

  test('trust: Redshift and Redshift Serverless may assume the role and set context (G5); nobody else', async () => {
    await m.expectMatrix([
      { description: 'Redshift assumes', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: idc.role, expect: 'Allowed' },
      { description: 'Redshift sets context', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:SetContext', resource: idc.role, expect: 'Allowed' },
      { description: 'Serverless assumes', kind: 'assume', principal: 'redshift-serverless.amazonaws.com', action: 'sts:AssumeRole', resource: idc.role, expect: 'Allowed' },
      { description: 'Serverless sets context', kind: 'assume', principal: 'redshift-serverless.amazonaws.com', action: 'sts:SetContext', resource: idc.role, expect: 'Allowed' },
      { description: 'no source identity', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:SetSourceIdentity', resource: idc.role, expect: 'Denied' },
      { description: 'an unrelated service', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:AssumeRole', resource: idc.role, expect: 'Denied' },
      { description: 'a role of the account', kind: 'assume', principal: 'arn:aws:iam::111111111111:role/analyst', action: 'sts:AssumeRole', resource: idc.role, expect: 'Denied' },
      { description: 'a role of another account', kind: 'assume', principal: 'arn:aws:iam::222222222222:role/admin', action: 'sts:AssumeRole', resource: idc.role, expect: 'Denied' },
    ]);
  });

  test('the role describes its own IdC instance and its applications, nothing else', async () => {
    await m.expectMatrix([
      { description: 'its instance', kind: 'identity', principal: idc.role, action: 'sso:DescribeInstance', resource: INSTANCE, expect: 'Allowed' },
      { description: 'an application of its instance', kind: 'identity', principal: idc.role, action: 'sso:DescribeApplication', resource: app('ssoins-7223a4d1b8c6e5f0'), expect: 'Allowed' },
      { description: 'another instance', kind: 'identity', principal: idc.role, action: 'sso:DescribeInstance', resource: OTHER_INSTANCE, expect: 'Denied' },
      { description: 'an application of another instance', kind: 'identity', principal: idc.role, action: 'sso:DescribeApplication', resource: app('ssoins-0000000000000000'), expect: 'Denied' },
      { description: 'an application created by another account', kind: 'identity', principal: idc.role, action: 'sso:DescribeApplication', resource: app('ssoins-7223a4d1b8c6e5f0', '222222222222'), expect: 'Denied' },
      { description: 'no IdC changes', kind: 'identity', principal: idc.role, action: 'sso:CreateApplicationAssignment', resource: app('ssoins-7223a4d1b8c6e5f0'), expect: 'Denied' },
      { description: 'no Data API', kind: 'identity', principal: idc.role, action: 'redshift-data:ExecuteStatement', resource: 'arn:aws:redshift:us-east-1:111111111111:cluster:reporting', expect: 'Denied' },
      { description: 'no S3', kind: 'identity', principal: idc.role, action: 's3:GetObject', resource: 'arn:aws:s3:::data/x', expect: 'Denied' },
    ]);
  });

  test('the SQL handler runs statements on this cluster only, as the admin secret only', async () => {
    const cluster = 'arn:aws:redshift:us-east-1:111111111111:cluster:reporting';
    await m.expectMatrix([
      { description: 'execute on the cluster', kind: 'identity', principal: sqlProvider, action: 'redshift-data:ExecuteStatement', resource: cluster, expect: 'Allowed' },
      { description: 'batch on the cluster', kind: 'identity', principal: sqlProvider, action: 'redshift-data:BatchExecuteStatement', resource: cluster, expect: 'Allowed' },
      { description: 'not another cluster', kind: 'identity', principal: sqlProvider, action: 'redshift-data:ExecuteStatement', resource: 'arn:aws:redshift:us-east-1:111111111111:cluster:finance', expect: 'Denied' },
      { description: 'not a workgroup', kind: 'identity', principal: sqlProvider, action: 'redshift-data:ExecuteStatement', resource: 'arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/3f0e8a6c-1d2b-4c5d-9e8f-7a6b5c4d3e2f', expect: 'Denied' },
      { description: 'reads the admin secret', kind: 'identity', principal: sqlProvider, action: 'secretsmanager:GetSecretValue', resource: SECRET_ARN, expect: 'Allowed' },
      { description: 'not another secret', kind: 'identity', principal: sqlProvider, action: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:finance-admin-XyZaBc', expect: 'Denied' },
      { description: 'no temporary credentials', kind: 'identity', principal: sqlProvider, action: 'redshift:GetClusterCredentials', resource: 'arn:aws:redshift:us-east-1:111111111111:dbuser:reporting/admin', expect: 'Denied' },
      { description: 'no statement results', kind: 'identity', principal: sqlProvider, action: 'redshift-data:GetStatementResult', resource: '*', expect: 'Denied' },
    ]);
  });
});
