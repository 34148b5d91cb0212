import { App, Aspects, Duration, PhysicalName, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  CrossAccountDataApiRole,
  CrossAccountDataApiRoleProps,
  DataApiAuth,
  RedshiftTarget,
  SessionAction,
} from '../../src';
import { estimatedPolicyLength } from '../../src/core/private/policy-size';
import { AccessMatrix } from '../access-matrix';
import { fitIn, synthError } from '../synth-error';

// Seed 001: a consumer in account A (111111111111) assumes a role in the warehouse's account B
// (222222222222) to call the Redshift Data API. One stack per account, wired in one app.

const CONSUMER_ACCOUNT = '111111111111';
const PRODUCER_ACCOUNT = '222222222222';
const OTHER_ACCOUNT = '333333333333';
const REGION = 'us-east-1';
const WG_ID = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${PRODUCER_ACCOUNT}:secret:redshift-admin-AbCdEf`;
const ORG_ID = 'o-a1b2c3d4e5';
const OWN_STATEMENTS = { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } };
const RUN = ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'];
const DESCRIBE_CANCEL = ['redshift-data:DescribeStatement', 'redshift-data:CancelStatement'];
const READ_RESULTS = ['redshift-data:GetStatementResult', 'redshift-data:ListStatements'];

interface Stacks {
  readonly app: App;
  readonly consumer: Stack;
  readonly producer: Stack;
  /** The consumer function's role, with a generated physical name. */
  readonly consumerRole: iam.Role;
  readonly fn: lambda.Function;
}

/** The consumer stack (account A) with a function and its named role, and an empty producer stack (account B). */
function twoStacks(options: { consumerRegion?: string; consumerAccount?: string } = {}): Stacks {
  const app = new App();
  const consumer = new Stack(app, 'Consumer', { env: { account: options.consumerAccount ?? CONSUMER_ACCOUNT, region: options.consumerRegion ?? REGION } });
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
  return { app, consumer, producer, consumerRole, fn };
}

const importedCluster = () => RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });

/** The two stacks and a producer role on an imported cluster as `reporting` with temporary credentials. */
function twoAccountApp(props: Partial<CrossAccountDataApiRoleProps> = {}, options: { consumerRegion?: string } = {}) {
  const stacks = twoStacks(options);
  const dataApi = new CrossAccountDataApiRole(stacks.producer, 'DataApi', {
    target: importedCluster(),
    auth: DataApiAuth.temporaryCredentials('reporting'),
    consumers: [stacks.consumerRole],
    ...props,
  });
  return { ...stacks, dataApi };
}

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
const root = (account: string) => partitionArn(`:iam::${account}:root`);
/** A Redshift ARN built with the producer stack's pseudo parameters (an imported target without account and Region). */
const pseudoRsArn = (resource: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]],
});
const literalRsArn = (resource: string, account = PRODUCER_ACCOUNT) => partitionArn(`:redshift:us-east-1:${account}:${resource}`);

function logicalId(construct: iam.IRole | lambda.IFunction): string {
  const cfn = construct.node.defaultChild as iam.CfnRole;
  return Stack.of(cfn).getLogicalId(cfn);
}

/** The physical role name written in the role's own template: a literal, generated for the other account. */
function roleName(role: iam.IRole): string {
  const name = Template.fromStack(Stack.of(role)).toJSON().Resources[logicalId(role)].Properties.RoleName;
  expect(typeof name).toBe('string');
  return name;
}

function trustStatements(role: iam.IRole): any[] {
  return Template.fromStack(Stack.of(role)).toJSON().Resources[logicalId(role)].Properties.AssumeRolePolicyDocument.Statement;
}

/** The statements of the role's identity policies. */
function statementsOf(role: iam.IRole): any[] {
  return Object.values(Template.fromStack(Stack.of(role)).findResources('AWS::IAM::Policy'))
    .filter((p: any) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: logicalId(role) }]))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statements: any[]): string[] {
  return statements.flatMap((s) => [s.Action].flat());
}

function environmentOf(fn: lambda.Function): Record<string, unknown> {
  return Template.fromStack(Stack.of(fn)).toJSON().Resources[logicalId(fn)].Properties.Environment.Variables;
}

describe('CrossAccountDataApiRole trust', () => {
  test('trusts exactly the consumer role ARN, by its generated name in account A; never the account root', () => {
    // GIVEN
    const { dataApi, consumerRole } = twoAccountApp();

    // WHEN
    const statements = trustStatements(dataApi);

    // THEN
    const consumerName = roleName(consumerRole);
    expect(consumerName).toMatch(/^[a-z0-9]+$/);
    expect(statements).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: partitionArn(`:iam::${CONSUMER_ACCOUNT}:role/${consumerName}`) },
    }]);
    expect(JSON.stringify(Template.fromStack(dataApi.stack).toJSON())).not.toContain(':root');
  });

  test('the producer role gets a generated literal name once account A references it', () => {
    // GIVEN
    const { dataApi, fn } = twoAccountApp();

    // WHEN
    dataApi.configureConsumerFunction(fn);

    // THEN
    const name = roleName(dataApi);
    expect(name).toMatch(/^[a-z0-9]{1,64}$/);
    expect(JSON.stringify(environmentOf(fn))).toContain(`:iam::${PRODUCER_ACCOUNT}:role/${name}`);
    Template.fromStack(dataApi.stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: name,
      Description: 'Redshift Data API on cluster analytics database dev for another account (cdk-analytics-access)',
      MaxSessionDuration: Match.absent(),
    });
  });

  test('an explicit role name, description and maximum session duration are used as given', () => {
    // GIVEN / WHEN
    const { dataApi } = twoAccountApp({ roleName: 'reporting-from-a', description: 'Reporting', maxSessionDuration: Duration.hours(4) });

    // THEN
    Template.fromStack(dataApi.stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'reporting-from-a',
      Description: 'Reporting',
      MaxSessionDuration: 14400,
    });
  });

  test('external id, organization and session name: one StringEquals on the one statement', () => {
    // GIVEN / WHEN
    const { dataApi, consumerRole } = twoAccountApp({ externalId: 'reporting-from-a', principalOrgId: ORG_ID, roleSessionName: 'reporting' });

    // THEN
    expect(trustStatements(dataApi)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: partitionArn(`:iam::${CONSUMER_ACCOUNT}:role/${roleName(consumerRole)}`) },
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': ORG_ID, 'sts:RoleSessionName': 'reporting', 'sts:ExternalId': 'reporting-from-a' },
      },
    }]);
    expect(dataApi.externalId).toBe('reporting-from-a');
    expect(dataApi.roleSessionName).toBe('reporting');
  });

  test('session actions are in the trust and in what grantAssume gives the consumer', () => {
    // GIVEN
    const { dataApi, consumerRole, fn } = twoAccountApp({
      sessionActions: [SessionAction.SET_SOURCE_IDENTITY, SessionAction.TAG_SESSION],
    });

    // WHEN
    dataApi.grantAssume(fn);

    // THEN
    const actions = ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'];
    expect(trustStatements(dataApi)).toEqual([expect.objectContaining({ Action: actions })]);
    expect(statementsOf(consumerRole)).toEqual([{
      Effect: 'Allow',
      Action: actions,
      Resource: partitionArn(`:iam::${PRODUCER_ACCOUNT}:role/${roleName(dataApi)}`),
    }]);
  });

  test('consumerAccounts: the account root, and only then', () => {
    // GIVEN
    const { producer } = twoStacks();

    // WHEN
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(),
      auth: DataApiAuth.temporaryCredentials('reporting'),
      consumerAccounts: [CONSUMER_ACCOUNT],
      externalId: 'ext',
    });

    // THEN
    expect(trustStatements(dataApi)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: root(CONSUMER_ACCOUNT) },
      Condition: { StringEquals: { 'sts:ExternalId': 'ext' } },
    }]);
  });

  test('consumers and consumerAccounts: the role ARN and the other account\'s root, each with the conditions', () => {
    // GIVEN / WHEN
    const { dataApi, consumerRole } = twoAccountApp({ consumerAccounts: [OTHER_ACCOUNT], externalId: 'ext', roleSessionName: 'reporting' });

    // THEN
    const conditions = { StringEquals: { 'sts:RoleSessionName': 'reporting', 'sts:ExternalId': 'ext' } };
    expect(trustStatements(dataApi)).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: partitionArn(`:iam::${CONSUMER_ACCOUNT}:role/${roleName(consumerRole)}`) }, Condition: conditions },
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: root(OTHER_ACCOUNT) }, Condition: conditions },
    ]);
    expect(JSON.stringify(trustStatements(dataApi))).not.toContain(`${CONSUMER_ACCOUNT}:root`);
  });
});

describe('CrossAccountDataApiRole permissions', () => {
  test('temporary credentials on an imported cluster: run on it, own statements, GetClusterCredentials in the producer\'s account (G10)', () => {
    // GIVEN / WHEN
    const { dataApi } = twoAccountApp();

    // THEN
    expect(statementsOf(dataApi)).toEqual([
      { Effect: 'Allow', Action: RUN, Resource: pseudoRsArn('cluster:analytics') },
      { Effect: 'Allow', Action: [...DESCRIBE_CANCEL, ...READ_RESULTS], Resource: '*', Condition: OWN_STATEMENTS },
      {
        Effect: 'Allow',
        Action: 'redshift:GetClusterCredentials',
        Resource: [pseudoRsArn('dbuser:analytics/reporting'), pseudoRsArn('dbname:analytics/dev')],
      },
    ]);
    // The pseudo parameters are resolved by CloudFormation in account B, where the template is deployed.
    expect(JSON.stringify(statementsOf(dataApi))).not.toContain(CONSUMER_ACCOUNT);
  });

  test('the target\'s explicit account and Region are used in the ARNs, and the database given', () => {
    // GIVEN / WHEN
    const { dataApi } = twoAccountApp({
      target: RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: PRODUCER_ACCOUNT, region: REGION }),
      database: 'sales',
      auth: DataApiAuth.temporaryCredentials('reporting', { autoCreate: true }),
    });

    // THEN
    const statements = statementsOf(dataApi);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: RUN, Resource: literalRsArn('cluster:analytics') });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'redshift:GetClusterCredentials',
      Resource: [literalRsArn('dbuser:analytics/reporting'), literalRsArn('dbname:analytics/sales')],
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'redshift:CreateClusterUser', Resource: literalRsArn('dbuser:analytics/reporting') });
  });

  test('IAM identity on a Serverless workgroup of the producer stack: GetCredentials on that workgroup only', () => {
    // GIVEN
    const { producer, consumerRole } = twoStacks();
    const namespace = new rs.CfnNamespace(producer, 'Ns', { namespaceName: 'analytics' });
    const workgroup = new rs.CfnWorkgroup(producer, 'Wg', { workgroupName: 'analytics-wg', namespaceName: 'analytics' });

    // WHEN
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
      target: RedshiftTarget.serverless({ namespace, workgroup }),
      auth: DataApiAuth.iamIdentity(),
      consumers: [consumerRole],
    });

    // THEN
    const workgroupArn = { 'Fn::GetAtt': ['Wg', 'Workgroup.WorkgroupArn'] };
    const statements = statementsOf(dataApi);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: RUN, Resource: workgroupArn },
      { Effect: 'Allow', Action: [...DESCRIBE_CANCEL, ...READ_RESULTS], Resource: '*', Condition: OWN_STATEMENTS },
      { Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: workgroupArn },
    ]);
    expect(actionsOf(statements).filter((a) => a.startsWith('redshift:'))).toEqual([]);
  });

  test('secret auth: reads that secret, no database credentials', () => {
    // GIVEN
    const { producer, consumerRole } = twoStacks();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(producer, 'Admin', SECRET_ARN);

    // WHEN
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', { target: importedCluster(), auth: DataApiAuth.secret(secret), consumers: [consumerRole] });

    // THEN
    const statements = statementsOf(dataApi);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: SECRET_ARN });
    expect(actionsOf(statements)).not.toContain('redshift:GetClusterCredentials');
    expect(actionsOf(statements)).not.toContain('redshift:GetClusterCredentialsWithIAM');
  });

  test('readResults false: no GetStatementResult or ListStatements', () => {
    // GIVEN / WHEN
    const { dataApi } = twoAccountApp({ readResults: false });

    // THEN
    const statements = statementsOf(dataApi);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: DESCRIBE_CANCEL, Resource: '*', Condition: OWN_STATEMENTS });
    for (const action of READ_RESULTS) {
      expect(actionsOf(statements)).not.toContain(action);
    }
  });

  test('the producer role has no managed policy and no wildcard action', () => {
    // GIVEN / WHEN
    const { dataApi } = twoAccountApp();

    // THEN
    Template.fromStack(dataApi.stack).hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    expect(actionsOf(statementsOf(dataApi)).filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('CrossAccountDataApiRole consumer side', () => {
  test('configureConsumerFunction: sts:AssumeRole on exactly the producer role ARN, nothing else', () => {
    // GIVEN
    const { dataApi, consumerRole, fn } = twoAccountApp();

    // WHEN
    const grant = dataApi.configureConsumerFunction(fn);

    // THEN
    expect(grant.success).toBe(true);
    expect(statementsOf(consumerRole)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: partitionArn(`:iam::${PRODUCER_ACCOUNT}:role/${roleName(dataApi)}`),
    }]);
    Template.fromStack(fn.stack).resourceCountIs('AWS::IAM::Policy', 1);
    // Assuming is granted on the consumer's side only: the producer stack gets no resource policy of it.
    expect(JSON.stringify(Template.fromStack(dataApi.stack).toJSON())).not.toContain('Consumer');
  });

  test('configureConsumerFunction: the environment with the literal ARN, the producer\'s Region and the cluster', () => {
    // GIVEN
    const { dataApi, fn } = twoAccountApp({ externalId: 'reporting-from-a', roleSessionName: 'reporting' });

    // WHEN
    dataApi.configureConsumerFunction(fn);

    // THEN
    expect(environmentOf(fn)).toEqual({
      DATA_API_ROLE_ARN: partitionArn(`:iam::${PRODUCER_ACCOUNT}:role/${roleName(dataApi)}`),
      DATA_API_REGION: REGION,
      DATA_API_DATABASE: 'dev',
      DATA_API_CLUSTER_IDENTIFIER: 'analytics',
      DATA_API_DB_USER: 'reporting',
      DATA_API_EXTERNAL_ID: 'reporting-from-a',
      DATA_API_ROLE_SESSION_NAME: 'reporting',
    });
  });

  test('DATA_API_REGION is the producer stack\'s Region when the consumer is in another Region', () => {
    // GIVEN
    const { dataApi, fn } = twoAccountApp({}, { consumerRegion: 'eu-west-1' });

    // WHEN
    dataApi.configureConsumerFunction(fn);

    // THEN
    Template.fromStack(fn.stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DATA_API_REGION: 'us-east-1', DATA_API_CLUSTER_IDENTIFIER: 'analytics' }) },
    });
    expect(JSON.stringify(environmentOf(fn))).not.toContain('eu-west-1');
    expect(JSON.stringify(environmentOf(fn))).not.toContain('AWS::Region');
  });

  test('DATA_API_REGION is the target\'s explicit Region when it has one', () => {
    // GIVEN
    const { dataApi, fn } = twoAccountApp({
      target: RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: PRODUCER_ACCOUNT, region: 'us-west-2' }),
    }, { consumerRegion: 'eu-west-1' });

    // WHEN
    dataApi.configureConsumerFunction(fn);

    // THEN
    expect(environmentOf(fn)).toMatchObject({ DATA_API_REGION: 'us-west-2', DATA_API_CLUSTER_IDENTIFIER: 'analytics' });
  });

  test('without external id, session name or database user: those variables are absent', () => {
    // GIVEN
    const { dataApi, fn } = twoAccountApp({ auth: DataApiAuth.iamIdentity(), database: 'sales' });

    // WHEN
    dataApi.configureConsumerFunction(fn);

    // THEN
    Template.fromStack(fn.stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          DATA_API_ROLE_ARN: Match.anyValue(),
          DATA_API_REGION: REGION,
          DATA_API_DATABASE: 'sales',
          DATA_API_CLUSTER_IDENTIFIER: 'analytics',
          DATA_API_DB_USER: Match.absent(),
          DATA_API_SECRET_ARN: Match.absent(),
          DATA_API_EXTERNAL_ID: Match.absent(),
          DATA_API_ROLE_SESSION_NAME: Match.absent(),
          DATA_API_WORKGROUP_NAME: Match.absent(),
        },
      },
    });
  });

  test('a Serverless workgroup of the producer stack: its literal workgroup name, no cluster identifier', () => {
    // GIVEN
    const { producer, consumerRole, fn } = twoStacks();
    const namespace = new rs.CfnNamespace(producer, 'Ns', { namespaceName: 'analytics' });
    const workgroup = new rs.CfnWorkgroup(producer, 'Wg', { workgroupName: 'analytics-wg', namespaceName: 'analytics' });
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
      target: RedshiftTarget.serverless({ namespace, workgroup }),
      auth: DataApiAuth.iamIdentity(),
      consumers: [consumerRole],
      roleSessionName: 'reporting',
    });

    // WHEN
    dataApi.configureConsumerFunction(fn);

    // THEN
    expect(environmentOf(fn)).toEqual({
      DATA_API_ROLE_ARN: partitionArn(`:iam::${PRODUCER_ACCOUNT}:role/${roleName(dataApi)}`),
      DATA_API_REGION: REGION,
      DATA_API_DATABASE: 'dev',
      DATA_API_WORKGROUP_NAME: 'analytics-wg',
      DATA_API_ROLE_SESSION_NAME: 'reporting',
    });
  });

  test('secret auth on an imported workgroup: the secret ARN and the workgroup name', () => {
    // GIVEN
    const { producer, consumerRole, fn } = twoStacks();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(producer, 'Admin', SECRET_ARN);
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
      target: RedshiftTarget.fromServerlessAttributes({ namespaceName: 'analytics', workgroupName: 'analytics-wg', workgroupId: WG_ID }),
      auth: DataApiAuth.secret(secret),
      consumers: [consumerRole],
    });

    // WHEN
    dataApi.configureConsumerFunction(fn);

    // THEN
    Template.fromStack(fn.stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DATA_API_SECRET_ARN: SECRET_ARN,
          DATA_API_WORKGROUP_NAME: 'analytics-wg',
          DATA_API_CLUSTER_IDENTIFIER: Match.absent(),
          DATA_API_DB_USER: Match.absent(),
        }),
      },
    });
  });

  test('a cluster of the producer stack with a clusterIdentifier: that literal identifier', () => {
    // GIVEN
    const { producer, consumerRole } = twoStacks();
    const cluster = new redshift.CfnCluster(producer, 'Cluster', {
      clusterIdentifier: 'analytics', clusterType: 'single-node', dbName: 'dev', masterUsername: 'admin', nodeType: 'ra3.large', manageMasterPassword: true,
    });
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
      target: RedshiftTarget.provisioned({ cluster }),
      auth: DataApiAuth.temporaryCredentials('reporting'),
      consumers: [consumerRole],
    });

    // WHEN
    const env = dataApi.consumerEnvironment();

    // THEN
    expect(env.DATA_API_CLUSTER_IDENTIFIER).toBe('analytics');
    expect(env.DATA_API_REGION).toBe(REGION);
  });

  test('grantAssume on a role gives the same single statement and returns a successful grant', () => {
    // GIVEN
    const { dataApi, consumerRole, fn } = twoAccountApp({ sessionActions: [SessionAction.TAG_SESSION] });

    // WHEN
    const grant = dataApi.grantAssume(consumerRole);

    // THEN
    expect(grant.success).toBe(true);
    expect(statementsOf(consumerRole)).toEqual([{
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Resource: partitionArn(`:iam::${PRODUCER_ACCOUNT}:role/${roleName(dataApi)}`),
    }]);
    // grantAssume alone sets no environment.
    expect(Template.fromStack(fn.stack).toJSON().Resources[logicalId(fn)].Properties.Environment).toBeUndefined();
  });

  test('grantAssumeRole behaves like grantAssume and never adds to the producer\'s trust policy', () => {
    // GIVEN
    const { dataApi, consumerRole } = twoAccountApp({ externalId: 'ext' });

    // WHEN
    const grant = dataApi.grantAssumeRole(consumerRole);

    // THEN
    expect(grant.success).toBe(true);
    expect(statementsOf(consumerRole)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: partitionArn(`:iam::${PRODUCER_ACCOUNT}:role/${roleName(dataApi)}`),
    }]);
    expect(trustStatements(dataApi)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: partitionArn(`:iam::${CONSUMER_ACCOUNT}:role/${roleName(consumerRole)}`) },
      Condition: { StringEquals: { 'sts:ExternalId': 'ext' } },
    }]);
  });

  test('with consumerAccounts, a role of such an account may be granted, without being named', () => {
    // GIVEN
    const { producer, fn, consumerRole } = twoStacks();
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(), auth: DataApiAuth.temporaryCredentials('reporting'), consumerAccounts: [CONSUMER_ACCOUNT],
    });

    // WHEN
    dataApi.configureConsumerFunction(fn);

    // THEN
    expect(statementsOf(consumerRole)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: partitionArn(`:iam::${PRODUCER_ACCOUNT}:role/${roleName(dataApi)}`),
    }]);
  });
});

describe('CrossAccountDataApiRole validation', () => {
  test('fails when neither consumers nor consumerAccounts are given', () => {
    // GIVEN
    const { producer } = twoStacks();

    // WHEN / THEN
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', { target: importedCluster(), auth: DataApiAuth.iamIdentity() })).toThrow(
      /^\[Producer\/DataApi\] consumers: \[\] is not valid\. Name the consumer roles \(e\.g\. \[consumerFunction\.role!\]\); trusting whole accounts needs consumerAccounts/);
  });

  test('fails when empty lists are given', () => {
    // GIVEN
    const { producer } = twoStacks();

    // WHEN / THEN
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(), auth: DataApiAuth.iamIdentity(), consumers: [], consumerAccounts: [],
    })).toThrow(/^\[Producer\/DataApi\] consumers: \[\] is not valid\./);
  });

  test('fails when a consumer is an IAM user', () => {
    // GIVEN
    const { producer, consumer } = twoStacks();
    const user = new iam.User(consumer, 'Analyst');

    // WHEN / THEN
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(), auth: DataApiAuth.iamIdentity(), consumers: [user as unknown as iam.IRole],
    })).toThrow(/^\[Producer\/DataApi\] consumers: "Consumer\/Analyst" is not valid\. Each consumer must be an IAM role \(for a Lambda function, pass fn\.role!; for a user, create a role it assumes\)\.$/);
  });

  test('fails when a consumer is not a role at all', () => {
    // GIVEN
    const { producer } = twoStacks();

    // WHEN / THEN
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(), auth: DataApiAuth.iamIdentity(), consumers: [{ arn: 'arn:aws:iam::111111111111:role/x' } as any],
    })).toThrow(/^\[Producer\/DataApi\] consumers: "\[object Object\]" is not valid\. Each consumer must be an IAM role/);
  });

  test('fails when a consumer account id is not 12 digits', () => {
    // GIVEN
    const { producer } = twoStacks();

    // WHEN / THEN
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(), auth: DataApiAuth.iamIdentity(), consumerAccounts: ['1111'],
    })).toThrow(/^\[PrincipalTrust\.accounts\] accountIds: "1111" is not valid\. Give 12-digit AWS account ids\.$/);
  });

  test('fails when grantAssume is given a role that is not a consumer (imported, by its ARN)', () => {
    // GIVEN
    const { dataApi, consumer } = twoAccountApp();
    const stranger = iam.Role.fromRoleArn(consumer, 'Stranger', 'arn:aws:iam::111111111111:role/stranger');

    // WHEN / THEN
    expect(() => dataApi.grantAssume(stranger)).toThrow(
      /^\[Producer\/DataApi\] grantee: "arn:aws:iam::111111111111:role\/stranger" is not valid\. This role trusts only its consumers: add the grantee's role to `consumers` \(or its account to `consumerAccounts`\)\.$/);
  });

  test('fails when grantAssume is given another role of the consumer stack, and grants nothing', () => {
    // GIVEN
    const { dataApi, consumer } = twoAccountApp();
    const other = new iam.Role(consumer, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), roleName: 'other' });

    // WHEN / THEN
    expect(() => dataApi.grantAssume(other)).toThrow(/^\[Producer\/DataApi\] grantee: .* is not valid\. This role trusts only its consumers/);
    expect(statementsOf(other)).toEqual([]);
  });

  test('fails when grantAssumeRole is given a principal that is not a consumer', () => {
    // GIVEN
    const { dataApi } = twoAccountApp();

    // WHEN / THEN
    expect(() => dataApi.grantAssumeRole(new iam.AccountPrincipal(CONSUMER_ACCOUNT))).toThrow(
      /^\[Producer\/DataApi\] grantee: .* is not valid\. This role trusts only its consumers/);
  });

  test('fails when grantAssume is given a role of an account not in consumerAccounts', () => {
    // GIVEN
    const { producer, fn } = twoStacks();
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(), auth: DataApiAuth.iamIdentity(), consumerAccounts: [OTHER_ACCOUNT],
    });

    // WHEN / THEN
    expect(() => dataApi.configureConsumerFunction(fn)).toThrow(/^\[Producer\/DataApi\] grantee: .* is not valid\. This role trusts only its consumers/);
  });

  test('fails when a consumer role of another account has no physical name', () => {
    // GIVEN
    const { producer, consumer } = twoStacks();
    const unnamed = new iam.Role(consumer, 'Unnamed', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN / THEN the construct says so itself, before CDK's cross-environment error at synth
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), consumers: [unnamed] }))
      .toThrow(/^\[Producer\/DataApi\] consumers: "Consumer\/Unnamed" is not valid\. The consumer role is in account 111111111111, .*roleName: PhysicalName\.GENERATE_IF_NEEDED/);
  });

  test('fails when the target is in another account than the producer stack', () => {
    // GIVEN
    const { producer, consumerRole } = twoStacks();

    // WHEN / THEN
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', {
      target: RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: OTHER_ACCOUNT }),
      auth: DataApiAuth.temporaryCredentials('reporting'),
      consumers: [consumerRole],
    })).toThrow(
      /^\[Producer\/DataApi\] target: "cluster analytics" is not valid\. The warehouse is in account 333333333333, this role in 222222222222: create the role in the warehouse's account/);
  });

  test('fails when temporary credentials are asked for on a Serverless target', () => {
    // GIVEN
    const { producer, consumerRole } = twoStacks();

    // WHEN / THEN
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', {
      target: RedshiftTarget.fromServerlessAttributes({ namespaceName: 'analytics', workgroupName: 'analytics-wg', workgroupId: WG_ID }),
      auth: DataApiAuth.temporaryCredentials('reporting'),
      consumers: [consumerRole],
    })).toThrow(
      /^\[RedshiftTarget\(Serverless workgroup analytics-wg\)\.grantDataApi\] target: "Serverless workgroup analytics-wg" is not valid\. Temporary credentials .* provisioned clusters only\. On Redshift Serverless use DataApiAuth\.secret\(\.\.\.\) or DataApiAuth\.iamIdentity\(\)\.$/);
  });

  test.each(['analytics:admin', 'dbuser/reporting', '1reporting'])('fails when the database user name is invalid (%j)', (dbUser) => {
    expect(() => DataApiAuth.temporaryCredentials(dbUser)).toThrow(
      /^\[DataApiAuth\.temporaryCredentials\] dbUser: ".*" is not valid\. Use the database object name alone .*must not contain ":" or "\/"\.$/);
  });

  test('fails when the database name is invalid', () => {
    // GIVEN
    const { producer, consumerRole } = twoStacks();

    // WHEN / THEN
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(), database: 'dev/other', auth: DataApiAuth.iamIdentity(), consumers: [consumerRole],
    })).toThrow(/\] database: "dev\/other" is not valid\. Use the database object name alone/);
  });

  test('fails when consumerEnvironment is asked for a cluster of the app without clusterIdentifier', () => {
    // GIVEN
    const { producer, consumerRole } = twoStacks();
    const cluster = new redshift.CfnCluster(producer, 'Cluster', {
      clusterType: 'single-node', dbName: 'dev', masterUsername: 'admin', nodeType: 'ra3.large', manageMasterPassword: true,
    });
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
      target: RedshiftTarget.provisioned({ cluster }), auth: DataApiAuth.iamIdentity(), consumers: [consumerRole],
    });

    // WHEN / THEN
    expect(() => dataApi.consumerEnvironment()).toThrow(
      /^\[Producer\/DataApi\] clusterIdentifier: \(unresolved token\) is not valid\. A consumer in another account needs the warehouse name as a literal: give the cluster a clusterIdentifier/);
  });

  test('fails when configureConsumerFunction is asked for a cluster of the app without clusterIdentifier', () => {
    // GIVEN
    const { producer, consumerRole, fn } = twoStacks();
    const cluster = new redshift.CfnCluster(producer, 'Cluster', {
      clusterType: 'single-node', dbName: 'dev', masterUsername: 'admin', nodeType: 'ra3.large', manageMasterPassword: true,
    });
    const dataApi = new CrossAccountDataApiRole(producer, 'DataApi', {
      target: RedshiftTarget.provisioned({ cluster }), auth: DataApiAuth.iamIdentity(), consumers: [consumerRole],
    });

    // WHEN / THEN
    expect(() => dataApi.configureConsumerFunction(fn)).toThrow(/^\[Producer\/DataApi\] clusterIdentifier: .* give the cluster a clusterIdentifier/);
  });
});

/** `count` roles of account A with generated physical names of one length (zero-padded ids), to trust by ARN. */
function consumerRoles(consumer: Stack, count: number): iam.Role[] {
  return Array.from({ length: count }, (_, i) => new iam.Role(consumer, `Consumer${String(i).padStart(2, '0')}`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    roleName: PhysicalName.GENERATE_IF_NEEDED,
  }));
}

/** `count` 12-digit account ids other than A and B. */
function otherAccounts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(300000000000 + i));
}


/** A producer role trusting `count` consumer roles of account A, with the props given. */
function withConsumers(count: number, props: Partial<CrossAccountDataApiRoleProps> = {}) {
  const stacks = twoStacks();
  const consumers = consumerRoles(stacks.consumer, count);
  const dataApi = new CrossAccountDataApiRole(stacks.producer, 'DataApi', {
    target: importedCluster(),
    auth: DataApiAuth.temporaryCredentials('reporting'),
    consumers,
    ...props,
  });
  return { ...stacks, consumers, dataApi };
}


const TWO_STATEMENTS: Partial<CrossAccountDataApiRoleProps> = { externalId: 'reporting-from-a', sessionActions: [SessionAction.SET_SOURCE_IDENTITY] };

describe('CrossAccountDataApiRole trust policy size (G19)', () => {
  test('fails at synthesis with 50 consumer roles: the size, the quota, how many fit and the fixes', () => {
    // GIVEN
    const { app, producer } = withConsumers(50);

    // WHEN
    const message = synthError(app);

    // THEN
    const match = /\[Producer\/DataApi\] consumers: the trust policy is about (\d+) characters with 50 trusted consumers; IAM allows 2048 \(not counting whitespace; gotcha G19\), so about (\d+) fit\./.exec(message ?? '');
    expect(match).not.toBeNull();
    const [length, fit] = [Number(match![1]), Number(match![2])];
    expect(length).toBeGreaterThan(2048);
    expect(fit).toBeLessThan(50);
    expect(fit).toBeGreaterThan(0);
    expect(message).toMatch(/so about \d+ fit\. Let callers share fewer consumer roles, trust their accounts with consumerAccounts \(with principalOrgId\), or raise the quota in Service Quotas and set trustPolicySizeQuota\.$/);
    expect(() => Template.fromStack(producer)).toThrow(/the trust policy is about \d+ characters with 50 trusted consumers/);
  });

  test('"about M fit" is exact: M consumer roles pass the check and M + 1 fail it', () => {
    // GIVEN
    const fitOf = (count: number) => fitIn(synthError(withConsumers(count).app));

    // WHEN
    const fit = fitOf(50)!;

    // THEN
    expect(fit).toBeGreaterThan(1);
    expect(fitOf(fit)).toBeUndefined();
    expect(fitOf(fit + 1)).toBe(fit);
  });

  test('with externalId and SET_SOURCE_IDENTITY each consumer is in two statements: "about M fit" is exact and about half', () => {
    // GIVEN
    const plainFit = fitIn(synthError(withConsumers(50).app))!;
    const fitOf = (count: number) => fitIn(synthError(withConsumers(count, TWO_STATEMENTS).app));

    // WHEN
    const fit = fitOf(50)!;

    // THEN
    expect(fit).toBeGreaterThan(1);
    expect(Math.abs(fit - plainFit / 2)).toBeLessThanOrEqual(1);
    expect(fitOf(fit)).toBeUndefined();
    expect(fitOf(fit + 1)).toBe(fit);
    // M roles fit, each listed by both statements.
    const { dataApi } = withConsumers(fit, TWO_STATEMENTS);
    const statements = trustStatements(dataApi);
    expect(statements.map((s) => s.Action)).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity']);
    expect(statements.map((s) => s.Principal.AWS.length)).toEqual([fit, fit]);
  });

  test('the construct path appears once in the message', () => {
    // GIVEN
    const { app } = withConsumers(50);

    // WHEN / THEN
    expect(() => app.synth()).toThrow(/^(?!.*\[Producer\/DataApi\].*\[Producer\/DataApi\])[\s\S]*\[Producer\/DataApi\] consumers:/);
  });

  test('with consumerAccounts only, the message names consumerAccounts', () => {
    // GIVEN
    const { app, producer } = twoStacks();

    // WHEN
    new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(), auth: DataApiAuth.temporaryCredentials('reporting'), consumerAccounts: otherAccounts(60),
    });

    // THEN
    const message = synthError(app);
    expect(message).toMatch(/\[Producer\/DataApi\] consumerAccounts: the trust policy is about \d+ characters with 60 trusted consumers; IAM allows 2048 /);
    expect(message).not.toMatch(/\] consumers:/);
  });

  // The trust holds each account as its root ARN, and that is what is counted (not the bare id).
  test('"about M fit" is exact for consumerAccounts too: M accounts pass the check and M + 1 fail it', () => {
    // GIVEN
    const fitOf = (count: number) => {
      const { app, producer } = twoStacks();
      new CrossAccountDataApiRole(producer, 'DataApi', {
        target: importedCluster(), auth: DataApiAuth.temporaryCredentials('reporting'), consumerAccounts: otherAccounts(count),
      });
      return fitIn(synthError(app));
    };

    // WHEN
    const fit = fitOf(60)!;

    // THEN
    expect(fit).toBeGreaterThan(1);
    expect(fitOf(fit)).toBeUndefined();
    expect(fitOf(fit + 1)).toBe(fit);
  });

  test('30 consumer roles fail with the default quota and pass with trustPolicySizeQuota 4096', () => {
    // GIVEN
    const failing = withConsumers(30);

    // WHEN
    const raised = withConsumers(30, { trustPolicySizeQuota: 4096 });

    // THEN
    expect(() => failing.app.synth()).toThrow(/\[Producer\/DataApi\] consumers: the trust policy is about \d+ characters with 30 trusted consumers; IAM allows 2048 /);
    expect(() => raised.app.synth()).not.toThrow();
    expect(trustStatements(raised.dataApi)[0].Principal.AWS).toHaveLength(30);
  });

  test('5 consumer roles fit, and the estimate is never below the deployed size', () => {
    // GIVEN
    const { app, producer, dataApi } = withConsumers(5);

    // WHEN
    app.synth();

    // THEN
    expect(trustStatements(dataApi)[0].Principal.AWS).toHaveLength(5);
    // The deployed document, in the aws partition, is no longer than the estimate.
    const deployed = AccessMatrix.fromTemplate({}).resolve(producer.resolve(dataApi.assumeRolePolicy!));
    expect(JSON.stringify(deployed)).not.toMatch(/Fn::|"Ref"/);
    expect(JSON.stringify(deployed)).toContain(`arn:aws:iam::${CONSUMER_ACCOUNT}:role/`);
    expect(estimatedPolicyLength(producer, dataApi.assumeRolePolicy!)).toBeGreaterThanOrEqual(JSON.stringify(deployed).length);
  });

  test.each([1000, 2048.5])('fails when trustPolicySizeQuota is %p', (quota) => {
    // GIVEN
    const { producer, consumerRole } = twoStacks();

    // WHEN / THEN
    expect(() => new CrossAccountDataApiRole(producer, 'DataApi', {
      target: importedCluster(), auth: DataApiAuth.temporaryCredentials('reporting'), consumers: [consumerRole], trustPolicySizeQuota: quota,
    })).toThrow(new RegExp(`^\\[Producer/DataApi\\] trustPolicySizeQuota: ${String(quota).replace('.', '\\.')} is not valid\\. Give the account's quota in characters, at least the default 2048\\.$`));
  });
});

