import { App, Aspects, Aws, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataApiAuth, RedshiftTarget, ScheduledQueryRole, ScheduledQueryRoleProps } from '../../src';
import { estimatedPolicyLength } from '../../src/core/private/policy-size';
import { AccessMatrix } from '../access-matrix';

// Seed 004: the role a Redshift scheduled query runs with, trusted by Redshift, Redshift
// Serverless, EventBridge (QS2- rules of this account only) and the people who create schedules.

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/test-user`;
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:role/data-admin`;
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:redshift-admin-AbCdEf`;

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
/** An ARN built with the stack's pseudo parameters (an imported target without account and Region). */
const pseudoArn = (service: string, resource: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]],
});
const pseudoRoot = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] };

const RULE_ACTIONS = [
  'events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets',
  'events:DescribeRule', 'events:ListTargetsByRule', 'events:EnableRule', 'events:DisableRule',
  'events:TagResource', 'events:UntagResource', 'events:ListTagsForResource',
];
const STATEMENT_ACTIONS = [
  'redshift-data:DescribeStatement', 'redshift-data:CancelStatement', 'redshift-data:GetStatementResult', 'redshift-data:ListStatements',
];
const RUN = ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'];

const SERVICE_TRUST = [
  { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'redshift.amazonaws.com' } },
  { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'redshift-serverless.amazonaws.com' } },
  {
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Principal: { Service: 'events.amazonaws.com' },
    Condition: {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': pseudoArn('events', 'rule/QS2-*') },
    },
  },
];

function newStack(env = { account: ACCOUNT, region: REGION }): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, 'S', { env }) };
}

const importedCluster = () => RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });

function newRole(stack: Stack, props: Partial<ScheduledQueryRoleProps> = {}): ScheduledQueryRole {
  return new ScheduledQueryRole(stack, 'Role', {
    target: importedCluster(),
    auth: DataApiAuth.temporaryCredentials('awsuser'),
    ...props,
  });
}

function logicalId(construct: iam.IRole | iam.IUser): string {
  const cfn = construct.node.defaultChild as iam.CfnRole;
  return Stack.of(cfn).getLogicalId(cfn);
}

function trustStatements(role: iam.IRole): any[] {
  return Template.fromStack(Stack.of(role)).toJSON().Resources[logicalId(role)].Properties.AssumeRolePolicyDocument.Statement;
}

/** The statements of the identity policies attached to a role (by Roles) or a user (by Users). */
function statementsOf(principal: iam.IRole | iam.IUser, key: 'Roles' | 'Users' = 'Roles', ref: unknown = { Ref: logicalId(principal) }): any[] {
  return Object.values(Template.fromStack(Stack.of(principal)).findResources('AWS::IAM::Policy'))
    .filter((p: any) => JSON.stringify(p.Properties[key]) === JSON.stringify([ref]))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statements: any[]): string[] {
  return statements.flatMap((s) => [s.Action].flat());
}

/** `count` imported creator roles with names of the length people use. */
function namedCreators(stack: Stack, count: number): iam.IRole[] {
  return Array.from({ length: count }, (_, i) =>
    iam.Role.fromRoleArn(stack, `Creator${i}`, `arn:aws:iam::${ACCOUNT}:role/scheduled-query-creator-${String(i).padStart(2, '0')}`, { mutable: false }));
}

describe('ScheduledQueryRole trust', () => {
  test('trusts Redshift, Redshift Serverless, and EventBridge only for QS2- rules of this account', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const role = newRole(stack);

    // THEN
    expect(trustStatements(role)).toEqual(SERVICE_TRUST);
    expect(JSON.stringify(trustStatements(role))).not.toContain(':root');
  });

  test('named creators are trusted by their exact ARNs: imported user and role, and a role of the app', () => {
    // GIVEN
    const { stack } = newStack();
    const analyst = iam.User.fromUserArn(stack, 'Analyst', USER_ARN);
    const admin = iam.Role.fromRoleArn(stack, 'Admin', ADMIN_ARN, { mutable: false });
    const engineer = new iam.Role(stack, 'Engineer', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    const role = newRole(stack, { creators: [analyst, admin, engineer] });

    // THEN
    expect(trustStatements(role)).toEqual([
      ...SERVICE_TRUST,
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: [USER_ARN, ADMIN_ARN, { 'Fn::GetAtt': [logicalId(engineer), 'Arn'] }] } },
    ]);
    expect(JSON.stringify(trustStatements(role))).not.toContain(':root');
  });

  test('creatorRolePath: the account root with aws:PrincipalArn like role/<path>*', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const role = newRole(stack, { creatorRolePath: '/analysts/' });

    // THEN
    expect(trustStatements(role)).toEqual([
      ...SERVICE_TRUST,
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: pseudoRoot },
        Condition: {
          ArnLike: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/analysts/*']] } },
        },
      },
    ]);
  });

  test('creatorTag: the account root with aws:PrincipalTag/<key> equal to the value', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const role = newRole(stack, { creatorTag: { key: 'team', value: 'bi' } });

    // THEN
    expect(trustStatements(role)).toEqual([
      ...SERVICE_TRUST,
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: pseudoRoot }, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'bi' } } },
    ]);
  });

  test('creators, a path and a tag together: one statement each, none loosening another', () => {
    // GIVEN
    const { stack } = newStack();
    const analyst = iam.User.fromUserArn(stack, 'Analyst', USER_ARN);

    // WHEN
    const role = newRole(stack, { creators: [analyst], creatorRolePath: '/analysts/', creatorTag: { key: 'team', value: 'bi' } });

    // THEN
    const statements = trustStatements(role);
    expect(statements).toHaveLength(6);
    expect(statements.slice(0, 3)).toEqual(SERVICE_TRUST);
    expect(statements[3]).toEqual({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: USER_ARN } });
    expect(statements[4]).toEqual(expect.objectContaining({ Principal: { AWS: pseudoRoot }, Condition: { ArnLike: { 'aws:PrincipalArn': expect.anything() } } }));
    expect(statements[5]).toEqual(expect.objectContaining({ Principal: { AWS: pseudoRoot }, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'bi' } } }));
    // Every statement that trusts the account root carries a condition that selects the principals.
    for (const statement of statements.filter((s) => JSON.stringify(s.Principal).includes(':root'))) {
      expect(Object.keys(statement.Condition ?? {})).not.toHaveLength(0);
    }
  });

  test('role name, description and maximum session duration: defaults and given values', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    newRole(stack);
    new ScheduledQueryRole(stack, 'Named', {
      target: importedCluster(),
      database: 'sales',
      auth: DataApiAuth.iamIdentity(),
      roleName: 'scheduled-queries',
      description: 'Nightly rollups',
      maxSessionDuration: Duration.hours(2),
    });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.absent(),
      Description: 'Redshift scheduled queries on cluster analytics database dev (cdk-analytics-access)',
      MaxSessionDuration: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'scheduled-queries', Description: 'Nightly rollups', MaxSessionDuration: 7200 });
  });

  test('fails when a creator is a service principal, not a user or role', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => newRole(stack, { creators: [new iam.ServicePrincipal('lambda.amazonaws.com')] })).toThrow(
      /^\[PrincipalTrust\.principals\] principals: "ServicePrincipal\(lambda\.amazonaws\.com\)" is not valid\. Give IAM users or roles \(principals with an ARN\)/);
  });

  test('fails when creatorRolePath is not an IAM path', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => newRole(stack, { creatorRolePath: 'analysts' })).toThrow(
      /^\[PrincipalTrust\.rolesWithPath\] path: "analysts" is not valid\. An IAM path starts and ends with "\/", such as "\/analysts\/"\.$/);
  });

  test('fails when the creatorTag key is not a tag key', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => newRole(stack, { creatorTag: { key: 'team?', value: 'bi' } })).toThrow(
      /^\[PrincipalTrust\.principalsWithTag\] tagKey: "team\?" is not valid\. A tag key is 1-128 letters/);
  });
});

describe('ScheduledQueryRole permissions', () => {
  test('a provisioned cluster with temporary credentials: run there, statements of all its sessions, GetClusterCredentials, QS2- rules, PassRole', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const role = newRole(stack);

    // THEN
    const id = logicalId(role);
    expect(statementsOf(role)).toEqual([
      { Effect: 'Allow', Action: RUN, Resource: pseudoArn('redshift', 'cluster:analytics') },
      {
        Effect: 'Allow',
        Action: STATEMENT_ACTIONS,
        Resource: '*',
        Condition: { StringLike: { 'redshift-data:statement-owner-iam-userid': { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'RoleId'] }, ':*']] } } },
      },
      {
        Effect: 'Allow',
        Action: 'redshift:GetClusterCredentials',
        Resource: [pseudoArn('redshift', 'dbuser:analytics/awsuser'), pseudoArn('redshift', 'dbname:analytics/dev')],
      },
      { Effect: 'Allow', Action: RULE_ACTIONS, Resource: partitionArn(`:events:${REGION}:${ACCOUNT}:rule/QS2-*`) },
      { Effect: 'Allow', Action: 'events:ListRules', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [id, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
      },
    ]);
  });

  test('the statement actions are scoped by the owner <RoleId>:* (every session of this role), not ${aws:userid}', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const role = newRole(stack);

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: STATEMENT_ACTIONS,
          Resource: '*',
          Condition: { StringLike: { 'redshift-data:statement-owner-iam-userid': { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(role), 'RoleId'] }, ':*']] } } },
        })]),
      },
    });
    expect(JSON.stringify(statementsOf(role))).not.toContain('${aws:userid}');
  });

  test('the events actions name the QS2- rules of the stack\'s own account and Region', () => {
    // GIVEN
    const { stack } = newStack({ account: '222222222222', region: 'eu-west-1' });

    // WHEN
    const role = newRole(stack);

    // THEN
    const statements = statementsOf(role);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: RULE_ACTIONS, Resource: partitionArn(':events:eu-west-1:222222222222:rule/QS2-*') });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'events:ListRules', Resource: '*' });
  });

  test('a Serverless workgroup of the app with IAM identity: GetCredentials on that workgroup (G13), no redshift: action', () => {
    // GIVEN
    const { stack } = newStack();
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'marts' });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'marts-wg', namespaceName: 'marts' });

    // WHEN
    const role = newRole(stack, { target: RedshiftTarget.serverless({ namespace, workgroup }), auth: DataApiAuth.iamIdentity() });

    // THEN
    const workgroupArn = { 'Fn::GetAtt': ['Wg', 'Workgroup.WorkgroupArn'] };
    const statements = statementsOf(role);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: RUN, Resource: workgroupArn });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: workgroupArn });
    expect(actionsOf(statements).filter((a) => a.startsWith('redshift:'))).toEqual([]);
    expect(actionsOf(statements)).not.toContain('secretsmanager:GetSecretValue');
  });

  test('secret auth: reads that secret, no database credentials', () => {
    // GIVEN
    const { stack } = newStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);

    // WHEN
    const role = newRole(stack, { auth: DataApiAuth.secret(secret) });

    // THEN
    const statements = statementsOf(role);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: SECRET_ARN });
    expect(actionsOf(statements)).not.toContain('redshift:GetClusterCredentials');
    expect(actionsOf(statements)).not.toContain('redshift:GetClusterCredentialsWithIAM');
    expect(actionsOf(statements)).not.toContain('redshift-serverless:GetCredentials');
  });

  test('the database given is the one whose credentials are granted', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const role = newRole(stack, { database: 'sales' });

    // THEN
    expect(role.database).toBe('sales');
    expect(statementsOf(role)).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift:GetClusterCredentials',
      Resource: [pseudoArn('redshift', 'dbuser:analytics/awsuser'), pseudoArn('redshift', 'dbname:analytics/sales')],
    });
  });

  test('no AWS managed policy, no *FullAccess, no wildcard action', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const role = newRole(stack, { creators: [iam.User.fromUserArn(stack, 'Analyst', USER_ARN)] });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), Policies: Match.absent() });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('FullAccess');
    expect(actionsOf(statementsOf(role)).filter((a) => a.includes('*'))).toEqual([]);
  });

  test('fails when temporary credentials are asked for on a Serverless target', () => {
    // GIVEN
    const { stack } = newStack();
    const target = RedshiftTarget.fromServerlessAttributes({
      namespaceName: 'marts', workgroupName: 'marts-wg', workgroupId: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    });

    // WHEN / THEN
    expect(() => newRole(stack, { target })).toThrow(
      /^\[RedshiftTarget\(Serverless workgroup marts-wg\)\.grantDataApi\] target: "Serverless workgroup marts-wg" is not valid\. Temporary credentials .* provisioned clusters only/);
  });

  test('fails when the database name is invalid', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => newRole(stack, { database: 'dev/other' })).toThrow(/\] database: "dev\/other" is not valid\. Use the database object name alone/);
  });
});

describe('ScheduledQueryRole.grantCreateSchedules', () => {
  test('a named creator user gets AssumeRole on the role, the QS2- rules, ListRules and PassRole to EventBridge only', () => {
    // GIVEN
    const { stack } = newStack();
    const analyst = new iam.User(stack, 'Analyst');
    const role = newRole(stack, { creators: [analyst] });

    // WHEN
    const grant = role.grantCreateSchedules(analyst);

    // THEN
    expect(grant.success).toBe(true);
    const roleArn = { 'Fn::GetAtt': [logicalId(role), 'Arn'] };
    expect(statementsOf(analyst, 'Users')).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn },
      { Effect: 'Allow', Action: RULE_ACTIONS, Resource: partitionArn(`:events:${REGION}:${ACCOUNT}:rule/QS2-*`) },
      { Effect: 'Allow', Action: 'events:ListRules', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: roleArn, Condition: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } } },
    ]);
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('AmazonEventBridgeFullAccess');
  });

  test('an imported creator user gets the same statements in a policy attached to it by name', () => {
    // GIVEN
    const { stack } = newStack();
    const analyst = iam.User.fromUserArn(stack, 'Analyst', USER_ARN);
    const role = newRole(stack, { creators: [analyst] });

    // WHEN
    role.grantCreateSchedules(analyst);

    // THEN
    const statements = statementsOf(analyst, 'Users', 'test-user');
    expect(actionsOf(statements)).toEqual(['sts:AssumeRole', ...RULE_ACTIONS, 'events:ListRules', 'iam:PassRole']);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
    }));
  });

  test('a creator role of the app is accepted by its ARN attribute', () => {
    // GIVEN
    const { stack } = newStack();
    const engineer = new iam.Role(stack, 'Engineer', { assumedBy: new iam.AccountRootPrincipal() });
    const role = newRole(stack, { creators: [engineer] });

    // WHEN
    role.grantCreateSchedules(engineer);

    // THEN
    expect(actionsOf(statementsOf(engineer))).toEqual(['sts:AssumeRole', ...RULE_ACTIONS, 'events:ListRules', 'iam:PassRole']);
  });

  test('fails when the grantee is not a named creator and creators are not selected by path or tag, and grants nothing', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack, { creators: [iam.User.fromUserArn(stack, 'Analyst', USER_ARN)] });
    const stranger = new iam.User(stack, 'Stranger');

    // WHEN / THEN
    expect(() => role.grantCreateSchedules(iam.User.fromUserArn(stack, 'Other', `arn:aws:iam::${ACCOUNT}:user/other`))).toThrow(
      /^\[S\/Role\] grantee: "arn:aws:iam::111111111111:user\/other" is not valid\. The role must also trust the creator \(gotcha G12\): add it to `creators`, or trust creators by `creatorRolePath` or `creatorTag`\.$/);
    expect(() => role.grantCreateSchedules(stranger)).toThrow(/^\[S\/Role\] grantee: .* is not valid\. The role must also trust the creator \(gotcha G12\)/);
    expect(statementsOf(stranger, 'Users')).toEqual([]);
  });

  test('fails when the role has no creator at all', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN / THEN
    expect(() => role.grantCreateSchedules(iam.User.fromUserArn(stack, 'Analyst', USER_ARN))).toThrow(
      /^\[S\/Role\] grantee: "arn:aws:iam::111111111111:user\/test-user" is not valid\. The role must also trust the creator/);
  });

  test.each([
    ['creatorRolePath', { creatorRolePath: '/analysts/' }],
    ['creatorTag', { creatorTag: { key: 'team', value: 'bi' } }],
  ])('with %s any principal may be granted (the trust selects who can assume)', (_name, props) => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack, props);
    const alice = new iam.Role(stack, 'Alice', { assumedBy: new iam.AccountRootPrincipal(), path: '/analysts/' });

    // WHEN
    const grant = role.grantCreateSchedules(alice);

    // THEN
    expect(grant.success).toBe(true);
    expect(actionsOf(statementsOf(alice))).toEqual(['sts:AssumeRole', ...RULE_ACTIONS, 'events:ListRules', 'iam:PassRole']);
  });
});

describe('ScheduledQueryRole trust policy size (G19)', () => {
  test('fails at synthesis with 30 named creators: the size, the quota, how many fit and the fixes', () => {
    // GIVEN
    const { app, stack } = newStack();

    // WHEN
    newRole(stack, { creators: namedCreators(stack, 30) });

    // THEN
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    const match = /\[S\/Role\] creators: the trust policy is about (\d+) characters with 30 named creators; IAM allows 2048 \(not counting whitespace; gotcha G19\), so about (\d+) fit\./.exec(message);
    expect(match).not.toBeNull();
    const [length, fit] = [Number(match![1]), Number(match![2])];
    expect(length).toBeGreaterThan(2048);
    expect(fit).toBeLessThan(30);
    expect(fit).toBeGreaterThan(0);
    expect(message).toMatch(/Trust creators by creatorRolePath or creatorTag, whose size does not grow with their number, or raise the quota in Service Quotas and set trustPolicySizeQuota\./);
    expect(() => Template.fromStack(stack)).toThrow(/the trust policy is about \d+ characters with 30 named creators/);
  });

  test('"about M fit" is exact: M named creators pass the check and M + 1 fail it', () => {
    const fitOf = (count: number): number | undefined => {
      const { app, stack } = newStack();
      newRole(stack, { creators: namedCreators(stack, count) });
      try {
        app.synth();
        return undefined;
      } catch (e) {
        return Number(/so about (\d+) fit/.exec((e as Error).message)![1]);
      }
    };
    const fit = fitOf(30)!;
    expect(fit).toBeGreaterThan(0);
    expect(fitOf(fit)).toBeUndefined();
    expect(fitOf(fit + 1)).toBe(fit);
  });

  test('the construct path appears once in the message', () => {
    const { app, stack } = newStack();
    newRole(stack, { creators: namedCreators(stack, 30) });
    expect(() => app.synth()).toThrow(/^(?!.*\[S\/Role\].*\[S\/Role\])[\s\S]*\[S\/Role\] creators:/);
  });

  test('5 named creators fit, and the estimate is never below the deployed size', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const role = newRole(stack, { creators: namedCreators(stack, 5) });

    // THEN
    const statements = trustStatements(role);
    expect(statements[3].Principal.AWS).toHaveLength(5);
    // The deployed document, with the pseudo parameters of us-east-1 in the aws partition, is no longer than the estimate.
    const deployed = AccessMatrix.fromTemplate({}).resolve(stack.resolve(role.assumeRolePolicy!));
    expect(JSON.stringify(deployed)).not.toMatch(/Fn::|"Ref"/);
    expect(estimatedPolicyLength(stack, role.assumeRolePolicy!)).toBeGreaterThanOrEqual(JSON.stringify(deployed).length);
  });

  test('30 named creators pass with trustPolicySizeQuota 4096', () => {
    // GIVEN
    const { app, stack } = newStack();

    // WHEN
    const role = newRole(stack, { creators: namedCreators(stack, 30), trustPolicySizeQuota: 4096 });

    // THEN
    expect(() => app.synth()).not.toThrow();
    expect(trustStatements(role)[3].Principal.AWS).toHaveLength(30);
  });

  test('creatorRolePath and creatorTag do not grow with the number of creators', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = newRole(stack, { creatorRolePath: '/analysts/', creatorTag: { key: 'team', value: 'bi' } });

    // WHEN
    for (let i = 0; i < 100; i++) {
      role.grantCreateSchedules(new iam.Role(stack, `Analyst${i}`, { assumedBy: new iam.AccountRootPrincipal(), path: '/analysts/' }));
    }

    // THEN
    expect(() => app.synth()).not.toThrow();
    expect(trustStatements(role)).toHaveLength(5);
    expect(estimatedPolicyLength(stack, role.assumeRolePolicy!)).toBeLessThan(2048);
  });

  test.each([1000, 2048.5])('fails when trustPolicySizeQuota is %p', (quota) => {
    // GIVEN
    const { app, stack } = newStack();

    // WHEN / THEN
    void app;
    expect(() => newRole(stack, { creators: namedCreators(stack, 2), trustPolicySizeQuota: quota })).toThrow(
      new RegExp(`\\[S/Role\\] trustPolicySizeQuota: ${String(quota).replace('.', '\\.')} is not valid\\. Give the account's quota in characters, at least the default 2048\\.`));
  });
});

