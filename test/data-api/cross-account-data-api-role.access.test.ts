import { App, PhysicalName, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CrossAccountDataApiRole, CrossAccountDataApiRoleProps, DataApiAuth, RedshiftTarget, SessionAction } from '../../src';
import { AccessMatrix } from '../access-matrix';

// The access matrix of seed 001 (cross-account Redshift Data API), evaluated by a real IAM policy
// simulator over both synthesized templates, each in its own account: the consumer's side in
// account A (111111111111), the producer's role in the warehouse's account B (222222222222).

const CONSUMER_ACCOUNT = '111111111111';
const PRODUCER_ACCOUNT = '222222222222';
const THIRD_ACCOUNT = '333333333333';
const REGION = 'us-east-1';
const EXTERNAL_ID = 'reporting-from-account-a';
const SESSION = 'reporting';
const WG_ID = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const ORG_ID = 'o-a1b2c3d4e5';

/** Like examples/cross-account-data-api.ts: a function in A, the role it assumes in B (with an external id and a session name unless overridden). */
function buildApp(props: Partial<CrossAccountDataApiRoleProps> = {}) {
  const app = new App();
  const consumer = new Stack(app, 'Consumer', { env: { account: CONSUMER_ACCOUNT, region: REGION } });
  const producer = new Stack(app, 'Producer', { env: { account: PRODUCER_ACCOUNT, region: REGION } });
  const consumerRole = new iam.Role(consumer, 'QueryRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    roleName: PhysicalName.GENERATE_IF_NEEDED,
  });
  const fn = new lambda.Function(consumer, 'Query', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    role: consumerRole,
  });
  const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
    target: RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' }),
    database: 'dev',
    auth: DataApiAuth.temporaryCredentials('reporting'),
    consumers: props.consumerAccounts ? undefined : [consumerRole],
    externalId: EXTERNAL_ID,
    roleSessionName: SESSION,
    ...props,
  });
  dataApi.configureConsumerFunction(fn);
  return {
    consumerRole,
    dataApi,
    consumerMatrix: AccessMatrix.fromStack(consumer, { account: CONSUMER_ACCOUNT, region: REGION }),
    producerMatrix: AccessMatrix.fromStack(producer, { account: PRODUCER_ACCOUNT, region: REGION }),
  };
}

const rsArn = (resource: string, account = PRODUCER_ACCOUNT) => `arn:aws:redshift:us-east-1:${account}:${resource}`;

