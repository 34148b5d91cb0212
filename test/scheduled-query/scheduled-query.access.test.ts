import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  DataApiAuth,
  RedshiftTarget,
  ScheduledQuery,
  ScheduledQueryNotification,
  ScheduledQueryRole,
  ScheduledQueryRoleProps,
} from '../../src';
import { AccessMatrix } from '../access-matrix';

// Seed 004 in the IAM policy simulator: who may assume the scheduled-query role (EventBridge only
// for QS2- rules of this account, Redshift, the creators), what the role may do, what a creator
// granted with grantCreateSchedules may do, and what the notification publisher may do.

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '999999999999';
const EVENTS = 'events.amazonaws.com';
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/test-user`;
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:role/data-admin`;
const rsArn = (resource: string) => `arn:aws:redshift:us-east-1:${ACCOUNT}:${resource}`;
const ruleArn = (name: string, account = ACCOUNT, region = 'us-east-1') => `arn:aws:events:${region}:${account}:rule/${name}`;
const fromRule = (name: string, account = ACCOUNT, region = 'us-east-1') => ({ 'aws:SourceAccount': account, 'aws:SourceArn': ruleArn(name, account, region) });

function buildApp(props: Partial<ScheduledQueryRoleProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Sq', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const creator = new iam.Role(stack, 'Creator', { assumedBy: new iam.AccountRootPrincipal() });
  const bystander = new iam.Role(stack, 'Bystander', { assumedBy: new iam.AccountRootPrincipal() });
  const role = new ScheduledQueryRole(stack, 'Role', {
    target: RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' }),
    auth: DataApiAuth.temporaryCredentials('awsuser'),
    creators: [iam.User.fromUserArn(stack, 'Analyst', USER_ARN), iam.Role.fromRoleArn(stack, 'Admin', ADMIN_ARN, { mutable: false }), creator],
    ...props,
  });
  role.grantCreateSchedules(creator);
  const topic = new sns.Topic(stack, 'Alerts');
  const otherTopic = new sns.Topic(stack, 'Other');
  new ScheduledQuery(stack, 'Nightly', {
    role,
    scheduleName: 'nightly',
    schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
    sql: ['call refresh_sales()'],
    notify: topic,
    notifyOn: ScheduledQueryNotification.FAILURE,
  });
  const publisher = stack.node.children.find((c) => c.node.id.startsWith('ScheduledQueryNotify')) as iam.Role;
  return { stack, role, creator, bystander, topic, otherTopic, publisher, m: AccessMatrix.fromStack(stack) };
}