describe('CrossAccountDataApiRole warnings, cdk-nag and determinism', () => {
  test('warns when every consumer is in the producer\'s account', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Single', { env: { account: PRODUCER_ACCOUNT, region: REGION } });
    const local = new iam.Role(stack, 'Local', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    new CrossAccountDataApiRole(stack, 'DataApi', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), consumers: [local] });

    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('/Single/DataApi', Match.stringLikeRegexp('nothing is cross-account'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].entry.data)).toMatch(/All consumers are in this role's account \(222222222222\).*target\.grantDataApi\(consumer, \.\.\.\).*data-api-same-account/);
  });

  test('warns when consumerAccounts names only the producer\'s own account', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Single', { env: { account: PRODUCER_ACCOUNT, region: REGION } });

    // WHEN
    new CrossAccountDataApiRole(stack, 'DataApi', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), consumerAccounts: [PRODUCER_ACCOUNT] });

    // THEN
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('data-api-same-account'))).toHaveLength(1);
  });

  test('no warning when the producer stack\'s account is not known at synth time', () => {
    // GIVEN an environment-agnostic stack
    const stack = new Stack(new App(), 'Agnostic');
    const local = new iam.Role(stack, 'Local', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    new CrossAccountDataApiRole(stack, 'DataApi', { target: importedCluster(), auth: DataApiAuth.iamIdentity(), consumers: [local] });

    // THEN
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('data-api-same-account'))).toEqual([]);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 2);
  });

  test('no warning in the two-account app', () => {
    // GIVEN
    const { dataApi, consumer, fn } = twoAccountApp({ consumerAccounts: [OTHER_ACCOUNT] });

    // WHEN
    dataApi.configureConsumerFunction(fn);

    // THEN
    for (const stack of [dataApi.stack, consumer]) {
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('data-api-same-account|nothing is cross-account'))).toEqual([]);
    }
  });

  test('the producer stack has no unsuppressed cdk-nag AwsSolutions finding', () => {
    // GIVEN every auth mode, with all trust options
    const { app, producer, consumerRole, fn } = twoStacks();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(producer, 'Admin', SECRET_ARN);
    const options = { consumers: [consumerRole], externalId: 'ext', roleSessionName: 'reporting', principalOrgId: ORG_ID };
    const temporary = new CrossAccountDataApiRole(producer, 'Temporary', {
      target: importedCluster(), auth: DataApiAuth.temporaryCredentials('reporting', { autoCreate: true, dbGroups: ['readers'] }), ...options,
    });
    new CrossAccountDataApiRole(producer, 'Secret', { target: importedCluster(), auth: DataApiAuth.secret(secret), ...options });
    new CrossAccountDataApiRole(producer, 'Iam', {
      target: RedshiftTarget.fromServerlessAttributes({ namespaceName: 'analytics', workgroupName: 'analytics-wg', workgroupId: WG_ID }),
      auth: DataApiAuth.iamIdentity(),
      ...options,
    });
    temporary.configureConsumerFunction(fn);

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = [
      ...Annotations.fromStack(producer).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(producer).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map((f) => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([]);
    // The checks did run: the owner-scoped wildcard is acknowledged with its reason, on the policy.
    const policies = Template.fromStack(producer).findResources('AWS::IAM::Policy');
    expect(Object.keys(policies)).toHaveLength(3);
    for (const policy of Object.values<any>(policies)) {
      expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([
        expect.objectContaining({ id: 'AwsSolutions-IAM5', reason: expect.stringContaining('redshift-data:statement-owner-iam-userid') }),
      ]);
    }
  });

  test('a wildcard of the user\'s own on the producer role is still reported by cdk-nag', () => {
    // GIVEN
    const { app, dataApi } = twoAccountApp();
    dataApi.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }));

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();

    // THEN
    const findings = Annotations.fromStack(dataApi.stack).findError('*', Match.stringLikeRegexp('AwsSolutions-IAM5'));
    expect(findings.map((f) => String(f.entry.data))).toEqual([expect.stringContaining('Resource::arn:aws:s3:::data/*')]);
  });

  test('two synths of the app give identical producer and consumer templates', () => {
    // GIVEN
    const build = () => {
      const { dataApi, consumer, fn } = twoAccountApp({ externalId: 'ext', roleSessionName: 'reporting', sessionActions: [SessionAction.SET_SOURCE_IDENTITY] });
      dataApi.configureConsumerFunction(fn);
      return [dataApi.stack, consumer].map((stack) => JSON.stringify(Template.fromStack(stack).toJSON()));
    };

    // WHEN
    const first = build();
    const second = build();

    // THEN
    expect(second).toEqual(first);
    expect(first[0]).toContain('AWS::IAM::Role');
    expect(first[1]).toContain('DATA_API_ROLE_ARN');
  });
});
