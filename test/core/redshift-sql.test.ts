import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { DataApiAuth, RedshiftSql, RedshiftTarget, Sql } from '../../src';
import { AccessMatrix } from '../access-matrix';

const env = { account: '111111111111', region: 'us-east-1' };
const WG_ID = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const WG2_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const OTHER_WG_ID = '99999999-8888-4777-8666-555555555555';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:redshift-admin-AbCdEf';
const PROVIDER_ID = 'CdkAnalyticsAccessRedshiftSqlProvider';

function newStack(app = new App(), id = 'S'): Stack {
  return new Stack(app, id, { env });
}

function serverlessInApp(stack: Stack) {
  const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales' });
  const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
  return { namespace, workgroup, target: RedshiftTarget.serverless({ namespace, workgroup }) };
}

function importedServerless(workgroupId = WG_ID, workgroupName = 'sales-wg'): RedshiftTarget {
  return RedshiftTarget.fromServerlessAttributes({
    namespaceName: 'sales', workgroupName, workgroupId, account: '111111111111', region: 'us-east-1',
  });
}

function clusterInApp(stack: Stack) {
  const cluster = new redshift.CfnCluster(stack, 'C', {
    clusterType: 'single-node',
    dbName: 'dev',
    masterUsername: 'admin',
    nodeType: 'ra3.large',
    manageMasterPassword: true,
  });
  return { cluster, target: RedshiftTarget.provisioned({ cluster }) };
}

function importedCluster(clusterIdentifier = 'analytics'): RedshiftTarget {
  return RedshiftTarget.fromClusterAttributes({ clusterIdentifier, account: '111111111111', region: 'us-east-1' });
}

function adminSecret(stack: Stack): secretsmanager.ISecret {
  return secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);
}

function providerRole(stack: Stack): iam.Role {
  return stack.node.findChild(PROVIDER_ID).node.findChild('Role') as iam.Role;
}

function providerFunction(stack: Stack): lambda.Function {
  return stack.node.findChild(PROVIDER_ID).node.findChild('Handler') as lambda.Function;
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as any);
}

/** Every statement of the identity policies attached to the provider's role. */
function providerStatements(stack: Stack): any[] {
  const roleId = logicalId(stack, providerRole(stack));
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statements: any[]): string[] {
  return statements.flatMap((s) => [s.Action].flat());
}

const arnJoin = (...parts: any[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]] });