describe('ScheduledQueryRole access matrix (named creators)', () => {
  const { role, creator, bystander, topic, otherTopic, publisher, m } = buildApp();
  const roleArn = m.roleArn(role);

  test('EventBridge may assume the role only for QS2- rules of this account and Region', async () => {
    await m.expectMatrix([
      { description: 'a QS2- rule of this account', kind: 'assume', principal: EVENTS, action: 'sts:AssumeRole', resource: role, context: fromRule('QS2-nightly'), expect: 'Allowed' },
      { description: 'another rule of this account', kind: 'assume', principal: EVENTS, action: 'sts:AssumeRole', resource: role, context: fromRule('other-rule'), expect: 'Denied' },
      {
        description: 'a QS2- rule of another account',
        kind: 'assume',
        principal: EVENTS,
        action: 'sts:AssumeRole',
        resource: role,
        context: fromRule('QS2-nightly', OTHER_ACCOUNT),
        expect: 'Denied',
      },
      {
        description: 'this account\'s rule ARN claimed by another account',
        kind: 'assume',
        principal: EVENTS,
        action: 'sts:AssumeRole',
        resource: role,
        context: { 'aws:SourceAccount': OTHER_ACCOUNT, 'aws:SourceArn': ruleArn('QS2-nightly') },
        expect: 'Denied',
      },
      {
        description: 'a QS2- rule of another Region',
        kind: 'assume',
        principal: EVENTS,
        action: 'sts:AssumeRole',
        resource: role,
        context: fromRule('QS2-nightly', ACCOUNT, 'eu-west-1'),
        expect: 'Denied',
      },
      { description: 'a QSN- notification rule', kind: 'assume', principal: EVENTS, action: 'sts:AssumeRole', resource: role, context: fromRule('QSN-nightly'), expect: 'Denied' },
      { description: 'without the source context', kind: 'assume', principal: EVENTS, action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
    ]);
  });

  test('Redshift and Redshift Serverless may assume the role; other services may not', async () => {
    await m.expectMatrix([
      { description: 'redshift', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
      { description: 'redshift-serverless', kind: 'assume', principal: 'redshift-serverless.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
      { description: 'glue', kind: 'assume', principal: 'glue.amazonaws.com', action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      { description: 'no session tags for redshift', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:TagSession', resource: role, expect: 'Denied' },
    ]);
  });

  test('each named creator may assume the role; other principals of the account may not', async () => {
    await m.expectMatrix([
      { description: 'the named user', kind: 'assume', principal: USER_ARN, action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
      { description: 'the named imported role', kind: 'assume', principal: ADMIN_ARN, action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
      { description: 'the named role of the app', kind: 'assume', principal: m.roleArn(creator), action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
      { description: 'another user of the account', kind: 'assume', principal: `arn:aws:iam::${ACCOUNT}:user/other`, action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      { description: 'another role of the app', kind: 'assume', principal: m.roleArn(bystander), action: 'sts:AssumeRole', resource: role, expect: 'Denied' },
      {
        description: 'the same user name in another account',
        kind: 'assume',
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:user/test-user`,
        action: 'sts:AssumeRole',
        resource: role,
        expect: 'Denied',
      },
    ]);
    // A named creator of the same account needs nothing else.
    expect(await m.canAssume(USER_ARN, role, { callerIdentity: 'none' })).toBe('Allowed');
  });

  test('the role runs statements on its cluster only', async () => {
    await m.expectMatrix([
      { description: 'execute on the cluster', kind: 'identity', principal: role, action: 'redshift-data:ExecuteStatement', resource: rsArn('cluster:analytics'), expect: 'Allowed' },
      { description: 'batch on the cluster', kind: 'identity', principal: role, action: 'redshift-data:BatchExecuteStatement', resource: rsArn('cluster:analytics'), expect: 'Allowed' },
      { description: 'not another cluster', kind: 'identity', principal: role, action: 'redshift-data:ExecuteStatement', resource: rsArn('cluster:finance'), expect: 'Denied' },
      {
        description: 'not a workgroup',
        kind: 'identity',
        principal: role,
        action: 'redshift-data:ExecuteStatement',
        resource: `arn:aws:redshift-serverless:us-east-1:${ACCOUNT}:workgroup/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
        expect: 'Denied',
      },
    ]);
  });

  test('the role gets credentials of awsuser in dev only', async () => {
    await m.expectMatrix([
      { description: 'its database user', kind: 'identity', principal: role, action: 'redshift:GetClusterCredentials', resource: rsArn('dbuser:analytics/awsuser'), expect: 'Allowed' },
      { description: 'its database', kind: 'identity', principal: role, action: 'redshift:GetClusterCredentials', resource: rsArn('dbname:analytics/dev'), expect: 'Allowed' },
      { description: 'not admin', kind: 'identity', principal: role, action: 'redshift:GetClusterCredentials', resource: rsArn('dbuser:analytics/admin'), expect: 'Denied' },
      { description: 'not another database', kind: 'identity', principal: role, action: 'redshift:GetClusterCredentials', resource: rsArn('dbname:analytics/other'), expect: 'Denied' },
      {
        description: 'not awsuser on another cluster',
        kind: 'identity',
        principal: role,
        action: 'redshift:GetClusterCredentials',
        resource: rsArn('dbuser:finance/awsuser'),
        expect: 'Denied',
      },
      { description: 'no user creation', kind: 'identity', principal: role, action: 'redshift:CreateClusterUser', resource: rsArn('dbuser:analytics/awsuser'), expect: 'Denied' },
      {
        description: 'no IAM-identity credentials',
        kind: 'identity',
        principal: role,
        action: 'redshift:GetClusterCredentialsWithIAM',
        resource: rsArn('dbname:analytics/dev'),
        expect: 'Denied',
      },
    ]);
  });

  test('every session of the role sees the statements of every other session of the role, and no one else\'s (G12)', async () => {
    const roleId = m.getAtt(role, 'RoleId');
    expect(roleId).toMatch(/^AROA/);
    const owner = (userId: string) => ({ 'redshift-data:statement-owner-iam-userid': userId });
    await m.expectMatrix([
      {
        description: 'describe the EventBridge session\'s statement',
        kind: 'identity',
        principal: role,
        action: 'redshift-data:DescribeStatement',
        resource: '*',
        context: owner(`${roleId}:events-session`),
        expect: 'Allowed',
      },
      {
        description: 'describe the creator session\'s statement',
        kind: 'identity',
        principal: role,
        action: 'redshift-data:DescribeStatement',
        resource: '*',
        context: owner(`${roleId}:creator-session`),
        expect: 'Allowed',
      },
      {
        description: 'read the EventBridge session\'s results',
        kind: 'identity',
        principal: role,
        action: 'redshift-data:GetStatementResult',
        resource: '*',
        context: owner(`${roleId}:events-session`),
        expect: 'Allowed',
      },
      {
        description: 'list the role\'s statements',
        kind: 'identity',
        principal: role,
        action: 'redshift-data:ListStatements',
        resource: '*',
        context: owner(`${roleId}:creator-session`),
        expect: 'Allowed',
      },
      {
        description: 'cancel the EventBridge session\'s statement',
        kind: 'identity',
        principal: role,
        action: 'redshift-data:CancelStatement',
        resource: '*',
        context: owner(`${roleId}:events-session`),
        expect: 'Allowed',
      },
      {
        description: 'not another role\'s statement',
        kind: 'identity',
        principal: role,
        action: 'redshift-data:DescribeStatement',
        resource: '*',
        context: owner('AROAOTHERROLEID:x'),
        expect: 'Denied',
      },
      {
        description: 'not another role\'s results',
        kind: 'identity',
        principal: role,
        action: 'redshift-data:GetStatementResult',
        resource: '*',
        context: owner('AROAOTHERROLEID:x'),
        expect: 'Denied',
      },
      { description: 'not without an owner', kind: 'identity', principal: role, action: 'redshift-data:DescribeStatement', resource: '*', expect: 'Denied' },
    ]);
  });

  test('the role itself may manage QS2- rules and pass itself to EventBridge only', async () => {
    await m.expectMatrix([
      { description: 'put a QS2- rule', kind: 'identity', principal: role, action: 'events:PutRule', resource: ruleArn('QS2-nightly'), expect: 'Allowed' },
      { description: 'not another rule', kind: 'identity', principal: role, action: 'events:PutRule', resource: ruleArn('other'), expect: 'Denied' },
      {
        description: 'pass itself to EventBridge',
        kind: 'identity',
        principal: role,
        action: 'iam:PassRole',
        resource: roleArn,
        context: { 'iam:PassedToService': EVENTS },
        expect: 'Allowed',
      },
      {
        description: 'not to Lambda',
        kind: 'identity',
        principal: role,
        action: 'iam:PassRole',
        resource: roleArn,
        context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
        expect: 'Denied',
      },
    ]);
  });

  test('a creator granted with grantCreateSchedules may assume the role, pass it to EventBridge and manage QS2- rules only', async () => {
    await m.expectMatrix([
      { description: 'assume the role', kind: 'identity', principal: creator, action: 'sts:AssumeRole', resource: roleArn, expect: 'Allowed' },
      {
        description: 'pass the role to EventBridge',
        kind: 'identity',
        principal: creator,
        action: 'iam:PassRole',
        resource: roleArn,
        context: { 'iam:PassedToService': EVENTS },
        expect: 'Allowed',
      },
      {
        description: 'not pass it to Lambda',
        kind: 'identity',
        principal: creator,
        action: 'iam:PassRole',
        resource: roleArn,
        context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
        expect: 'Denied',
      },
      {
        description: 'not pass another role',
        kind: 'identity',
        principal: creator,
        action: 'iam:PassRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/admin`,
        context: { 'iam:PassedToService': EVENTS },
        expect: 'Denied',
      },
      { description: 'put a QS2- rule', kind: 'identity', principal: creator, action: 'events:PutRule', resource: ruleArn('QS2-nightly'), expect: 'Allowed' },
      { description: 'put its target', kind: 'identity', principal: creator, action: 'events:PutTargets', resource: ruleArn('QS2-nightly'), expect: 'Allowed' },
      { description: 'delete a QS2- rule', kind: 'identity', principal: creator, action: 'events:DeleteRule', resource: ruleArn('QS2-nightly'), expect: 'Allowed' },
      { description: 'not another rule', kind: 'identity', principal: creator, action: 'events:PutRule', resource: ruleArn('other'), expect: 'Denied' },
      {
        description: 'not a QS2- rule of another Region',
        kind: 'identity',
        principal: creator,
        action: 'events:PutRule',
        resource: ruleArn('QS2-nightly', ACCOUNT, 'eu-west-1'),
        expect: 'Denied',
      },
      { description: 'list rules', kind: 'identity', principal: creator, action: 'events:ListRules', resource: '*', expect: 'Allowed' },
    ]);
  });

  test('a principal that is not a creator cannot pass or assume the role', async () => {
    await m.expectMatrix([
      {
        description: 'no PassRole',
        kind: 'identity',
        principal: bystander,
        action: 'iam:PassRole',
        resource: roleArn,
        context: { 'iam:PassedToService': EVENTS },
        expect: 'Denied',
      },
      { description: 'no AssumeRole grant', kind: 'identity', principal: bystander, action: 'sts:AssumeRole', resource: roleArn, expect: 'Denied' },
      { description: 'no QS2- rules', kind: 'identity', principal: bystander, action: 'events:PutRule', resource: ruleArn('QS2-nightly'), expect: 'Denied' },
    ]);
  });

  test('the notification publisher may publish to its topic only, and only QSN- rules may use it', async () => {
    await m.expectMatrix([
      { description: 'publish to its topic', kind: 'identity', principal: publisher, action: 'sns:Publish', resource: m.arn(topic), expect: 'Allowed' },
      { description: 'not to another topic', kind: 'identity', principal: publisher, action: 'sns:Publish', resource: m.arn(otherTopic), expect: 'Denied' },
      { description: 'no subscription', kind: 'identity', principal: publisher, action: 'sns:Subscribe', resource: m.arn(topic), expect: 'Denied' },
      { description: 'a QSN- rule', kind: 'assume', principal: EVENTS, action: 'sts:AssumeRole', resource: publisher, context: fromRule('QSN-nightly'), expect: 'Allowed' },
      { description: 'not a QS2- rule', kind: 'assume', principal: EVENTS, action: 'sts:AssumeRole', resource: publisher, context: fromRule('QS2-nightly'), expect: 'Denied' },
      {
        description: 'not a QSN- rule of another account',
        kind: 'assume',
        principal: EVENTS,
        action: 'sts:AssumeRole',
        resource: publisher,
        context: fromRule('QSN-nightly', OTHER_ACCOUNT),
        expect: 'Denied',
      },
      { description: 'not a named creator', kind: 'assume', principal: USER_ARN, action: 'sts:AssumeRole', resource: publisher, expect: 'Denied' },
    ]);
  });
});

describe('ScheduledQueryRole access matrix (creators by path and tag)', () => {
  const { role, m } = buildApp({ creatorRolePath: '/analysts/', creatorTag: { key: 'team', value: 'bi' } });
  const alice = `arn:aws:iam::${ACCOUNT}:role/analysts/alice`;
  const bob = `arn:aws:iam::${ACCOUNT}:role/engineers/bob`;

  test('a role under /analysts/ may assume the role; one under /engineers/ or of another account may not', async () => {
    await m.expectMatrix([
      { description: 'analysts/alice', kind: 'assume', principal: alice, action: 'sts:AssumeRole', resource: role, context: { 'aws:PrincipalArn': alice }, expect: 'Allowed' },
      { description: 'engineers/bob', kind: 'assume', principal: bob, action: 'sts:AssumeRole', resource: role, context: { 'aws:PrincipalArn': bob }, expect: 'Denied' },
      {
        description: 'analysts/eve of another account',
        kind: 'assume',
        principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/analysts/eve`,
        action: 'sts:AssumeRole',
        resource: role,
        context: { 'aws:PrincipalArn': `arn:aws:iam::${OTHER_ACCOUNT}:role/analysts/eve` },
        expect: 'Denied',
      },
    ]);
    // The account root delegates: alice also needs sts:AssumeRole in her own policy.
    expect(await m.canAssume(alice, role, { context: { 'aws:PrincipalArn': alice }, callerIdentity: 'none' })).toBe('Denied');
  });

  test('a principal tagged team=bi may assume the role; team=ops may not', async () => {
    await m.expectMatrix([
      { description: 'team bi', kind: 'assume', principal: bob, action: 'sts:AssumeRole', resource: role, context: { 'aws:PrincipalTag/team': 'bi' }, expect: 'Allowed' },
      { description: 'team ops', kind: 'assume', principal: bob, action: 'sts:AssumeRole', resource: role, context: { 'aws:PrincipalTag/team': 'ops' }, expect: 'Denied' },
    ]);
  });
});
