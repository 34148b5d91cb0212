import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataApiAuth, DataApiAuthMode, RedshiftTarget } from '../../src';
import { AccessMatrix } from '../access-matrix';

const env = { account: '111111111111', region: 'us-east-1' };
const WG_ID = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:redshift-admin-AbCdEf';
const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/12345678-1234-1234-1234-123456789012';
const OWN_STATEMENTS = { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } };
const RUN = ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'];
const DESCRIBE_CANCEL = ['redshift-data:DescribeStatement', 'redshift-data:CancelStatement'];
const READ_RESULTS = ['redshift-data:GetStatementResult', 'redshift-data:ListStatements'];

function newStack(): Stack {
  return new Stack(new App(), 'S', { env });
}

function grantee(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Grantee', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

function importedCluster(account = '111111111111'): RedshiftTarget {
  return RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account, region: 'us-east-1' });
}

const arnJoin = (...parts: any[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]] });
const rsArn = (resource: string, account = '111111111111') => arnJoin(`:redshift:us-east-1:${account}:${resource}`);

/** The statements of the grantee's identity policies. */
function statementsOf(stack: Stack, role: iam.Role): any[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statements: any[]): string[] {
  return statements.flatMap((s) => [s.Action].flat());
}

describe('DataApiAuth factories', () => {
  test('secret: the mode and the secret, no database user', () => {
    // GIVEN
    const stack = newStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);

    // WHEN
    const auth = DataApiAuth.secret(secret);

    // THEN
    expect(auth.mode).toBe(DataApiAuthMode.SECRET);
    expect(auth.credentialsSecret).toBe(secret);
    expect(auth.dbUser).toBeUndefined();
  });

  test('temporaryCredentials: defaults, and the groups are copied from the caller\'s array', () => {
    // GIVEN
    const groups = ['loaders'];

    // WHEN
    const plain = DataApiAuth.temporaryCredentials('etl_user');
    const withGroups = DataApiAuth.temporaryCredentials('etl_user', { autoCreate: true, dbGroups: groups });
    groups.push('admins');

    // THEN
    expect(plain.mode).toBe(DataApiAuthMode.TEMPORARY_CREDENTIALS);
    expect(plain.dbUser).toBe('etl_user');
    expect(plain.autoCreate).toBe(false);
    expect(plain.dbGroups).toEqual([]);
    expect(withGroups.autoCreate).toBe(true);
    expect(withGroups.dbGroups).toEqual(['loaders']);
  });

  test('iamIdentity: no secret, no database user', () => {
    const auth = DataApiAuth.iamIdentity();
    expect(auth.mode).toBe(DataApiAuthMode.IAM_IDENTITY);
    expect(auth.credentialsSecret).toBeUndefined();
    expect(auth.dbUser).toBeUndefined();
  });

  test.each(['a:b', 'etl/user', '', '1user', 'a b', 'x'.repeat(65)])('fails when the database user name is invalid (%j)', (dbUser) => {
    expect(() => DataApiAuth.temporaryCredentials(dbUser)).toThrow(
      /^\[DataApiAuth\.temporaryCredentials\] dbUser: .* is not valid\. Use the database object name alone .*must not contain ":" or "\/"\.$/);
  });

  test('accepts database user names with the characters GetClusterCredentials allows', () => {
    expect(DataApiAuth.temporaryCredentials('_etl+user.1@corp$-x').dbUser).toBe('_etl+user.1@corp$-x');
    expect(DataApiAuth.temporaryCredentials('x'.repeat(64)).dbUser).toHaveLength(64);
  });

  test.each([['a:b'], ['group/x'], ['']])('fails when a database group name is invalid (%j)', (group) => {
    expect(() => DataApiAuth.temporaryCredentials('etl', { dbGroups: ['loaders', group] })).toThrow(
      new RegExp(`^\\[DataApiAuth\\.temporaryCredentials\\] dbGroups: ${JSON.stringify(group).replace(/[/]/g, '\\/')} is not valid\\.`));
  });
});