describe('RedshiftSql custom resource properties', () => {
  test('on a Serverless workgroup defined in the app: workgroup target, secret auth, defaults, depends on namespace and workgroup', () => {
    // GIVEN
    const stack = newStack();
    const { target } = serverlessInApp(stack);

    // WHEN
    new RedshiftSql(stack, 'Sql', {
      target,
      auth: DataApiAuth.secret(adminSecret(stack)),
      statements: [`CREATE ROLE ${Sql.identifier('analysts')}`],
      cleanupStatements: [`DROP ROLE ${Sql.identifier('analysts')} FORCE`],
    });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::RedshiftSql', 1);
    template.hasResource('Custom::RedshiftSql', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [logicalId(stack, providerFunction(stack)), 'Arn'] },
        TargetType: 'workgroup',
        TargetName: { Ref: 'Wg' },
        Database: 'dev',
        SecretArn: SECRET_ARN,
        DbUser: Match.absent(),
        Statements: ['CREATE ROLE "analysts"'],
        CleanupStatements: ['DROP ROLE "analysts" FORCE'],
        CleanupBeforeCreate: 'false',
        TimeoutSeconds: '600',
        RerunKey: Match.absent(),
      },
      DependsOn: Match.arrayWith(['Ns', 'Wg']),
    });
  });

  test('on an imported Serverless workgroup: the workgroup name, no DependsOn, every option passed through', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new RedshiftSql(stack, 'Sql', {
      target: importedServerless(),
      database: 'sales_db',
      auth: DataApiAuth.secret(adminSecret(stack)),
      statements: ['CREATE ROLE "a"', 'GRANT ROLE "a" TO ROLE "b"'],
      cleanupStatements: ['DROP ROLE "a" FORCE'],
      cleanupBeforeCreate: true,
      rerunKey: 'idp-v2',
      timeout: Duration.minutes(3),
    });

    // THEN
    Template.fromStack(stack).hasResource('Custom::RedshiftSql', {
      Properties: Match.objectLike({
        TargetType: 'workgroup',
        TargetName: 'sales-wg',
        Database: 'sales_db',
        SecretArn: SECRET_ARN,
        Statements: ['CREATE ROLE "a"', 'GRANT ROLE "a" TO ROLE "b"'],
        CleanupStatements: ['DROP ROLE "a" FORCE'],
        CleanupBeforeCreate: 'true',
        RerunKey: 'idp-v2',
        TimeoutSeconds: '180',
      }),
      DependsOn: Match.absent(),
    });
  });

  test('on a cluster defined in the app with temporary credentials: cluster target, DbUser, no secret, depends on the cluster', () => {
    // GIVEN
    const stack = newStack();
    const { target } = clusterInApp(stack);

    // WHEN
    new RedshiftSql(stack, 'Sql', { target, auth: DataApiAuth.temporaryCredentials('admin'), statements: ['SELECT 1'] });

    // THEN
    Template.fromStack(stack).hasResource('Custom::RedshiftSql', {
      Properties: Match.objectLike({
        TargetType: 'cluster',
        TargetName: { Ref: 'C' },
        Database: 'dev',
        DbUser: 'admin',
        SecretArn: Match.absent(),
        Statements: ['SELECT 1'],
        CleanupStatements: [],
        CleanupBeforeCreate: 'false',
        TimeoutSeconds: '600',
      }),
      DependsOn: Match.arrayWith(['C']),
    });
  });

  test('on an imported cluster with the IAM identity: neither SecretArn nor DbUser', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new RedshiftSql(stack, 'Sql', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });

    // THEN
    Template.fromStack(stack).hasResource('Custom::RedshiftSql', {
      Properties: Match.objectLike({
        TargetType: 'cluster',
        TargetName: 'analytics',
        SecretArn: Match.absent(),
        DbUser: Match.absent(),
      }),
      DependsOn: Match.absent(),
    });
  });

  test('accepts the timeout bounds, 1 and 14 minutes', () => {
    // GIVEN
    const stack = newStack();
    const target = importedCluster();

    // WHEN
    new RedshiftSql(stack, 'Short', { target, auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'], timeout: Duration.seconds(60) });
    new RedshiftSql(stack, 'Long', { target, auth: DataApiAuth.iamIdentity(), statements: ['SELECT 2'], timeout: Duration.minutes(14) });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::RedshiftSql', { Statements: ['SELECT 1'], TimeoutSeconds: '60' });
    template.hasResourceProperties('Custom::RedshiftSql', { Statements: ['SELECT 2'], TimeoutSeconds: '840' });
  });

  test('accepts exactly 40 statements and a statement of exactly 100,000 bytes', () => {
    // GIVEN
    const stack = newStack();
    const forty = Array.from({ length: 40 }, (_, i) => `SELECT ${i}`);
    const big = `SELECT '${'x'.repeat(100_000 - 9)}'`;
    expect(Buffer.byteLength(big, 'utf8')).toBe(100_000);

    // WHEN
    new RedshiftSql(stack, 'Many', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), statements: forty });
    new RedshiftSql(stack, 'Big', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), statements: [big] });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::RedshiftSql', { Statements: forty });
    template.hasResourceProperties('Custom::RedshiftSql', { Statements: [big] });
  });

  test('exposes the custom resource so other resources can depend on it', () => {
    // GIVEN
    const stack = newStack();
    const sql = new RedshiftSql(stack, 'Sql', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });
    const after = new iam.Role(stack, 'After', { assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com') });

    // WHEN
    after.node.addDependency(sql.resource);

    // THEN
    Template.fromStack(stack).hasResource('AWS::IAM::Role', {
      DependsOn: [stack.getLogicalId(sql.resource.node.defaultChild as any)],
    });
  });
});