describe('CrossAccountDataApiRole access matrix (two accounts)', () => {
  const { consumerRole, dataApi, consumerMatrix, producerMatrix } = buildApp();
  const consumerArn = consumerMatrix.roleArn(consumerRole);
  const producerArn = producerMatrix.roleArn(dataApi);
  const required = { 'sts:ExternalId': EXTERNAL_ID, 'sts:RoleSessionName': SESSION };

  test('the helper places each role in its own account', () => {
    expect(consumerArn).toMatch(/^arn:aws:iam::111111111111:role\/[a-z0-9]+$/);
    expect(producerArn).toMatch(/^arn:aws:iam::222222222222:role\/[a-z0-9]+$/);
  });

  test('trust: only the consumer role, with the external id and the session name', async () => {
    await producerMatrix.expectMatrix([
      { description: 'the consumer role', kind: 'assume', principal: consumerArn, action: 'sts:AssumeRole', resource: dataApi, context: required, expect: 'Allowed' },
      {
        description: 'the consumer role without the external id',
        kind: 'assume',
        principal: consumerArn,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: { 'sts:RoleSessionName': SESSION },
        expect: 'Denied',
      },
      {
        description: 'the consumer role with another external id',
        kind: 'assume',
        principal: consumerArn,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: { ...required, 'sts:ExternalId': 'guessed' },
        expect: 'Denied',
      },
      {
        description: 'the consumer role with another session name',
        kind: 'assume',
        principal: consumerArn,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: { ...required, 'sts:RoleSessionName': 'admin' },
        expect: 'Denied',
      },
      {
        description: 'the consumer role without a session name condition value',
        kind: 'assume',
        principal: consumerArn,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: { 'sts:ExternalId': EXTERNAL_ID },
        expect: 'Denied',
      },
      {
        description: 'another role of account A',
        kind: 'assume',
        principal: `arn:aws:iam::${CONSUMER_ACCOUNT}:role/analyst`,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: required,
        expect: 'Denied',
      },
      {
        description: 'account A as a whole',
        kind: 'assume',
        principal: `arn:aws:iam::${CONSUMER_ACCOUNT}:root`,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: required,
        expect: 'Denied',
      },
      {
        description: 'a role of a third account',
        kind: 'assume',
        principal: `arn:aws:iam::${THIRD_ACCOUNT}:role/reporting`,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: required,
        expect: 'Denied',
      },
      {
        description: 'a role of account B',
        kind: 'assume',
        principal: `arn:aws:iam::${PRODUCER_ACCOUNT}:role/admin`,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: required,
        expect: 'Denied',
      },
      { description: 'no service', kind: 'assume', principal: 'lambda.amazonaws.com', action: 'sts:AssumeRole', resource: dataApi, expect: 'Denied' },
      // Session actions were not asked for.
      { description: 'no session tags', kind: 'assume', principal: consumerArn, action: 'sts:TagSession', resource: dataApi, expect: 'Denied' },
      { description: 'no source identity', kind: 'assume', principal: consumerArn, action: 'sts:SetSourceIdentity', resource: dataApi, expect: 'Denied' },
    ]);
  });

  test('trust: a caller of account A without an identity grant is denied even with the right context', async () => {
    // Cross-account, both sides must allow: the consumer's account must grant sts:AssumeRole too.
    expect(await producerMatrix.canAssume(consumerArn, dataApi, { context: required, callerIdentity: 'none' })).toBe('Denied');
    expect(await producerMatrix.canAssume(consumerArn, dataApi, { context: required, callerIdentity: 'allow' })).toBe('Allowed');
  });

  test('the consumer\'s identity policy: sts:AssumeRole on exactly the producer role', async () => {
    await consumerMatrix.expectMatrix([
      { description: 'assume the producer role', kind: 'identity', principal: consumerRole, action: 'sts:AssumeRole', resource: producerArn, expect: 'Allowed' },
      {
        description: 'not another role of account B',
        kind: 'identity',
        principal: consumerRole,
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${PRODUCER_ACCOUNT}:role/admin`,
        expect: 'Denied',
      },
      {
        description: 'not the same role name in another account',
        kind: 'identity',
        principal: consumerRole,
        action: 'sts:AssumeRole',
        resource: producerArn.replace(PRODUCER_ACCOUNT, THIRD_ACCOUNT),
        expect: 'Denied',
      },
      { description: 'no session tags', kind: 'identity', principal: consumerRole, action: 'sts:TagSession', resource: producerArn, expect: 'Denied' },
      { description: 'no Data API of its own', kind: 'identity', principal: consumerRole, action: 'redshift-data:ExecuteStatement', resource: rsArn('cluster:analytics'), expect: 'Denied' },
    ]);
  });

  test('the producer role runs statements on its cluster only', async () => {
    await producerMatrix.expectMatrix([
      { description: 'execute on the cluster', kind: 'identity', principal: dataApi, action: 'redshift-data:ExecuteStatement', resource: rsArn('cluster:analytics'), expect: 'Allowed' },
      {
        description: 'batch on the cluster',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift-data:BatchExecuteStatement',
        resource: rsArn('cluster:analytics'),
        expect: 'Allowed',
      },
      { description: 'not another cluster', kind: 'identity', principal: dataApi, action: 'redshift-data:ExecuteStatement', resource: rsArn('cluster:finance'), expect: 'Denied' },
      {
        description: 'not the same cluster name in account A',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift-data:ExecuteStatement',
        resource: rsArn('cluster:analytics', CONSUMER_ACCOUNT),
        expect: 'Denied',
      },
      {
        description: 'not a workgroup',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift-data:ExecuteStatement',
        resource: `arn:aws:redshift-serverless:us-east-1:${PRODUCER_ACCOUNT}:workgroup/${WG_ID}`,
        expect: 'Denied',
      },
    ]);
  });

  test('the producer role gets credentials of its database user and database only, in account B (G10)', async () => {
    await producerMatrix.expectMatrix([
      {
        description: 'its database user',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift:GetClusterCredentials',
        resource: rsArn('dbuser:analytics/reporting'),
        expect: 'Allowed',
      },
      { description: 'its database', kind: 'identity', principal: dataApi, action: 'redshift:GetClusterCredentials', resource: rsArn('dbname:analytics/dev'), expect: 'Allowed' },
      { description: 'not admin', kind: 'identity', principal: dataApi, action: 'redshift:GetClusterCredentials', resource: rsArn('dbuser:analytics/admin'), expect: 'Denied' },
      {
        description: 'not another database',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift:GetClusterCredentials',
        resource: rsArn('dbname:analytics/other'),
        expect: 'Denied',
      },
      {
        description: 'not its user on another cluster',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift:GetClusterCredentials',
        resource: rsArn('dbuser:finance/reporting'),
        expect: 'Denied',
      },
      {
        description: 'not the dbuser ARN in account A',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift:GetClusterCredentials',
        resource: rsArn('dbuser:analytics/reporting', CONSUMER_ACCOUNT),
        expect: 'Denied',
      },
      {
        description: 'not the dbname ARN in account A',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift:GetClusterCredentials',
        resource: rsArn('dbname:analytics/dev', CONSUMER_ACCOUNT),
        expect: 'Denied',
      },
      {
        description: 'no user creation',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift:CreateClusterUser',
        resource: rsArn('dbuser:analytics/reporting'),
        expect: 'Denied',
      },
      {
        description: 'no IAM-identity credentials',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift:GetClusterCredentialsWithIAM',
        resource: rsArn('dbname:analytics/dev'),
        expect: 'Denied',
      },
      {
        description: 'no secret',
        kind: 'identity',
        principal: dataApi,
        action: 'secretsmanager:GetSecretValue',
        resource: `arn:aws:secretsmanager:us-east-1:${PRODUCER_ACCOUNT}:secret:redshift-admin-AbCdEf`,
        expect: 'Denied',
      },
    ]);
  });

  test('the producer role sees only its own statements', async () => {
    // An assumed-role session: aws:userid is <role id>:<session name>.
    const userId = `${producerMatrix.getAtt(dataApi, 'RoleId')}:${SESSION}`;
    const own = { 'aws:userid': userId, 'redshift-data:statement-owner-iam-userid': userId };
    const others = { 'aws:userid': userId, 'redshift-data:statement-owner-iam-userid': 'AROAOTHERROLEID00000:someone-else' };
    const sameRoleOtherSession = { 'aws:userid': userId, 'redshift-data:statement-owner-iam-userid': `${producerMatrix.getAtt(dataApi, 'RoleId')}:admin` };

    await producerMatrix.expectMatrix([
      { description: 'describe its own', kind: 'identity', principal: dataApi, action: 'redshift-data:DescribeStatement', resource: '*', context: own, expect: 'Allowed' },
      { description: 'cancel its own', kind: 'identity', principal: dataApi, action: 'redshift-data:CancelStatement', resource: '*', context: own, expect: 'Allowed' },
      { description: 'read its own results', kind: 'identity', principal: dataApi, action: 'redshift-data:GetStatementResult', resource: '*', context: own, expect: 'Allowed' },
      { description: 'list its own', kind: 'identity', principal: dataApi, action: 'redshift-data:ListStatements', resource: '*', context: own, expect: 'Allowed' },
      { description: 'not describe another owner\'s', kind: 'identity', principal: dataApi, action: 'redshift-data:DescribeStatement', resource: '*', context: others, expect: 'Denied' },
      {
        description: 'not read another owner\'s results',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift-data:GetStatementResult',
        resource: '*',
        context: others,
        expect: 'Denied',
      },
      {
        description: 'not describe another session\'s',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift-data:DescribeStatement',
        resource: '*',
        context: sameRoleOtherSession,
        expect: 'Denied',
      },
      {
        description: 'not describe without an owner',
        kind: 'identity',
        principal: dataApi,
        action: 'redshift-data:DescribeStatement',
        resource: '*',
        context: { 'aws:userid': userId },
        expect: 'Denied',
      },
    ]);
  });
});

describe('CrossAccountDataApiRole access matrix (consumerAccounts)', () => {
  const { consumerRole, dataApi, consumerMatrix, producerMatrix } = buildApp({ consumerAccounts: [CONSUMER_ACCOUNT] });
  const required = { 'sts:ExternalId': EXTERNAL_ID, 'sts:RoleSessionName': SESSION };

  test('any role of the named account may assume with the conditions; other accounts may not', async () => {
    await producerMatrix.expectMatrix([
      {
        description: 'the function\'s role',
        kind: 'assume',
        principal: consumerMatrix.roleArn(consumerRole),
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: required,
        expect: 'Allowed',
      },
      {
        description: 'another role of account A',
        kind: 'assume',
        principal: `arn:aws:iam::${CONSUMER_ACCOUNT}:role/analyst`,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: required,
        expect: 'Allowed',
      },
      {
        description: 'account A without the external id',
        kind: 'assume',
        principal: `arn:aws:iam::${CONSUMER_ACCOUNT}:role/analyst`,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: { 'sts:RoleSessionName': SESSION },
        expect: 'Denied',
      },
      {
        description: 'a role of a third account',
        kind: 'assume',
        principal: `arn:aws:iam::${THIRD_ACCOUNT}:role/analyst`,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: required,
        expect: 'Denied',
      },
    ]);
  });

  test('the consumer\'s identity policy still names the producer role only', async () => {
    const producerArn = producerMatrix.roleArn(dataApi);
    await consumerMatrix.expectMatrix([
      { description: 'assume the producer role', kind: 'identity', principal: consumerRole, action: 'sts:AssumeRole', resource: producerArn, expect: 'Allowed' },
      {
        description: 'not another role of account B',
        kind: 'identity',
        principal: consumerRole,
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${PRODUCER_ACCOUNT}:role/admin`,
        expect: 'Denied',
      },
    ]);
  });
});

