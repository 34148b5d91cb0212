import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessGrantsInstance, AccessGrantsLocation, AthenaIdcWorkGroup } from '../../src';
import { AccessMatrix, ContextValues } from '../access-matrix';

// The access matrix of an IAM Identity Center enabled Athena workgroup (G17): its execution role
// and its custom-resource handler, evaluated by a real IAM policy simulator over the synthesized
// template, the denied paths as well as the allowed ones.

const env = { account: '111111111111', region: 'us-east-1' };
const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const GROUP_ID = '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';
const INSTANCE_ARN = 'arn:aws:s3:us-east-1:111111111111:access-grants/default';
const OTHER_INSTANCE_ARN = 'arn:aws:s3:us-east-1:222222222222:access-grants/default';
const OWNER_TAG = 'cdk-analytics-access:owner';

describe('AthenaIdcWorkGroup access matrix', () => {
  const stack = new Stack(new App(), 'AthenaIdc', { env });
  const instance = new AccessGrantsInstance(stack, 'Grants', { identityCenterArn: IDC_INSTANCE_ARN });
  const results = new s3.Bucket(stack, 'Results');
  const location = new AccessGrantsLocation(stack, 'ResultsLocation', { instance, bucket: results, prefix: 'athena-results/' });
  const readers = new AthenaIdcWorkGroup(stack, 'Readers', { identityCenterInstanceArn: IDC_INSTANCE_ARN, resultsLocation: location, groupIds: [GROUP_ID] });
  const writers = new AthenaIdcWorkGroup(stack, 'Writers', {
    identityCenterInstanceArn: IDC_INSTANCE_ARN, resultsLocation: location, resultsPrefix: 'writers/', catalogWrites: true, workGroupName: 'writers',
  });
  const m = AccessMatrix.fromStack(stack);
  const role = readers.executionRole;
  const handler = stack.node.findChild('CdkAnalyticsAccessAthenaIdcWorkGroupProvider').node.findChild('Role');
  const stackId = m.resolve({ Ref: 'AWS::StackId' }) as string;
  const otherStackId = 'arn:aws:cloudformation:us-east-1:111111111111:stack/Other/0b6ea5a0-1c2d-4e3f-a4b5-c6d7e8f90a1b';
  const workGroupArn = (name: string, account = '111111111111') => `arn:aws:athena:us-east-1:${account}:workgroup/${name}`;
  const ownedBy = (owner: string): ContextValues => ({ [`aws:ResourceTag/${OWNER_TAG}`]: owner });
  const taggedBy = (owner: string): ContextValues => ({ [`aws:RequestTag/${OWNER_TAG}`]: owner });

  test('the helper resolves the stack id the handler tags its workgroups with', () => {
    expect(stackId).toMatch(/^arn:aws:cloudformation:us-east-1:111111111111:stack\/AthenaIdc\//);
    expect(m.getAtt(instance, 'AccessGrantsInstanceArn')).toEqual(INSTANCE_ARN);
  });

  test('trust: Athena may assume the execution role and set context (G17); nobody else', async () => {
    await m.expectMatrix([
      { description: 'Athena assumes', kind: 'assume', principal: 'athena.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
      { description: 'Athena sets context (G17)', kind: 'assume', principal: 'athena.amazonaws.com', action: 'sts:SetContext', resource: role, expect: 'Allowed' },
      { description: 'catalog writer: Athena sets context', kind: 'assume', principal: 'athena.amazonaws.com', action: 'sts:SetContext', resource: writers.executionRole, expect: 'Allowed' },
      { description: 'Athena may not tag the session', kind: 'assume', principal: 'athena.amazonaws.com', action: 'sts:TagSession', resource: role, expect: 'Denied' },
      { description: 'Lake Formation may not assume', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      { description: 'Lake Formation may not set context', kind: 'assume', principal: 'lakeformation.amazonaws.com', action: 'sts:SetContext', resource: role, expect: 'Denied' },
      { description: 'a role of another account may not assume', kind: 'assume', principal: 'arn:aws:iam::222222222222:role/admin', action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      { description: 'a role of the account may not assume', kind: 'assume', principal: 'arn:aws:iam::111111111111:role/analyst', action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
    ]);
  });

  test('execution role: data credentials from this Access Grants instance and Lake Formation, never S3 data directly', async () => {
    const resultObject = `${m.arn(results)}/athena-results/${GROUP_ID}/q.csv`;
    await m.expectMatrix([
      { description: 'Access Grants credentials', kind: 'identity', principal: role, action: 's3:GetDataAccess', resource: INSTANCE_ARN, expect: 'Allowed' },
      { description: 'Access Grants instance for a prefix', kind: 'identity', principal: role, action: 's3:GetAccessGrantsInstanceForPrefix', resource: INSTANCE_ARN, expect: 'Allowed' },
      { description: 'not another account\'s instance', kind: 'identity', principal: role, action: 's3:GetDataAccess', resource: OTHER_INSTANCE_ARN, expect: 'Denied' },
      { description: 'not another Region\'s instance', kind: 'identity', principal: role, action: 's3:GetDataAccess', resource: 'arn:aws:s3:eu-west-1:111111111111:access-grants/default', expect: 'Denied' },
      { description: 'Lake Formation credentials', kind: 'identity', principal: role, action: 'lakeformation:GetDataAccess', resource: '*', expect: 'Allowed' },
      { description: 'the results bucket Region', kind: 'identity', principal: role, action: 's3:GetBucketLocation', resource: results, expect: 'Allowed' },
      { description: 'not another bucket\'s Region', kind: 'identity', principal: role, action: 's3:GetBucketLocation', resource: 'arn:aws:s3:::other-bucket', expect: 'Denied' },
      { description: 'no results read (only through Access Grants)', kind: 'identity', principal: role, action: 's3:GetObject', resource: resultObject, expect: 'Denied' },
      { description: 'no results write (only through Access Grants)', kind: 'identity', principal: role, action: 's3:PutObject', resource: resultObject, expect: 'Denied' },
      { description: 'no listing', kind: 'identity', principal: role, action: 's3:ListBucket', resource: results, expect: 'Denied' },
    ]);
  });

  test('execution role: reads this account\'s catalog in this Region; writes only with catalogWrites', async () => {
    const table = (account = '111111111111', region = 'us-east-1') => `arn:aws:glue:${region}:${account}:table/sales/orders`;
    const database = 'arn:aws:glue:us-east-1:111111111111:database/sales';
    await m.expectMatrix([
      { description: 'reads a table', kind: 'identity', principal: role, action: 'glue:GetTable', resource: table(), expect: 'Allowed' },
      { description: 'reads a database', kind: 'identity', principal: role, action: 'glue:GetDatabase', resource: database, expect: 'Allowed' },
      { description: 'reads partitions', kind: 'identity', principal: role, action: 'glue:GetPartitions', resource: table(), expect: 'Allowed' },
      { description: 'not another account\'s table', kind: 'identity', principal: role, action: 'glue:GetTable', resource: table('222222222222'), expect: 'Denied' },
      { description: 'not another Region\'s table', kind: 'identity', principal: role, action: 'glue:GetTable', resource: table('111111111111', 'eu-west-1'), expect: 'Denied' },
      { description: 'no table creation by default', kind: 'identity', principal: role, action: 'glue:CreateTable', resource: table(), expect: 'Denied' },
      { description: 'no database deletion by default', kind: 'identity', principal: role, action: 'glue:DeleteDatabase', resource: database, expect: 'Denied' },
      { description: 'catalogWrites: creates a table', kind: 'identity', principal: writers.executionRole, action: 'glue:CreateTable', resource: table(), expect: 'Allowed' },
      { description: 'catalogWrites: deletes a database', kind: 'identity', principal: writers.executionRole, action: 'glue:DeleteDatabase', resource: database, expect: 'Allowed' },
      { description: 'catalogWrites: not in another account', kind: 'identity', principal: writers.executionRole, action: 'glue:CreateTable', resource: table('222222222222'), expect: 'Denied' },
    ]);
  });

  test('execution role: prepared statements of its own workgroup only', async () => {
    await m.expectMatrix([
      { description: 'its workgroup', kind: 'identity', principal: role, action: 'athena:GetPreparedStatement', resource: workGroupArn(readers.workGroupName), expect: 'Allowed' },
      { description: 'creates in its workgroup', kind: 'identity', principal: role, action: 'athena:CreatePreparedStatement', resource: workGroupArn(readers.workGroupName), expect: 'Allowed' },
      { description: 'not another workgroup', kind: 'identity', principal: role, action: 'athena:GetPreparedStatement', resource: workGroupArn('writers'), expect: 'Denied' },
      { description: 'no query start', kind: 'identity', principal: role, action: 'athena:StartQueryExecution', resource: workGroupArn(readers.workGroupName), expect: 'Denied' },
    ]);
  });

  test('handler: creates workgroups only tagged as this stack\'s', async () => {
    const name = workGroupArn(readers.workGroupName);
    await m.expectMatrix([
      { description: 'creates with the owner tag', kind: 'identity', principal: handler, action: 'athena:CreateWorkGroup', resource: name, context: taggedBy(stackId), expect: 'Allowed' },
      { description: 'tags with the owner tag', kind: 'identity', principal: handler, action: 'athena:TagResource', resource: name, context: taggedBy(stackId), expect: 'Allowed' },
      { description: 'not with another stack as owner', kind: 'identity', principal: handler, action: 'athena:CreateWorkGroup', resource: name, context: taggedBy(otherStackId), expect: 'Denied' },
      { description: 'not untagged', kind: 'identity', principal: handler, action: 'athena:CreateWorkGroup', resource: name, expect: 'Denied' },
      { description: 'not in another account', kind: 'identity', principal: handler, action: 'athena:CreateWorkGroup', resource: workGroupArn('x', '222222222222'), context: taggedBy(stackId), expect: 'Denied' },
    ]);
  });

  test('handler: reads, updates and deletes only workgroups tagged as this stack\'s', async () => {
    const name = workGroupArn(readers.workGroupName);
    await m.expectMatrix([
      { description: 'deletes its own', kind: 'identity', principal: handler, action: 'athena:DeleteWorkGroup', resource: name, context: ownedBy(stackId), expect: 'Allowed' },
      { description: 'updates its own', kind: 'identity', principal: handler, action: 'athena:UpdateWorkGroup', resource: name, context: ownedBy(stackId), expect: 'Allowed' },
      { description: 'reads its own', kind: 'identity', principal: handler, action: 'athena:GetWorkGroup', resource: name, context: ownedBy(stackId), expect: 'Allowed' },
      { description: 'reads the tags of its own', kind: 'identity', principal: handler, action: 'athena:ListTagsForResource', resource: name, context: ownedBy(stackId), expect: 'Allowed' },
      { description: 'a renamed (old) workgroup of its own', kind: 'identity', principal: handler, action: 'athena:DeleteWorkGroup', resource: workGroupArn('old-name'), context: ownedBy(stackId), expect: 'Allowed' },
      { description: 'not another stack\'s', kind: 'identity', principal: handler, action: 'athena:DeleteWorkGroup', resource: name, context: ownedBy(otherStackId), expect: 'Denied' },
      { description: 'not an untagged one', kind: 'identity', principal: handler, action: 'athena:DeleteWorkGroup', resource: workGroupArn('primary'), expect: 'Denied' },
      { description: 'no update of another stack\'s', kind: 'identity', principal: handler, action: 'athena:UpdateWorkGroup', resource: name, context: ownedBy(otherStackId), expect: 'Denied' },
      { description: 'not in another account', kind: 'identity', principal: handler, action: 'athena:DeleteWorkGroup', resource: workGroupArn('x', '222222222222'), context: ownedBy(stackId), expect: 'Denied' },
    ]);
  });

  test('handler: passes the execution roles to Athena only', async () => {
    const toAthena: ContextValues = { 'iam:PassedToService': 'athena.amazonaws.com' };
    await m.expectMatrix([
      { description: 'passes the execution role to Athena', kind: 'identity', principal: handler, action: 'iam:PassRole', resource: role, context: toAthena, expect: 'Allowed' },
      { description: 'passes the other workgroup\'s role to Athena', kind: 'identity', principal: handler, action: 'iam:PassRole', resource: writers.executionRole, context: toAthena, expect: 'Allowed' },
      { description: 'not to Glue', kind: 'identity', principal: handler, action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'glue.amazonaws.com' }, expect: 'Denied' },
      { description: 'not another role', kind: 'identity', principal: handler, action: 'iam:PassRole', resource: 'arn:aws:iam::111111111111:role/admin', context: toAthena, expect: 'Denied' },
      { description: 'not the location role', kind: 'identity', principal: handler, action: 'iam:PassRole', resource: location.role, context: toAthena, expect: 'Denied' },
    ]);
  });

  test('handler: the IdC applications of its instance only', async () => {
    const application = (instanceId: string) => `arn:aws:sso::111111111111:application/${instanceId}/apl-1234567890abcdef`;
    await m.expectMatrix([
      { description: 'creates an application on its instance', kind: 'identity', principal: handler, action: 'sso:CreateApplication', resource: IDC_INSTANCE_ARN, expect: 'Allowed' },
      { description: 'grants on an application of its instance', kind: 'identity', principal: handler, action: 'sso:PutApplicationGrant', resource: application('ssoins-7223a4d1b8c6e5f0'), expect: 'Allowed' },
      { description: 'not on another instance', kind: 'identity', principal: handler, action: 'sso:CreateApplication', resource: 'arn:aws:sso:::instance/ssoins-0000000000000000', expect: 'Denied' },
      { description: 'not an application of another instance', kind: 'identity', principal: handler, action: 'sso:DeleteApplication', resource: application('ssoins-0000000000000000'), expect: 'Denied' },
      { description: 'no assignments (CloudFormation makes them)', kind: 'identity', principal: handler, action: 'sso:CreateApplicationAssignment', resource: application('ssoins-7223a4d1b8c6e5f0'), expect: 'Denied' },
    ]);
  });
});