describe('RedshiftSql handler is shared', () => {
  test('one Lambda function serves three RedshiftSql resources on two targets in a stack', () => {
    // GIVEN
    const stack = newStack();
    const { target: serverless } = serverlessInApp(stack);
    const cluster = importedCluster();

    // WHEN
    new RedshiftSql(stack, 'A', { target: serverless, auth: DataApiAuth.secret(adminSecret(stack)), statements: ['SELECT 1'] });
    new RedshiftSql(stack, 'B', { target: serverless, auth: DataApiAuth.iamIdentity(), statements: ['SELECT 2'] });
    new RedshiftSql(stack, 'C2', { target: cluster, auth: DataApiAuth.temporaryCredentials('admin'), statements: ['SELECT 3'] });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::RedshiftSql', 3);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    const tokens = Object.values(template.findResources('Custom::RedshiftSql')).map((r: any) => JSON.stringify(r.Properties.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
    // The one role may run statements on both warehouses.
    const runOn = providerStatements(stack)
      .filter((s) => JSON.stringify(s.Action).includes('redshift-data:ExecuteStatement'))
      .map((s) => s.Resource);
    expect(runOn).toEqual([
      { 'Fn::GetAtt': ['Wg', 'Workgroup.WorkgroupArn'] },
      arnJoin(':redshift:us-east-1:111111111111:cluster:analytics'),
    ]);
  });

  test('each stack gets its own single handler', () => {
    // GIVEN
    const app = new App();
    const first = newStack(app, 'First');
    const second = newStack(app, 'Second');

    // WHEN
    new RedshiftSql(first, 'Sql', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });
    new RedshiftSql(second, 'Sql', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });

    // THEN
    Template.fromStack(first).resourceCountIs('AWS::Lambda::Function', 1);
    Template.fromStack(second).resourceCountIs('AWS::Lambda::Function', 1);
    expect(providerFunction(first)).not.toBe(providerFunction(second));
  });
});