describe('CrossAccountDataApiRole access matrix (session actions, organization)', () => {
  const { consumerRole, dataApi, consumerMatrix, producerMatrix } = buildApp({
    externalId: undefined,
    roleSessionName: undefined,
    principalOrgId: ORG_ID,
    sessionActions: [SessionAction.SET_SOURCE_IDENTITY, SessionAction.TAG_SESSION],
  });
  const consumerArn = consumerMatrix.roleArn(consumerRole);
  const inOrg = { 'aws:PrincipalOrgID': ORG_ID };

  test('the consumer may assume, set its source identity and tag the session, from the organization only', async () => {
    await producerMatrix.expectMatrix([
      { description: 'assume', kind: 'assume', principal: consumerArn, action: 'sts:AssumeRole', resource: dataApi, context: inOrg, expect: 'Allowed' },
      { description: 'source identity', kind: 'assume', principal: consumerArn, action: 'sts:SetSourceIdentity', resource: dataApi, context: inOrg, expect: 'Allowed' },
      { description: 'session tags', kind: 'assume', principal: consumerArn, action: 'sts:TagSession', resource: dataApi, context: inOrg, expect: 'Allowed' },
      {
        description: 'not from another organization',
        kind: 'assume',
        principal: consumerArn,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: { 'aws:PrincipalOrgID': 'o-z9y8x7w6v5' },
        expect: 'Denied',
      },
      { description: 'not without an organization', kind: 'assume', principal: consumerArn, action: 'sts:SetSourceIdentity', resource: dataApi, expect: 'Denied' },
      {
        description: 'not another role of account A',
        kind: 'assume',
        principal: `arn:aws:iam::${CONSUMER_ACCOUNT}:role/analyst`,
        action: 'sts:SetSourceIdentity',
        resource: dataApi,
        context: inOrg,
        expect: 'Denied',
      },
      { description: 'no sts:SetContext', kind: 'assume', principal: consumerArn, action: 'sts:SetContext', resource: dataApi, context: inOrg, expect: 'Denied' },
    ]);
  });

  test('the consumer\'s identity policy allows the same session actions on the producer role only', async () => {
    const producerArn = producerMatrix.roleArn(dataApi);
    await consumerMatrix.expectMatrix([
      { description: 'source identity', kind: 'identity', principal: consumerRole, action: 'sts:SetSourceIdentity', resource: producerArn, expect: 'Allowed' },
      { description: 'session tags', kind: 'identity', principal: consumerRole, action: 'sts:TagSession', resource: producerArn, expect: 'Allowed' },
      {
        description: 'not tags on another role',
        kind: 'identity',
        principal: consumerRole,
        action: 'sts:TagSession',
        resource: `arn:aws:iam::${PRODUCER_ACCOUNT}:role/admin`,
        expect: 'Denied',
      },
    ]);
  });
});