describe('RedshiftTarget.grantDataApi', () => {
  test('secret auth on a cluster: run on the cluster, own statements with results, read the secret', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);

    // WHEN
    const grant = importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.secret(secret) });

    // THEN
    expect(grant.success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: RUN, Resource: rsArn('cluster:analytics') },
          { Effect: 'Allow', Action: [...DESCRIBE_CANCEL, ...READ_RESULTS], Resource: '*', Condition: OWN_STATEMENTS },
          { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: SECRET_ARN },
        ],
      },
    });
  });

  test('readResults false: describe and cancel only, no result rows or listing', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);

    // WHEN
    importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.secret(secret), readResults: false });

    // THEN
    const statements = statementsOf(stack, role);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: DESCRIBE_CANCEL, Resource: '*', Condition: OWN_STATEMENTS });
    for (const action of READ_RESULTS) {
      expect(actionsOf(statements)).not.toContain(action);
    }
  });

  test('readResults true explicitly equals the default', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);

    // WHEN
    importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.iamIdentity(), readResults: true });

    // THEN
    expect(statementsOf(stack, role)).toContainEqual({ Effect: 'Allow', Action: [...DESCRIBE_CANCEL, ...READ_RESULTS], Resource: '*', Condition: OWN_STATEMENTS });
  });

  test('temporary credentials: GetClusterCredentials on the dbuser and dbname ARNs, nothing more by default', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);

    // WHEN
    importedCluster().grantDataApi(role, { database: 'sales', auth: DataApiAuth.temporaryCredentials('etl_user') });

    // THEN
    const statements = statementsOf(stack, role);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift:GetClusterCredentials',
      Resource: [rsArn('dbuser:analytics/etl_user'), rsArn('dbname:analytics/sales')],
    });
    const actions = actionsOf(statements);
    expect(actions).not.toContain('redshift:CreateClusterUser');
    expect(actions).not.toContain('redshift:JoinGroup');
    expect(actions).not.toContain('secretsmanager:GetSecretValue');
    expect(actions.filter((a) => a.startsWith('redshift:'))).toEqual(['redshift:GetClusterCredentials']);
  });

  test('temporary credentials with autoCreate: CreateClusterUser on the dbuser ARN only', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);

    // WHEN
    importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.temporaryCredentials('etl_user', { autoCreate: true }) });

    // THEN
    expect(statementsOf(stack, role)).toContainEqual({
      Effect: 'Allow', Action: 'redshift:CreateClusterUser', Resource: rsArn('dbuser:analytics/etl_user'),
    });
  });

  test('temporary credentials with dbGroups: JoinGroup on each dbgroup ARN', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);

    // WHEN
    importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.temporaryCredentials('etl_user', { dbGroups: ['loaders', 'readers'] }) });

    // THEN
    expect(statementsOf(stack, role)).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift:JoinGroup',
      Resource: [rsArn('dbgroup:analytics/loaders'), rsArn('dbgroup:analytics/readers')],
    });
  });

  test('an imported cluster of another account puts that account in every ARN (G10)', () => {
    // GIVEN a cluster owned by 222222222222, used from a stack in 111111111111
    const stack = newStack();
    const role = grantee(stack);
    const target = importedCluster('222222222222');

    // WHEN
    target.grantDataApi(role, { database: 'dev', auth: DataApiAuth.temporaryCredentials('etl_user', { autoCreate: true, dbGroups: ['loaders'] }) });

    // THEN
    const statements = statementsOf(stack, role);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: RUN, Resource: rsArn('cluster:analytics', '222222222222') });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift:GetClusterCredentials',
      Resource: [rsArn('dbuser:analytics/etl_user', '222222222222'), rsArn('dbname:analytics/dev', '222222222222')],
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'redshift:CreateClusterUser', Resource: rsArn('dbuser:analytics/etl_user', '222222222222') });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'redshift:JoinGroup', Resource: rsArn('dbgroup:analytics/loaders', '222222222222') });
    expect(JSON.stringify(statements)).not.toContain('111111111111');
  });

  test('a cluster defined in the app: ARNs in the stack account with the cluster Ref', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);
    const cluster = new redshift.CfnCluster(stack, 'C', {
      clusterType: 'single-node', dbName: 'dev', masterUsername: 'admin', nodeType: 'ra3.large', manageMasterPassword: true,
    });

    // WHEN
    RedshiftTarget.provisioned({ cluster }).grantDataApi(role, { database: 'dev', auth: DataApiAuth.temporaryCredentials('admin') });

    // THEN
    expect(statementsOf(stack, role)).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift:GetClusterCredentials',
      Resource: [
        arnJoin(':redshift:us-east-1:111111111111:dbuser:', { Ref: 'C' }, '/admin'),
        arnJoin(':redshift:us-east-1:111111111111:dbname:', { Ref: 'C' }, '/dev'),
      ],
    });
  });

  test('IAM identity on a cluster: GetClusterCredentialsWithIAM on the dbname ARN', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);

    // WHEN
    importedCluster('222222222222').grantDataApi(role, { database: 'sales', auth: DataApiAuth.iamIdentity() });

    // THEN
    const statements = statementsOf(stack, role);
    expect(statements).toContainEqual({
      Effect: 'Allow', Action: 'redshift:GetClusterCredentialsWithIAM', Resource: rsArn('dbname:analytics/sales', '222222222222'),
    });
    expect(actionsOf(statements)).not.toContain('redshift:GetClusterCredentials');
    expect(actionsOf(statements)).not.toContain('redshift-serverless:GetCredentials');
  });

  test('IAM identity on an imported workgroup: GetCredentials on the workgroup ARN, by id (G13)', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);
    const target = RedshiftTarget.fromServerlessAttributes({
      namespaceName: 'sales', workgroupName: 'sales-wg', workgroupId: WG_ID, account: '222222222222', region: 'us-east-1',
    });

    // WHEN
    target.grantDataApi(role, { database: 'dev', auth: DataApiAuth.iamIdentity() });

    // THEN
    const workgroupArn = arnJoin(`:redshift-serverless:us-east-1:222222222222:workgroup/${WG_ID}`);
    const statements = statementsOf(stack, role);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: RUN, Resource: workgroupArn });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: workgroupArn });
    expect(actionsOf(statements).filter((a) => a.startsWith('redshift:'))).toEqual([]);
  });

  test('IAM identity on a workgroup defined in the app: its WorkgroupArn attribute', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales' });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });

    // WHEN
    RedshiftTarget.serverless({ namespace, workgroup }).grantDataApi(role, { database: 'dev', auth: DataApiAuth.iamIdentity() });

    // THEN
    expect(statementsOf(stack, role)).toContainEqual({
      Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: { 'Fn::GetAtt': ['Wg', 'Workgroup.WorkgroupArn'] },
    });
  });

  // Secret.grantRead grants decryption to a kms.ViaServicePrincipal, which only a key policy can hold;
  // an imported key has none in the app, so DataApiAuth adds the identity statement itself.
  test('a secret with an imported encryption key: kms:Decrypt on that key, through Secrets Manager only', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
    const secret = secretsmanager.Secret.fromSecretAttributes(stack, 'Admin', { secretCompleteArn: SECRET_ARN, encryptionKey: key });

    // WHEN
    importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.secret(secret) });

    // THEN
    expect(statementsOf(stack, role)).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: KEY_ARN,
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    });
  });

  test('a secret with a key of the same stack: the key policy lets the grantee decrypt through Secrets Manager', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);
    const key = new kms.Key(stack, 'Key');
    const secret = new secretsmanager.Secret(stack, 'Admin', { encryptionKey: key });

    // WHEN
    importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.secret(secret) });

    // THEN
    const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Principal: { AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } },
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
        }]),
      },
    });
    expect(statementsOf(stack, role)).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: { Ref: stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret) },
    });
  });

  test('a secret with a key of the same stack: the grantee decrypts through Secrets Manager only (IAM simulator)', async () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);
    const key = new kms.Key(stack, 'Key');
    const secret = new secretsmanager.Secret(stack, 'Admin', { encryptionKey: key });
    importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.secret(secret) });

    // WHEN
    const m = AccessMatrix.fromStack(stack);
    const viaSecretsManager = { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' };

    // THEN
    await m.expectMatrix([
      { description: 'read the secret', kind: 'identity', principal: role, action: 'secretsmanager:GetSecretValue', resource: m.arn(secret), expect: 'Allowed' },
      { description: 'decrypt through Secrets Manager', kind: 'identity', principal: role, action: 'kms:Decrypt', resource: key, context: viaSecretsManager, expect: 'Allowed' },
      { description: 'not decrypt directly', kind: 'identity', principal: role, action: 'kms:Decrypt', resource: key, expect: 'Denied' },
      {
        description: 'not decrypt through another service',
        kind: 'identity',
        principal: role,
        action: 'kms:Decrypt',
        resource: key,
        context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        expect: 'Denied',
      },
      { description: 'no encryption', kind: 'identity', principal: role, action: 'kms:Encrypt', resource: key, context: viaSecretsManager, expect: 'Denied' },
    ]);
  });

  test('fails when temporary credentials are granted on a Serverless target', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);
    const target = RedshiftTarget.fromServerlessAttributes({ namespaceName: 'sales', workgroupName: 'sales-wg', workgroupId: WG_ID });

    // WHEN / THEN
    expect(() => target.grantDataApi(role, { database: 'dev', auth: DataApiAuth.temporaryCredentials('etl_user') })).toThrow(
      /^\[RedshiftTarget\(Serverless workgroup sales-wg\)\.grantDataApi\] target: "Serverless workgroup sales-wg" is not valid\. Temporary credentials .* provisioned clusters only/);
  });

  test('fails when the database name is invalid', () => {
    // GIVEN
    const stack = newStack();
    const role = grantee(stack);

    // WHEN / THEN
    expect(() => importedCluster().grantDataApi(role, { database: 'my/db', auth: DataApiAuth.iamIdentity() })).toThrow(
      /^\[RedshiftTarget\(cluster analytics\)\.grantDataApi\] database: "my\/db" is not valid\. Use the database object name alone/);
  });
});