describe('RedshiftSql provider role policy', () => {
  test('runs statements on the target ARN only, and describes/cancels only its own statements', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new RedshiftSql(stack, 'Sql', { target: importedServerless(), auth: DataApiAuth.secret(adminSecret(stack)), statements: ['SELECT 1'] });

    // THEN
    const roleId = logicalId(stack, providerRole(stack));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
            Resource: arnJoin(`:redshift-serverless:us-east-1:111111111111:workgroup/${WG_ID}`),
          },
          {
            Effect: 'Allow',
            Action: ['redshift-data:DescribeStatement', 'redshift-data:CancelStatement'],
            Resource: '*',
            Condition: { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } },
          },
          {
            Effect: 'Allow',
            Action: Match.arrayWith(['secretsmanager:GetSecretValue']),
            Resource: SECRET_ARN,
          },
        ]),
      },
    });
    const statements = providerStatements(stack);
    const actions = actionsOf(statements);
    expect(actions).not.toContain('redshift-data:GetStatementResult');
    expect(actions).not.toContain('redshift-data:GetStatementResultV2');
    expect(actions).not.toContain('redshift-data:ListStatements');
    // The only '*' resource is the owner-scoped statement, and nothing grants credentials other than the secret.
    expect(statements.filter((s) => s.Resource === '*').map((s) => s.Condition)).toEqual([
      { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } },
    ]);
    expect(actions.filter((a) => /^redshift(-serverless)?:/.test(a))).toEqual([]);
  });

  test('temporary credentials: GetClusterCredentials on dbuser:<cluster>/<user> and dbname:<cluster>/<database> only', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new RedshiftSql(stack, 'Sql', {
      target: importedCluster(), database: 'sales', auth: DataApiAuth.temporaryCredentials('admin'), statements: ['SELECT 1'],
    });

    // THEN
    const statements = providerStatements(stack);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift:GetClusterCredentials',
      Resource: [
        arnJoin(':redshift:us-east-1:111111111111:dbuser:analytics/admin'),
        arnJoin(':redshift:us-east-1:111111111111:dbname:analytics/sales'),
      ],
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
      Resource: arnJoin(':redshift:us-east-1:111111111111:cluster:analytics'),
    });
    const actions = actionsOf(statements);
    expect(actions).not.toContain('secretsmanager:GetSecretValue');
    expect(actions).not.toContain('redshift:CreateClusterUser');
    expect(actions).not.toContain('redshift:GetClusterCredentialsWithIAM');
  });

  test('temporary credentials on a cluster defined in the app use its Ref as the cluster identifier', () => {
    // GIVEN
    const stack = newStack();
    const { target } = clusterInApp(stack);

    // WHEN
    new RedshiftSql(stack, 'Sql', { target, auth: DataApiAuth.temporaryCredentials('admin'), statements: ['SELECT 1'] });

    // THEN
    expect(providerStatements(stack)).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift:GetClusterCredentials',
      Resource: [
        arnJoin(':redshift:us-east-1:111111111111:dbuser:', { Ref: 'C' }, '/admin'),
        arnJoin(':redshift:us-east-1:111111111111:dbname:', { Ref: 'C' }, '/dev'),
      ],
    });
  });

  test('IAM identity on Serverless: redshift-serverless:GetCredentials on the workgroup ARN', () => {
    // GIVEN
    const stack = newStack();
    const { target } = serverlessInApp(stack);

    // WHEN
    new RedshiftSql(stack, 'Sql', { target, auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });

    // THEN
    const statements = providerStatements(stack);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift-serverless:GetCredentials',
      Resource: { 'Fn::GetAtt': ['Wg', 'Workgroup.WorkgroupArn'] },
    });
    expect(actionsOf(statements)).not.toContain('secretsmanager:GetSecretValue');
  });

  test('IAM identity on a cluster: redshift:GetClusterCredentialsWithIAM on dbname only', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new RedshiftSql(stack, 'Sql', { target: importedCluster(), database: 'sales', auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });

    // THEN
    const statements = providerStatements(stack);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift:GetClusterCredentialsWithIAM',
      Resource: arnJoin(':redshift:us-east-1:111111111111:dbname:analytics/sales'),
    });
    expect(actionsOf(statements)).not.toContain('redshift:GetClusterCredentials');
  });

  test('the role has no AWS-managed policy and only Lambda may assume it', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new RedshiftSql(stack, 'Sql', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: Match.absent(),
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      },
    });
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalId(stack, providerRole(stack)), 'Arn'] },
      Timeout: 900,
    });
  });
});