describe('CrossAccountDataApiRole access matrix (session actions with an external id and a session name)', () => {
  // G20: SetSourceIdentity and TagSession requests carry no sts:ExternalId or sts:RoleSessionName,
  // so those conditions must stay on the AssumeRole statement or the session actions are denied.
  const { consumerRole, dataApi, consumerMatrix, producerMatrix } = buildApp({
    sessionActions: [SessionAction.SET_SOURCE_IDENTITY, SessionAction.TAG_SESSION],
  });
  const consumerArn = consumerMatrix.roleArn(consumerRole);

  test('the consumer may set its source identity and tag the session; AssumeRole still needs the external id and session name', async () => {
    await producerMatrix.expectMatrix([
      {
        description: 'assume with external id and session name',
        kind: 'assume',
        principal: consumerArn,
        action: 'sts:AssumeRole',
        resource: dataApi,
        context: { 'sts:ExternalId': EXTERNAL_ID, 'sts:RoleSessionName': SESSION },
        expect: 'Allowed',
      },
      { description: 'assume without them', kind: 'assume', principal: consumerArn, action: 'sts:AssumeRole', resource: dataApi, expect: 'Denied' },
      { description: 'source identity', kind: 'assume', principal: consumerArn, action: 'sts:SetSourceIdentity', resource: dataApi, expect: 'Allowed' },
      { description: 'session tags', kind: 'assume', principal: consumerArn, action: 'sts:TagSession', resource: dataApi, expect: 'Allowed' },
      {
        description: 'not another role of account A',
        kind: 'assume',
        principal: `arn:aws:iam::${CONSUMER_ACCOUNT}:role/analyst`,
        action: 'sts:TagSession',
        resource: dataApi,
        expect: 'Denied',
      },
    ]);
  });
});