describe('grantDataApi and cdk-nag', () => {
  test('the grantee\'s only finding is the owner-scoped Resource::* of the statement actions, for the user to acknowledge', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'S', { env });
    const role = grantee(stack);
    importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.iamIdentity() });

    // WHEN
    Aspects.of(stack).add(new AwsSolutionsChecks());
    app.synth();

    // THEN
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map((f) => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([expect.stringMatching(/^\/S\/Grantee\/DefaultPolicy\/Resource: AwsSolutions-IAM5\[Resource::\*\]/)]);
  });

  // The library acknowledges cdk-nag findings on roles it owns only; a grantee's own wildcards stay visible.
  test('the grant does not hide a wildcard finding of the grantee\'s own, unrelated statements', () => {
    // GIVEN a role that also reads every S3 object, a statement of the user's own
    const app = new App();
    const stack = new Stack(app, 'S', { env });
    const role = grantee(stack);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    importedCluster().grantDataApi(role, { database: 'dev', auth: DataApiAuth.iamIdentity() });

    // WHEN
    Aspects.of(stack).add(new AwsSolutionsChecks());
    app.synth();

    // THEN cdk-nag still reports the user's wildcard
    const findings = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-IAM5'));
    expect(findings.map((f) => f.id)).toContain('/S/Grantee/DefaultPolicy/Resource');
  });
});