describe('RedshiftSql validation', () => {
  function sql(props: Partial<ConstructorParameters<typeof RedshiftSql>[2]>, target?: RedshiftTarget): () => RedshiftSql {
    const stack = newStack();
    return () => new RedshiftSql(stack, 'Sql', {
      target: target ?? importedCluster(),
      auth: DataApiAuth.iamIdentity(),
      statements: ['SELECT 1'],
      ...props,
    });
  }

  test('fails when there are no statements', () => {
    expect(sql({ statements: [] })).toThrow(/^\[S\/Sql\] statements: \[\] is not valid\. Give at least one SQL statement\.$/);
  });

  test('fails when there are more than 40 statements', () => {
    const statements = Array.from({ length: 41 }, (_, i) => `SELECT ${i}`);
    expect(sql({ statements })).toThrow(
      /\[S\/Sql\] statements: "41 statements" is not valid\. The Data API runs at most 40 statements .*split them across several RedshiftSql constructs/);
  });

  test('fails when a statement is an empty string', () => {
    expect(sql({ statements: ['SELECT 1', ''] })).toThrow(/\[S\/Sql\] statements: "" is not valid\. Every statement must be non-empty SQL text\./);
  });

  test('fails when a statement is only whitespace', () => {
    expect(sql({ statements: ['  \n'] })).toThrow(/\[S\/Sql\] statements: "  \\n" is not valid\. Every statement must be non-empty/);
  });

  test('fails when a cleanup statement is an empty string', () => {
    expect(sql({ cleanupStatements: [''] })).toThrow(/\[S\/Sql\] cleanupStatements: "" is not valid\. Every statement must be non-empty/);
  });

  test('fails when a statement is over 100,000 bytes', () => {
    expect(sql({ statements: ['x'.repeat(100_001)] })).toThrow(
      /\[S\/Sql\] statements: "a statement of 100001 bytes" is not valid\. The Data API accepts at most 100000 bytes per statement; split it\./);
  });

  test('fails when multi-byte text makes a statement over 100,000 bytes (bytes, not characters, count)', () => {
    const statement = '売'.repeat(33_334); // 33,334 characters, 100,002 bytes
    expect(sql({ statements: [statement] })).toThrow(/"a statement of 100002 bytes" is not valid/);
  });

  test('fails when temporary credentials are used on a Serverless target', () => {
    const stack = newStack();
    const { target } = serverlessInApp(stack);
    expect(() => new RedshiftSql(stack, 'Sql', { target, auth: DataApiAuth.temporaryCredentials('admin'), statements: ['SELECT 1'] })).toThrow(
      /\[S\/Sql\] auth: "Serverless workgroup S\/Wg" is not valid\. Temporary credentials .* provisioned clusters only\. On Redshift Serverless use DataApiAuth\.secret/);
  });

  test('fails when temporary credentials are used on an imported Serverless target', () => {
    expect(sql({ auth: DataApiAuth.temporaryCredentials('admin') }, importedServerless()))
      .toThrow(/\[S\/Sql\] auth: "Serverless workgroup sales-wg" is not valid\./);
  });

  test.each(['my/db', 'a:b', '1db', ''])('fails when the database name is invalid (%j)', (database) => {
    expect(sql({ database })).toThrow(new RegExp(
      `^\\[S/Sql\\] database: ${JSON.stringify(database).replace(/[\\/]/g, '\\$&')} is not valid\\. Use the database object name alone .*must not contain ":" or "/"`));
  });

  test('fails when the timeout is 30 seconds', () => {
    expect(sql({ timeout: Duration.seconds(30) })).toThrow(
      /\[S\/Sql\] timeout: "30 seconds" is not valid\. Use between 1 and 14 minutes: the handler must answer CloudFormation before the 15-minute Lambda limit\./);
  });

  test('fails when the timeout is 20 minutes', () => {
    expect(sql({ timeout: Duration.minutes(20) })).toThrow(/\[S\/Sql\] timeout: "1200 seconds" is not valid\. Use between 1 and 14 minutes/);
  });

  test('fails when cleanupBeforeCreate is true without cleanupStatements', () => {
    expect(sql({ cleanupBeforeCreate: true })).toThrow(
      /\[S\/Sql\] cleanupBeforeCreate: true is not valid\. cleanupBeforeCreate runs cleanupStatements before the statements; give cleanupStatements/);
    expect(sql({ cleanupBeforeCreate: true, cleanupStatements: [] })).toThrow(/cleanupBeforeCreate: true is not valid/);
  });

  test('a failed construct adds no handler to the stack', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    expect(() => new RedshiftSql(stack, 'Sql', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), statements: [] })).toThrow(/statements/);

    // THEN validation ran before the provider was created
    expect(stack.node.tryFindChild(PROVIDER_ID)).toBeUndefined();
  });
});

describe('RedshiftSql and cdk-nag', () => {
  test('no unsuppressed AwsSolutions error or warning', () => {
    // GIVEN every auth mode on imported targets
    const app = new App();
    const stack = newStack(app);
    new RedshiftSql(stack, 'Secret', { target: importedServerless(), auth: DataApiAuth.secret(adminSecret(stack)), statements: ['SELECT 1'] });
    new RedshiftSql(stack, 'Iam', { target: importedServerless(WG2_ID, 'other-wg'), auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });
    new RedshiftSql(stack, 'Temp', {
      target: importedCluster(), auth: DataApiAuth.temporaryCredentials('admin', { autoCreate: true, dbGroups: ['loaders'] }), statements: ['SELECT 1'],
    });
    new RedshiftSql(stack, 'ClusterIam', { target: importedCluster('reporting'), auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });

    // WHEN
    Aspects.of(stack).add(new AwsSolutionsChecks());
    app.synth();

    // THEN
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map((f) => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([]);
    // The checks did run: the one wildcard finding is suppressed with a reason.
    const role = Template.fromStack(stack).findResources('AWS::IAM::Role')[logicalId(stack, providerRole(stack))];
    expect(role.Metadata.cdk_nag.rules_to_suppress).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: 'AwsSolutions-IAM5', reason: expect.stringContaining('redshift-data:statement-owner-iam-userid') }),
    ]));
  });
});