describe('estimatedPolicyLength', () => {
  const statementWith = (resources: string[]) => new iam.PolicyDocument({
    statements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources })],
  });

  test('a document of literal ARNs counts its JSON without whitespace', () => {
    // GIVEN
    const { stack } = newStack();
    const document = statementWith([ADMIN_ARN, USER_ARN]);

    // WHEN
    const length = estimatedPolicyLength(stack, document);

    // THEN
    expect(length).toBe(JSON.stringify(stack.resolve(document)).length);
    expect(length).toBe(JSON.stringify({ Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Resource: [ADMIN_ARN, USER_ARN] }], Version: '2012-10-17' }).length);
  });

  test('a Fn::GetAtt Arn counts as a 95-character ARN, another attribute as 64', () => {
    // GIVEN
    const { stack } = newStack();
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    const arnLength = estimatedPolicyLength(stack, statementWith([role.roleArn]));
    const idLength = estimatedPolicyLength(stack, statementWith([role.roleId]));

    // THEN
    const base = estimatedPolicyLength(stack, statementWith(['']));
    expect(arnLength - base).toBe(95);
    expect(idLength - base).toBe(64);
  });

  test('pseudo parameters count their longest value: Partition 10, AccountId 12, Region 14; a resource Ref 64', () => {
    // GIVEN
    const { stack } = newStack();
    const topic = new sns.Topic(stack, 'T');
    const base = estimatedPolicyLength(stack, statementWith(['']));

    // WHEN / THEN
    expect(estimatedPolicyLength(stack, statementWith([Aws.PARTITION])) - base).toBe(10);
    expect(estimatedPolicyLength(stack, statementWith([Aws.ACCOUNT_ID])) - base).toBe(12);
    expect(estimatedPolicyLength(stack, statementWith([Aws.REGION])) - base).toBe(14);
    expect(estimatedPolicyLength(stack, statementWith([topic.topicArn])) - base).toBe(64);
  });

  test('Fn::Join counts the sum of its parts', () => {
    // GIVEN
    const { stack } = newStack();
    const base = estimatedPolicyLength(stack, statementWith(['']));
    const arn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:root`;
    expect(stack.resolve(arn)).toEqual(pseudoRoot);

    // WHEN
    const length = estimatedPolicyLength(stack, statementWith([arn])) - base;

    // THEN
    expect(length).toBe('arn:'.length + 10 + ':iam::'.length + 12 + ':root'.length);
  });
});

describe('ScheduledQueryRole and cdk-nag', () => {
  test('the acknowledgement covers the role\'s own wildcards only: a wildcard added by the user is still reported', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = new ScheduledQueryRole(stack, 'Role', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), creatorTag: { key: 'team', value: 'bi' } });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }));

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-IAM5'));
    expect(findings.map((f) => String(f.entry.data))).toEqual([expect.stringContaining('Resource::arn:aws:s3:::data/*')]);
  });

  test('the role has no unsuppressed AwsSolutions finding, for each auth mode and trust', () => {
    // GIVEN
    const { app, stack } = newStack();
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'marts' });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'marts-wg', namespaceName: 'marts' });
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);
    const analyst = iam.User.fromUserArn(stack, 'Analyst', USER_ARN);
    new ScheduledQueryRole(stack, 'Temporary', {
      target: importedCluster(), auth: DataApiAuth.temporaryCredentials('awsuser'), creators: [analyst],
    });
    new ScheduledQueryRole(stack, 'Secret', { target: importedCluster(), auth: DataApiAuth.secret(secret), creatorTag: { key: 'team', value: 'bi' } });
    new ScheduledQueryRole(stack, 'Serverless', {
      target: RedshiftTarget.serverless({ namespace, workgroup }), auth: DataApiAuth.iamIdentity(), creatorRolePath: '/analysts/',
    });

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].filter((f) => /^\/S\/(Temporary|Secret|Serverless)\//.test(f.id)).map((f) => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([]);
    // The checks did run: the wildcards are acknowledged with their reason on each role's policy.
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    expect(Object.keys(policies)).toHaveLength(3);
    for (const policy of Object.values<any>(policies)) {
      expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([expect.objectContaining({
        id: 'AwsSolutions-IAM5',
        reason: expect.stringMatching(/statement-owner-iam-userid.*events:ListRules has no resource type.*QS2-\* rules of this account and Region/),
      })]);
    }
  });
});