describe('RedshiftSql provider access matrix', () => {
  test('Serverless: runs SQL on its workgroup only, reads its secret only, sees only its own statements', async () => {
    // GIVEN a secret in the app, a workgroup reached with the secret and one reached as the IAM identity
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'AdminSecret');
    new RedshiftSql(stack, 'Sql', { target: importedServerless(), auth: DataApiAuth.secret(secret), statements: ['SELECT 1'] });
    new RedshiftSql(stack, 'AsIam', { target: importedServerless(WG2_ID, 'other-wg'), auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });
    const m = AccessMatrix.fromStack(stack);
    const handler = m.roleArn(providerRole(stack));
    // A Lambda function's role session: aws:userid is <role id>:<function name>.
    const userId = `${m.getAtt(providerRole(stack), 'RoleId')}:${m.ref(providerFunction(stack))}`;
    const workgroup = (id: string) => `arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/${id}`;
    const own = { 'aws:userid': userId, 'redshift-data:statement-owner-iam-userid': userId };
    const others = { 'aws:userid': userId, 'redshift-data:statement-owner-iam-userid': 'AROAOTHERROLEID00000:someone-else' };

    // THEN
    await m.expectMatrix([
      { description: 'run on the workgroup', kind: 'identity', principal: handler, action: 'redshift-data:ExecuteStatement', resource: workgroup(WG_ID), expect: 'Allowed' },
      { description: 'batch on the workgroup', kind: 'identity', principal: handler, action: 'redshift-data:BatchExecuteStatement', resource: workgroup(WG_ID), expect: 'Allowed' },
      { description: 'not another workgroup', kind: 'identity', principal: handler, action: 'redshift-data:ExecuteStatement', resource: workgroup(OTHER_WG_ID), expect: 'Denied' },
      {
        description: 'not a cluster',
        kind: 'identity',
        principal: handler,
        action: 'redshift-data:ExecuteStatement',
        resource: 'arn:aws:redshift:us-east-1:111111111111:cluster:analytics',
        expect: 'Denied',
      },
      { description: 'read its secret', kind: 'identity', principal: handler, action: 'secretsmanager:GetSecretValue', resource: m.arn(secret), expect: 'Allowed' },
      { description: 'not another secret', kind: 'identity', principal: handler, action: 'secretsmanager:GetSecretValue', resource: SECRET_ARN, expect: 'Denied' },
      { description: 'no secret writes', kind: 'identity', principal: handler, action: 'secretsmanager:PutSecretValue', resource: m.arn(secret), expect: 'Denied' },
      { description: 'describe its own statement', kind: 'identity', principal: handler, action: 'redshift-data:DescribeStatement', resource: '*', context: own, expect: 'Allowed' },
      { description: 'cancel its own statement', kind: 'identity', principal: handler, action: 'redshift-data:CancelStatement', resource: '*', context: own, expect: 'Allowed' },
      { description: 'not describe another owner\'s statement', kind: 'identity', principal: handler, action: 'redshift-data:DescribeStatement', resource: '*', context: others, expect: 'Denied' },
      { description: 'not cancel another owner\'s statement', kind: 'identity', principal: handler, action: 'redshift-data:CancelStatement', resource: '*', context: others, expect: 'Denied' },
      {
        description: 'not describe without an owner',
        kind: 'identity',
        principal: handler,
        action: 'redshift-data:DescribeStatement',
        resource: '*',
        context: { 'aws:userid': userId },
        expect: 'Denied',
      },
      { description: 'no result rows, even of its own statements', kind: 'identity', principal: handler, action: 'redshift-data:GetStatementResult', resource: '*', context: own, expect: 'Denied' },
      { description: 'no statement listing', kind: 'identity', principal: handler, action: 'redshift-data:ListStatements', resource: '*', context: own, expect: 'Denied' },
      { description: 'IAM credentials on the IAM-identity workgroup', kind: 'identity', principal: handler, action: 'redshift-serverless:GetCredentials', resource: workgroup(WG2_ID), expect: 'Allowed' },
      { description: 'no IAM credentials on the secret workgroup', kind: 'identity', principal: handler, action: 'redshift-serverless:GetCredentials', resource: workgroup(WG_ID), expect: 'Denied' },
      { description: 'only Lambda runs as the handler', kind: 'assume', principal: 'lambda.amazonaws.com', action: 'sts:AssumeRole', resource: handler, expect: 'Allowed' },
      { description: 'not Redshift', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: handler, expect: 'Denied' },
    ]);
  });

  test('clusters: temporary credentials for its database user only, IAM credentials where granted only', async () => {
    // GIVEN
    const stack = newStack();
    new RedshiftSql(stack, 'Temp', { target: importedCluster('analytics'), auth: DataApiAuth.temporaryCredentials('admin'), statements: ['SELECT 1'] });
    new RedshiftSql(stack, 'Iam', { target: importedCluster('reporting'), database: 'sales', auth: DataApiAuth.iamIdentity(), statements: ['SELECT 1'] });
    const m = AccessMatrix.fromStack(stack);
    const handler = m.roleArn(providerRole(stack));
    const rsArn = (resource: string) => `arn:aws:redshift:us-east-1:111111111111:${resource}`;

    // THEN
    await m.expectMatrix([
      { description: 'run on analytics', kind: 'identity', principal: handler, action: 'redshift-data:ExecuteStatement', resource: rsArn('cluster:analytics'), expect: 'Allowed' },
      { description: 'run on reporting', kind: 'identity', principal: handler, action: 'redshift-data:BatchExecuteStatement', resource: rsArn('cluster:reporting'), expect: 'Allowed' },
      { description: 'not another cluster', kind: 'identity', principal: handler, action: 'redshift-data:ExecuteStatement', resource: rsArn('cluster:finance'), expect: 'Denied' },
      { description: 'credentials as admin', kind: 'identity', principal: handler, action: 'redshift:GetClusterCredentials', resource: rsArn('dbuser:analytics/admin'), expect: 'Allowed' },
      { description: 'for the dev database', kind: 'identity', principal: handler, action: 'redshift:GetClusterCredentials', resource: rsArn('dbname:analytics/dev'), expect: 'Allowed' },
      { description: 'not as another user', kind: 'identity', principal: handler, action: 'redshift:GetClusterCredentials', resource: rsArn('dbuser:analytics/etl'), expect: 'Denied' },
      { description: 'not for another database', kind: 'identity', principal: handler, action: 'redshift:GetClusterCredentials', resource: rsArn('dbname:analytics/prod'), expect: 'Denied' },
      { description: 'not as admin elsewhere', kind: 'identity', principal: handler, action: 'redshift:GetClusterCredentials', resource: rsArn('dbuser:reporting/admin'), expect: 'Denied' },
      { description: 'no user creation', kind: 'identity', principal: handler, action: 'redshift:CreateClusterUser', resource: rsArn('dbuser:analytics/admin'), expect: 'Denied' },
      { description: 'IAM credentials on reporting/sales', kind: 'identity', principal: handler, action: 'redshift:GetClusterCredentialsWithIAM', resource: rsArn('dbname:reporting/sales'), expect: 'Allowed' },
      { description: 'no IAM credentials on analytics', kind: 'identity', principal: handler, action: 'redshift:GetClusterCredentialsWithIAM', resource: rsArn('dbname:analytics/dev'), expect: 'Denied' },
    ]);
  });
});
