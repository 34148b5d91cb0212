import * as fs from 'fs';
import { join } from 'path';
import { App, ArnFormat, Aspects, Aws, CfnCondition, CfnOutput, CfnParameter, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as redshiftserverless from 'aws-cdk-lib/aws-redshiftserverless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sso from 'aws-cdk-lib/aws-sso';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { buildAnalyticsAccessChecksApp } from '../../examples/analytics-access-checks';
import { buildAthenaTipApp } from '../../examples/athena-tip';
import { buildCopyUnloadApp } from '../../examples/copy-unload';
import { buildCrossAccountDataApiApp } from '../../examples/cross-account-data-api';
import { buildRedshiftIdcApp } from '../../examples/redshift-idc';
import { buildScheduledQueryApp } from '../../examples/scheduled-query';
import { AnalyticsAccessChecks } from '../../src';
import { newStack, TEST_ENV } from '../template-helpers';

// Every rule of the AnalyticsAccess pack on hand-written L1 resources: it fires on the mistake
// (rule id, level, construct path, finding id) and stays quiet once the mistake is fixed.

const ACCOUNT = TEST_ENV.account;
const OTHER_ACCOUNT = '222222222222';
const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const SERVICE_TOKEN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:provider`;
const WORKGROUP_ARN = `arn:aws:redshift-serverless:us-east-1:${ACCOUNT}:workgroup/0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e`;
const SET_CONTEXT = ['sts:AssumeRole', 'sts:SetContext'];

/** One AnalyticsAccess annotation: level, construct path, rule id and finding id (if the rule returned findings). */
interface Finding {
  readonly level: string;
  readonly path: string;
  readonly rule: string;
  readonly finding?: string;
}

/**
 * Adds the pack to the app (unless the app adds it itself), synthesizes it and returns every AnalyticsAccess error and warning of
 * every stack, including a rule that threw (reported by cdk-nag as CdkNagValidationFailure).
 */
function nag(app: App): Finding[] {
  if (!Aspects.of(app).all.some((aspect) => aspect instanceof AnalyticsAccessChecks)) {
    Aspects.of(app).add(new AnalyticsAccessChecks());
  }
  app.synth();
  const findings: Finding[] = [];
  for (const stack of app.node.findAll().filter(Stack.isStack)) {
    const annotations = Annotations.fromStack(stack);
    const pattern = Match.stringLikeRegexp('AnalyticsAccess-.*');
    for (const message of [...annotations.findError('*', pattern), ...annotations.findWarning('*', pattern)]) {
      const data = String(message.entry.data);
      const match = /^(AnalyticsAccess-G\d+|CdkNagValidationFailure)(?:\[(.*?)\])?: /.exec(data);
      if (!match) {
        throw new Error(`unexpected annotation: ${data}`);
      }
      findings.push({ level: message.level, path: message.id, rule: match[1], ...(match[2] !== undefined ? { finding: match[2] } : {}) });
    }
  }
  return findings;
}

/** The findings of one rule (`G7` for `AnalyticsAccess-G7`). */
function nagRule(app: App, gotcha: string): Finding[] {
  return nag(app).filter((f) => f.rule === `AnalyticsAccess-${gotcha}`);
}

const error = (path: string, gotcha: string, finding?: string): Finding =>
  ({ level: 'error', path, rule: `AnalyticsAccess-${gotcha}`, ...(finding !== undefined ? { finding } : {}) });
const warning = (path: string, gotcha: string, finding?: string): Finding =>
  ({ level: 'warning', path, rule: `AnalyticsAccess-${gotcha}`, ...(finding !== undefined ? { finding } : {}) });

/** A policy document. */
function policy(...statements: Array<Record<string, unknown>>) {
  return { Version: '2012-10-17', Statement: statements };
}

/** A trust policy that lets `services` call `actions`. */
function trust(services: string | string[], actions: string | string[]) {
  return policy({ Effect: 'Allow', Principal: { Service: services }, Action: actions });
}

/** An L1 role with an explicit trust policy. */
function cfnRole(scope: Construct, id: string, assumeRolePolicyDocument: unknown, props: Partial<iam.CfnRoleProps> = {}): iam.CfnRole {
  return new iam.CfnRole(scope, id, { assumeRolePolicyDocument, ...props });
}

function cluster(scope: Construct, id: string, props: Partial<redshift.CfnClusterProps> = {}): redshift.CfnCluster {
  return new redshift.CfnCluster(scope, id, {
    clusterIdentifier: 'analytics',
    clusterType: 'single-node',
    dbName: 'dev',
    masterUsername: 'admin',
    nodeType: 'ra3.xlplus',
    manageMasterPassword: true,
    ...props,
  });
}

function namespace(scope: Construct, id: string, props: Partial<redshiftserverless.CfnNamespaceProps> = {}): redshiftserverless.CfnNamespace {
  return new redshiftserverless.CfnNamespace(scope, id, { namespaceName: 'analytics', ...props });
}

function idcApplication(scope: Construct, id: string, iamRoleArn: string): redshift.CfnRedshiftIdcApplication {
  return new redshift.CfnRedshiftIdcApplication(scope, id, {
    idcInstanceArn: IDC_INSTANCE_ARN, iamRoleArn, idcDisplayName: 'analytics', redshiftIdcApplicationName: 'analytics-idc',
  });
}

function roleAssociation(scope: Construct, id: string, targetType: string, targetName: string, arns: string[]): CfnResource {
  return new CfnResource(scope, id, {
    type: 'Custom::RedshiftRoleAssociation',
    properties: { ServiceToken: SERVICE_TOKEN, TargetType: targetType, TargetName: targetName, RoleArns: arns },
  });
}

function athenaWorkGroup(scope: Construct, id: string, executionRoleArn?: string): CfnResource {
  return new CfnResource(scope, id, {
    type: 'Custom::AthenaIdcWorkGroup',
    properties: { ServiceToken: SERVICE_TOKEN, Name: 'analysts', InstanceArn: IDC_INSTANCE_ARN, ExecutionRoleArn: executionRoleArn },
  });
}

/** The role Redshift's IAM Identity Center application needs: Redshift may assume it with SetContext. */
function idcRole(scope: Construct, id = 'IdcRole'): iam.CfnRole {
  return cfnRole(scope, id, trust(['redshift.amazonaws.com', 'redshift-serverless.amazonaws.com'], SET_CONTEXT));
}

/** A list of `count` role ARNs. */
function roleArns(count: number, name = 'copy-role'): string[] {
  return Array.from({ length: count }, (_, i) => `arn:aws:iam::${ACCOUNT}:role/${name}-${String(i).padStart(2, '0')}`);
}

describe('G1: the IdC application role is associated with the warehouse (WARN)', () => {
  test('fires when no namespace, cluster or association of the stack lists the role', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = idcRole(stack);
    namespace(stack, 'Namespace', { iamRoles: roleArns(1) });
    idcApplication(stack, 'Idc', role.attrArn);
    // WHEN
    const findings = nag(app);
    // THEN
    expect(findings).toEqual([warning('/S/Idc', 'G1')]);
  });

  test.each<[string, (stack: Stack, roleArn: string) => void]>([
    ['a Serverless namespace\'s IamRoles', (stack, arn) => namespace(stack, 'Namespace', { iamRoles: [arn] })],
    ['a provisioned cluster\'s IamRoles', (stack, arn) => cluster(stack, 'Cluster', { iamRoles: [arn] })],
    ['a Custom::RedshiftRoleAssociation\'s RoleArns', (stack, arn) => {
      namespace(stack, 'Namespace');
      roleAssociation(stack, 'Association', 'namespace', 'analytics', [...roleArns(1), arn]);
    }],
  ])('stays quiet when %s contain the role', (_name, associate) => {
    // GIVEN
    const { app, stack } = newStack();
    const role = idcRole(stack);
    associate(stack, role.attrArn);
    idcApplication(stack, 'Idc', role.attrArn);
    // WHEN
    const findings = nag(app);
    // THEN
    expect(findings).toEqual([]);
  });

  test('compares literal role ARNs too', () => {
    // GIVEN
    const { app, stack } = newStack();
    const arn = `arn:aws:iam::${ACCOUNT}:role/idc`;
    namespace(stack, 'Namespace', { iamRoles: [arn] });
    idcApplication(stack, 'Idc', arn);
    idcApplication(stack, 'Other', `arn:aws:iam::${ACCOUNT}:role/not-associated`);
    // THEN
    expect(nag(app)).toEqual([warning('/S/Other', 'G1')]);
  });
});

describe('G5: the IdC application role trusts Redshift with sts:SetContext (ERROR)', () => {
  function idcStack(assumeRolePolicy: unknown) {
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'IdcRole', assumeRolePolicy);
    namespace(stack, 'Namespace', { iamRoles: [role.attrArn] });
    idcApplication(stack, 'Idc', role.attrArn);
    return app;
  }

  test('fires when the trust allows sts:AssumeRole only', () => {
    expect(nag(idcStack(trust('redshift.amazonaws.com', 'sts:AssumeRole')))).toEqual([error('/S/Idc', 'G5')]);
  });

  test('fires when another service is trusted with both actions', () => {
    expect(nag(idcStack(trust('glue.amazonaws.com', SET_CONTEXT)))).toEqual([error('/S/Idc', 'G5')]);
  });

  test('fires when the statement that allows sts:SetContext is a Deny', () => {
    // GIVEN
    const assume = policy(
      { Effect: 'Allow', Principal: { Service: 'redshift.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', Principal: { Service: 'redshift.amazonaws.com' }, Action: 'sts:SetContext' },
    );
    // THEN
    expect(nag(idcStack(assume))).toEqual([error('/S/Idc', 'G5')]);
  });

  test.each<[string, unknown]>([
    ['redshift.amazonaws.com with both actions', trust('redshift.amazonaws.com', SET_CONTEXT)],
    ['redshift-serverless.amazonaws.com with both actions', trust('redshift-serverless.amazonaws.com', SET_CONTEXT)],
    ['the regional principal redshift.us-east-1.amazonaws.com', trust('redshift.us-east-1.amazonaws.com', SET_CONTEXT)],
    ['the wildcard action sts:*', trust('redshift.amazonaws.com', 'sts:*')],
    ['the actions in two statements', policy(
      { Effect: 'Allow', Principal: { Service: 'redshift.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { Service: ['glue.amazonaws.com', 'redshift.amazonaws.com'] }, Action: ['sts:SetContext'] },
    )],
  ])('stays quiet when the trust names %s', (_name, assume) => {
    expect(nag(idcStack(assume))).toEqual([]);
  });

  // Before prepareApp a cross-stack reference resolves to the producer stack's Fn::GetAtt: the
  // role must be found through the reference, not by that logical id in the consumer's stack.
  test('does not check another stack\'s role with the same logical id', () => {
    // GIVEN
    const app = new App();
    const consumer = new Stack(app, 'A', { env: TEST_ENV });
    const producer = new Stack(app, 'B', { env: TEST_ENV });
    const role = idcRole(producer, 'IdcRole');
    cfnRole(consumer, 'IdcRole', trust('glue.amazonaws.com', 'sts:AssumeRole'));
    namespace(consumer, 'Namespace', { iamRoles: [role.attrArn] });
    idcApplication(consumer, 'Idc', role.attrArn);
    // THEN
    expect(nag(app)).toEqual([]);
  });

  test('is not applicable to a role outside the stack (literal ARN)', () => {
    // GIVEN
    const { app, stack } = newStack();
    const arn = `arn:aws:iam::${ACCOUNT}:role/idc`;
    cluster(stack, 'Cluster', { iamRoles: [arn] });
    idcApplication(stack, 'Idc', arn);
    // THEN
    expect(nag(app)).toEqual([]);
  });
});

describe('G7: the Serverless namespace lists its default role (ERROR)', () => {
  test('fires when DefaultIamRoleArn is not in IamRoles', () => {
    // GIVEN
    const { app, stack } = newStack();
    const [listed, other] = roleArns(2);
    namespace(stack, 'Namespace', { iamRoles: [listed], defaultIamRoleArn: other });
    // THEN
    expect(nag(app)).toEqual([error('/S/Namespace', 'G7')]);
  });

  test('fires when the namespace has a default role and no IamRoles', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'DefaultRole', trust('redshift.amazonaws.com', 'sts:AssumeRole'));
    namespace(stack, 'Namespace', { defaultIamRoleArn: role.attrArn });
    // THEN
    expect(nag(app)).toEqual([error('/S/Namespace', 'G7')]);
  });

  test('stays quiet when IamRoles contain the default role (by reference)', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'DefaultRole', trust('redshift.amazonaws.com', 'sts:AssumeRole'));
    namespace(stack, 'Namespace', { iamRoles: [...roleArns(2), role.attrArn], defaultIamRoleArn: role.attrArn });
    // THEN
    expect(nag(app)).toEqual([]);
  });

  test('stays quiet without a default role', () => {
    // GIVEN
    const { app, stack } = newStack();
    namespace(stack, 'Namespace', { iamRoles: roleArns(2) });
    // THEN
    expect(nag(app)).toEqual([]);
  });
});

describe('G8: one owner of a warehouse\'s role list (WARN)', () => {
  test.each<[string, (stack: Stack) => string]>([
    ['a namespace by name', (stack) => {
      namespace(stack, 'Namespace', { iamRoles: roleArns(1) });
      return 'analytics';
    }],
    ['a namespace by Ref', (stack) => namespace(stack, 'Namespace', { namespaceName: 'other', iamRoles: roleArns(1) }).ref],
  ])('fires when an association targets %s whose IamRoles the template sets', (_name, target) => {
    // GIVEN
    const { app, stack } = newStack();
    roleAssociation(stack, 'Association', 'namespace', target(stack), roleArns(1, 'associated'));
    // THEN
    expect(nag(app)).toEqual([warning('/S/Association', 'G8')]);
  });

  test.each<[string, (stack: Stack) => string]>([
    ['a cluster by identifier', (stack) => {
      cluster(stack, 'Cluster', { iamRoles: roleArns(1) });
      return 'analytics';
    }],
    ['a cluster by Ref', (stack) => cluster(stack, 'Cluster', { clusterIdentifier: 'other', iamRoles: roleArns(1) }).ref],
  ])('fires when an association targets %s whose IamRoles the template sets', (_name, target) => {
    // GIVEN
    const { app, stack } = newStack();
    roleAssociation(stack, 'Association', 'cluster', target(stack), roleArns(1, 'associated'));
    // THEN
    expect(nag(app)).toEqual([warning('/S/Association', 'G8')]);
  });

  test.each<[string, string, (stack: Stack) => void]>([
    ['a namespace without IamRoles', 'namespace', (stack) => namespace(stack, 'Namespace')],
    ['a cluster without IamRoles', 'cluster', (stack) => cluster(stack, 'Cluster')],
    ['another namespace', 'namespace', (stack) => namespace(stack, 'Namespace', { namespaceName: 'other', iamRoles: roleArns(1) })],
    ['a cluster of that name, as a namespace', 'namespace', (stack) => cluster(stack, 'Cluster', { iamRoles: roleArns(1) })],
  ])('stays quiet when the association targets %s', (_name, targetType, build) => {
    // GIVEN
    const { app, stack } = newStack();
    build(stack);
    roleAssociation(stack, 'Association', targetType, 'analytics', roleArns(1, 'associated'));
    // THEN
    expect(nag(app)).toEqual([]);
  });
});

describe('G9: at most 50 roles per cluster or namespace (ERROR)', () => {
  test.each<[string, (stack: Stack, arns: string[]) => void]>([
    ['cluster', (stack, arns) => cluster(stack, 'Warehouse', { iamRoles: arns })],
    ['namespace', (stack, arns) => namespace(stack, 'Warehouse', { iamRoles: arns })],
  ])('a %s with 51 roles fires, with 50 stays quiet', (_name, build) => {
    // GIVEN
    const over = newStack();
    build(over.stack, roleArns(51));
    const at = newStack();
    build(at.stack, roleArns(50));
    // THEN
    expect(nag(over.app)).toEqual([error('/S/Warehouse', 'G9')]);
    expect(nag(at.app)).toEqual([]);
  });
});

describe('G10: GetClusterCredentials resources name the cluster first, in its account (ERROR)', () => {
  const statement = (...resources: unknown[]) => ({ Effect: 'Allow', Action: 'redshift:GetClusterCredentials', Resource: resources });

  test('fires for the swapped form dbuser:<user>/<cluster> when the cluster is in the app', () => {
    // GIVEN
    const { app, stack } = newStack();
    cluster(stack, 'Cluster');
    cfnRole(stack, 'Caller', trust('lambda.amazonaws.com', 'sts:AssumeRole'), {
      policies: [{ policyName: 'credentials', policyDocument: policy(statement(`arn:aws:redshift:us-east-1:${ACCOUNT}:dbuser:alice/analytics`)) }],
    });
    // THEN
    expect(nag(app)).toEqual([error('/S/Caller', 'G10', 'dbuser:alice/analytics names the cluster second: use dbuser:analytics/alice')]);
  });

  test('fires for a resource in another account than the cluster\'s stack', () => {
    // GIVEN
    const app = new App();
    cluster(new Stack(app, 'Warehouse', { env: TEST_ENV }), 'Cluster');
    const caller = new Stack(app, 'Caller', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } });
    const role = cfnRole(caller, 'Role', policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }));
    new iam.CfnPolicy(caller, 'Policy', {
      policyName: 'credentials',
      roles: [role.ref],
      policyDocument: policy(statement(
        `arn:aws:redshift:us-east-1:${OTHER_ACCOUNT}:dbuser:analytics/alice`,
        `arn:aws:redshift:us-east-1:${OTHER_ACCOUNT}:dbname:analytics/dev`,
      )),
    });
    // THEN
    expect(nag(app)).toEqual([
      error('/Caller/Policy', 'G10', `dbuser:analytics in account ${OTHER_ACCOUNT}, but cluster analytics is in ${ACCOUNT}`),
      error('/Caller/Policy', 'G10', `dbname:analytics in account ${OTHER_ACCOUNT}, but cluster analytics is in ${ACCOUNT}`),
    ]);
  });

  test.each<[string, (stack: Stack, document: unknown) => void, string]>([
    ['a user\'s inline policy', (stack, document) => new iam.CfnUser(stack, 'Holder', { policies: [{ policyName: 'p', policyDocument: document }] }), '/S/Holder'],
    ['a group\'s inline policy', (stack, document) => new iam.CfnGroup(stack, 'Holder', { policies: [{ policyName: 'p', policyDocument: document }] }), '/S/Holder'],
    ['a managed policy', (stack, document) => new iam.CfnManagedPolicy(stack, 'Holder', { policyDocument: document }), '/S/Holder'],
    ['an L2 role\'s default policy', (stack, document) => new iam.Role(stack, 'Holder', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: { p: iam.PolicyDocument.fromJson(document) },
    }), '/S/Holder/Resource'],
  ])('reads %s and wildcard actions', (_name, build, path) => {
    // GIVEN
    const { app, stack } = newStack();
    cluster(stack, 'Cluster', { clusterIdentifier: 'Analytics' });
    build(stack, policy({ Effect: 'Allow', Action: 'redshift:Get*', Resource: `arn:aws:redshift:us-east-1:${ACCOUNT}:dbgroup:analysts/analytics` }));
    // THEN
    expect(nag(app)).toEqual([error(path, 'G10', 'dbgroup:analysts/analytics names the cluster second: use dbgroup:analytics/analysts')]);
  });

  test('stays quiet for dbuser:<cluster>/<user> in the cluster\'s account, from another stack and with ${AWS::AccountId} in the cluster\'s own stack', () => {
    // GIVEN
    const app = new App();
    const warehouse = new Stack(app, 'Warehouse', { env: TEST_ENV });
    cluster(warehouse, 'Cluster');
    cfnRole(warehouse, 'Local', trust('lambda.amazonaws.com', 'sts:AssumeRole'), {
      policies: [{
        policyName: 'credentials',
        policyDocument: policy(statement(
          `arn:aws:redshift:us-east-1:${Aws.ACCOUNT_ID}:dbuser:analytics/alice`,
          `arn:aws:redshift:us-east-1:${Aws.ACCOUNT_ID}:dbname:analytics/dev`,
        )),
      }],
    });
    const caller = new Stack(app, 'Caller', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } });
    new iam.CfnManagedPolicy(caller, 'Policy', {
      policyDocument: policy(statement(
        `arn:aws:redshift:us-east-1:${ACCOUNT}:dbuser:analytics/alice`,
        `arn:aws:redshift:us-east-1:${ACCOUNT}:dbname:analytics/dev`,
        `arn:aws:redshift:us-east-1:${ACCOUNT}:dbgroup:analytics/analysts`,
      )),
    });
    // THEN
    expect(nag(app)).toEqual([]);
  });

  test('stays quiet when the named cluster is not in the app, and for other actions', () => {
    // GIVEN
    const { app, stack } = newStack();
    cluster(stack, 'Cluster');
    new iam.CfnManagedPolicy(stack, 'Policy', {
      policyDocument: policy(
        statement(`arn:aws:redshift:us-east-1:${OTHER_ACCOUNT}:dbuser:alice/reporting`),
        { Effect: 'Allow', Action: 'redshift:DescribeClusters', Resource: `arn:aws:redshift:us-east-1:${OTHER_ACCOUNT}:dbuser:alice/analytics` },
        { Effect: 'Deny', Action: 'redshift:GetClusterCredentials', Resource: `arn:aws:redshift:us-east-1:${ACCOUNT}:dbuser:alice/analytics` },
      ),
    });
    // THEN
    expect(nag(app)).toEqual([]);
  });

  // ARNs built with tokens flatten to `<AWS::AccountId>` / `<AWS::Partition>` (colons included):
  // the rule must still read them.
  test('fires for ${AWS::AccountId} in a caller stack of another account than the cluster', () => {
    // GIVEN
    const app = new App();
    cluster(new Stack(app, 'Warehouse', { env: TEST_ENV }), 'Cluster');
    const caller = new Stack(app, 'Caller', { env: { account: OTHER_ACCOUNT, region: 'us-east-1' } });
    new iam.CfnManagedPolicy(caller, 'Policy', {
      policyDocument: policy(statement(`arn:aws:redshift:us-east-1:${Aws.ACCOUNT_ID}:dbuser:analytics/alice`)),
    });
    // THEN
    expect(nag(app)).toEqual([error('/Caller/Policy', 'G10', `dbuser:analytics in account ${OTHER_ACCOUNT}, but cluster analytics is in ${ACCOUNT}`)]);
  });

  test('fires for the swapped form built with Stack.formatArn (${AWS::Partition})', () => {
    // GIVEN
    const { app, stack } = newStack();
    cluster(stack, 'Cluster');
    const arn = stack.formatArn({ service: 'redshift', resource: 'dbuser', resourceName: 'alice/analytics', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    new iam.CfnManagedPolicy(stack, 'Policy', { policyDocument: policy(statement(arn)) });
    // THEN
    expect(nag(app)).toEqual([error('/S/Policy', 'G10', 'dbuser:alice/analytics names the cluster second: use dbuser:analytics/alice')]);
  });
});

describe('G12: the role of a Redshift Data API rule target trusts EventBridge (ERROR)', () => {
  const CLUSTER_ARN = `arn:aws:redshift:us-east-1:${ACCOUNT}:cluster:analytics`;
  const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:queue`;

  function scheduleStack(redshiftTrust: unknown, otherTrust: unknown = trust('events.amazonaws.com', 'sts:AssumeRole')) {
    const { app, stack } = newStack();
    const queryRole = cfnRole(stack, 'QueryRole', redshiftTrust);
    const otherRole = cfnRole(stack, 'OtherRole', otherTrust);
    new events.CfnRule(stack, 'Schedule', {
      scheduleExpression: 'rate(1 day)',
      targets: [
        { id: 'Query', arn: CLUSTER_ARN, roleArn: queryRole.attrArn, redshiftDataParameters: { database: 'dev', dbUser: 'scheduler', sql: 'CALL refresh()' } },
        { id: 'Queue', arn: QUEUE_ARN, roleArn: otherRole.attrArn },
      ],
    });
    return app;
  }

  test('fires when the Redshift target\'s role trusts another service', () => {
    expect(nag(scheduleStack(trust('scheduler.amazonaws.com', 'sts:AssumeRole'))))
      .toEqual([error('/S/Schedule', 'G12', 'events.amazonaws.com:sts:AssumeRole')]);
  });

  test('stays quiet when the role trusts events.amazonaws.com', () => {
    expect(nag(scheduleStack(trust(['scheduler.amazonaws.com', 'events.amazonaws.com'], 'sts:AssumeRole')))).toEqual([]);
  });

  test('checks only targets with RedshiftDataParameters', () => {
    expect(nag(scheduleStack(trust('events.amazonaws.com', 'sts:AssumeRole'), trust('lambda.amazonaws.com', 'sts:AssumeRole')))).toEqual([]);
  });

  test('stays quiet for a rule without Redshift targets, or with a role outside the stack', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'Role', trust('lambda.amazonaws.com', 'sts:AssumeRole'));
    new events.CfnRule(stack, 'Queue', { scheduleExpression: 'rate(1 day)', targets: [{ id: 'Queue', arn: QUEUE_ARN, roleArn: role.attrArn }] });
    new events.CfnRule(stack, 'Imported', {
      scheduleExpression: 'rate(1 day)',
      targets: [{ id: 'Q', arn: CLUSTER_ARN, roleArn: `arn:aws:iam::${ACCOUNT}:role/imported`, redshiftDataParameters: { database: 'dev', sql: 'SELECT 1' } }],
    });
    // THEN
    expect(nag(app)).toEqual([]);
  });
});

describe('G13: a Data API role on a Serverless workgroup can get credentials (WARN)', () => {
  const execute = { Effect: 'Allow', Action: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], Resource: WORKGROUP_ARN };

  function dataRole(stack: Stack): iam.CfnRole {
    return cfnRole(stack, 'DataRole', trust('lambda.amazonaws.com', 'sts:AssumeRole'), {
      policies: [{ policyName: 'execute', policyDocument: policy(execute) }],
    });
  }

  test('fires without GetCredentials or a secret', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = dataRole(stack);
    // A policy of another role does not count.
    const other = cfnRole(stack, 'Other', trust('lambda.amazonaws.com', 'sts:AssumeRole'));
    new iam.CfnPolicy(stack, 'OtherPolicy', {
      policyName: 'credentials',
      roles: [other.ref],
      policyDocument: policy({ Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: WORKGROUP_ARN }),
    });
    // A Deny does not count either.
    new iam.CfnPolicy(stack, 'Deny', {
      policyName: 'deny',
      roles: [role.ref],
      policyDocument: policy({ Effect: 'Deny', Action: 'redshift-serverless:GetCredentials', Resource: WORKGROUP_ARN }),
    });
    // THEN
    expect(nag(app)).toEqual([warning('/S/DataRole', 'G13')]);
  });

  test('fires when ExecuteStatement comes from a separate policy', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'DataRole', trust('lambda.amazonaws.com', 'sts:AssumeRole'));
    new iam.CfnPolicy(stack, 'Execute', { policyName: 'execute', roles: [role.ref], policyDocument: policy({ ...execute, Action: 'redshift-data:*' }) });
    // THEN
    expect(nag(app)).toEqual([warning('/S/DataRole', 'G13')]);
  });

  test.each<[string, string]>([
    ['redshift-serverless:GetCredentials', WORKGROUP_ARN],
    ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:redshift-admin-AbCdEf`],
  ])('stays quiet with %s granted through a separate AWS::IAM::Policy attached to the role', (action, resource) => {
    // GIVEN
    const { app, stack } = newStack();
    const role = dataRole(stack);
    new iam.CfnPolicy(stack, 'Credentials', { policyName: 'credentials', roles: [role.ref], policyDocument: policy({ Effect: 'Allow', Action: action, Resource: resource }) });
    // THEN
    expect(nag(app)).toEqual([]);
  });

  test('stays quiet with GetCredentials in a managed policy of the stack attached to the role', () => {
    // GIVEN
    const { app, stack } = newStack();
    const managed = new iam.CfnManagedPolicy(stack, 'Credentials', {
      policyDocument: policy({ Effect: 'Allow', Action: 'redshift-serverless:GetCredentials', Resource: WORKGROUP_ARN }),
    });
    cfnRole(stack, 'DataRole', trust('lambda.amazonaws.com', 'sts:AssumeRole'), {
      policies: [{ policyName: 'execute', policyDocument: policy(execute) }],
      managedPolicyArns: [managed.ref],
    });
    // THEN
    expect(nag(app)).toEqual([]);
  });

  test('is not applicable to statements on a cluster', () => {
    // GIVEN
    const { app, stack } = newStack();
    cfnRole(stack, 'DataRole', trust('lambda.amazonaws.com', 'sts:AssumeRole'), {
      policies: [{ policyName: 'execute', policyDocument: policy({ ...execute, Resource: `arn:aws:redshift:us-east-1:${ACCOUNT}:cluster:analytics` }) }],
    });
    // THEN
    expect(nag(app)).toEqual([]);
  });
});

describe('G14: Lake Formation locations allow sts:SetContext with trusted identity propagation (ERROR)', () => {
  const SERVICE_LINKED = 'the service-linked role cannot allow sts:SetContext';

  function studio(scope: Construct, trustedIdentityPropagationEnabled: boolean): emr.CfnStudio {
    return new emr.CfnStudio(scope, 'Studio', {
      name: 'analytics',
      authMode: 'IAM',
      defaultS3Location: 's3://studio-bucket/workspaces/',
      engineSecurityGroupId: 'sg-0123456789abcdef0',
      workspaceSecurityGroupId: 'sg-0123456789abcdef1',
      serviceRole: `arn:aws:iam::${ACCOUNT}:role/emr-studio`,
      subnetIds: ['subnet-0123456789abcdef0'],
      vpcId: 'vpc-0123456789abcdef0',
      idcInstanceArn: IDC_INSTANCE_ARN,
      trustedIdentityPropagationEnabled,
    });
  }

  const markers: Array<[string, (scope: Construct) => void]> = [
    ['an Access Grants instance with IdentityCenterArn', (scope) => new s3.CfnAccessGrantsInstance(scope, 'Grants', { identityCenterArn: IDC_INSTANCE_ARN })],
    ['an EMR Studio with TrustedIdentityPropagationEnabled', (scope) => studio(scope, true)],
    ['a Redshift IdC application', (scope) => idcApplication(scope, 'Idc', `arn:aws:iam::${ACCOUNT}:role/idc`)],
    ['a Custom::AthenaIdcWorkGroup', (scope) => athenaWorkGroup(scope, 'WorkGroup')],
    ['a Custom::LakeFormationIdentityCenter', (scope) => new CfnResource(scope, 'LfIdc', {
      type: 'Custom::LakeFormationIdentityCenter', properties: { ServiceToken: SERVICE_TOKEN, InstanceArn: IDC_INSTANCE_ARN },
    })],
  ];

  const serviceLinkedLocation = (scope: Construct) =>
    new lakeformation.CfnResource(scope, 'Location', { resourceArn: 'arn:aws:s3:::data-lake', useServiceLinkedRole: true });

  test.each<[string, (scope: Construct) => void]>([
    ['without any trusted identity propagation marker', () => undefined],
    ['with an Access Grants instance without IdentityCenterArn', (scope) => new s3.CfnAccessGrantsInstance(scope, 'Grants')],
    ['with an EMR Studio without trusted identity propagation', (scope) => studio(scope, false)],
  ])('is not applicable %s', (_name, build) => {
    // GIVEN
    const { app, stack } = newStack();
    serviceLinkedLocation(stack);
    build(stack);
    // THEN
    expect(nag(app)).toEqual([]);
  });

  test.each(markers)('fires for the service-linked role with %s in the app', (_name, marker) => {
    // GIVEN
    const { app, stack } = newStack();
    serviceLinkedLocation(stack);
    marker(stack);
    // THEN
    expect(nagRule(app, 'G14')).toEqual([error('/S/Location', 'G14', SERVICE_LINKED)]);
  });

  test('looks for the marker in the whole app, not only the location\'s stack', () => {
    // GIVEN
    const { app, stack } = newStack();
    serviceLinkedLocation(stack);
    new s3.CfnAccessGrantsInstance(new Stack(app, 'Identity', { env: TEST_ENV }), 'Grants', { identityCenterArn: IDC_INSTANCE_ARN });
    // THEN
    expect(nag(app)).toEqual([error('/S/Location', 'G14', SERVICE_LINKED)]);
  });

  test('fires without RoleArn even when UseServiceLinkedRole is false', () => {
    // GIVEN
    const { app, stack } = newStack();
    new lakeformation.CfnResource(stack, 'Location', { resourceArn: 'arn:aws:s3:::data-lake', useServiceLinkedRole: false });
    new s3.CfnAccessGrantsInstance(stack, 'Grants', { identityCenterArn: IDC_INSTANCE_ARN });
    // THEN
    expect(nag(app)).toEqual([error('/S/Location', 'G14', SERVICE_LINKED)]);
  });

  test.each<[string, unknown, string[]]>([
    ['without sts:SetContext', trust('lakeformation.amazonaws.com', 'sts:AssumeRole'), ['lakeformation.amazonaws.com:sts:SetContext']],
    ['trusted by another service', trust('glue.amazonaws.com', SET_CONTEXT), ['lakeformation.amazonaws.com:sts:AssumeRole', 'lakeformation.amazonaws.com:sts:SetContext']],
  ])('fires for a custom role %s', (_name, assume, expected) => {
    // GIVEN
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'LocationRole', assume);
    new lakeformation.CfnResource(stack, 'Location', { resourceArn: 'arn:aws:s3:::data-lake', useServiceLinkedRole: false, roleArn: role.attrArn });
    studio(stack, true);
    // THEN
    expect(nag(app)).toEqual(expected.map((finding) => error('/S/Location', 'G14', finding)));
  });

  test('stays quiet for a custom role trusted by lakeformation.amazonaws.com for sts:AssumeRole and sts:SetContext', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'LocationRole', trust('lakeformation.amazonaws.com', SET_CONTEXT));
    new lakeformation.CfnResource(stack, 'Location', { resourceArn: 'arn:aws:s3:::data-lake', useServiceLinkedRole: false, roleArn: role.attrArn });
    studio(stack, true);
    // THEN
    expect(nag(app)).toEqual([]);
  });
});

describe('G15: the S3 Access Grants location role trust (ERROR)', () => {
  function locationStack(actions: string[], identityCenterArn?: string) {
    const { app, stack } = newStack();
    new s3.CfnAccessGrantsInstance(stack, 'Grants', { identityCenterArn });
    const role = cfnRole(stack, 'LocationRole', trust('access-grants.s3.amazonaws.com', actions));
    new s3.CfnAccessGrantsLocation(stack, 'Location', { iamRoleArn: role.attrArn, locationScope: 's3://results-bucket/' });
    return app;
  }

  test('fires without sts:SetSourceIdentity', () => {
    expect(nag(locationStack(['sts:AssumeRole']))).toEqual([error('/S/Location', 'G15', 'access-grants.s3.amazonaws.com:sts:SetSourceIdentity')]);
  });

  test('stays quiet with sts:AssumeRole and sts:SetSourceIdentity when no instance has IdentityCenterArn', () => {
    expect(nag(locationStack(['sts:AssumeRole', 'sts:SetSourceIdentity']))).toEqual([]);
  });

  test('requires sts:SetContext when an Access Grants instance of the app has IdentityCenterArn', () => {
    expect(nag(locationStack(['sts:AssumeRole', 'sts:SetSourceIdentity'], IDC_INSTANCE_ARN)))
      .toEqual([error('/S/Location', 'G15', 'access-grants.s3.amazonaws.com:sts:SetContext')]);
  });

  test('stays quiet with all three actions and IAM Identity Center', () => {
    expect(nag(locationStack(['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:SetContext'], IDC_INSTANCE_ARN))).toEqual([]);
  });

  test('lists every missing action for a role trusted by another service', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'LocationRole', trust('s3.amazonaws.com', ['sts:AssumeRole', 'sts:SetSourceIdentity']));
    new s3.CfnAccessGrantsLocation(stack, 'Location', { iamRoleArn: role.attrArn, locationScope: 's3://' });
    // THEN
    expect(nag(app)).toEqual([
      error('/S/Location', 'G15', 'access-grants.s3.amazonaws.com:sts:AssumeRole'),
      error('/S/Location', 'G15', 'access-grants.s3.amazonaws.com:sts:SetSourceIdentity'),
    ]);
  });
});

describe('G16: an access grant\'s scope matches keys (ERROR)', () => {
  function grantStack(subPrefix?: string, s3PrefixType?: string) {
    const { app, stack } = newStack();
    new s3.CfnAccessGrant(stack, 'Grant', {
      accessGrantsLocationId: 'default',
      grantee: { granteeType: 'IAM', granteeIdentifier: `arn:aws:iam::${ACCOUNT}:role/analyst` },
      permission: 'READWRITE',
      accessGrantsLocationConfiguration: subPrefix === undefined ? undefined : { s3SubPrefix: subPrefix },
      s3PrefixType,
    });
    return app;
  }

  test.each<[string | undefined, string | undefined, string]>([
    ['results/', undefined, 'S3SubPrefix "results/" without "*"'],
    ['athena/results', undefined, 'S3SubPrefix "athena/results" without "*"'],
    ['results/', 'Object', 'S3PrefixType Object on "results/"'],
    ['results/*', 'Object', 'S3PrefixType Object on "results/*"'],
    [undefined, 'Object', 'S3PrefixType Object on the whole location'],
  ])('S3SubPrefix %p with S3PrefixType %p fires', (subPrefix, type, expected) => {
    expect(nag(grantStack(subPrefix, type))).toEqual([error('/S/Grant', 'G16', expected)]);
  });

  test.each<[string | undefined, string | undefined]>([
    ['results/*', undefined],
    ['*', undefined],
    ['results/report.csv', 'Object'],
    [undefined, undefined],
  ])('S3SubPrefix %p with S3PrefixType %p stays quiet', (subPrefix, type) => {
    expect(nag(grantStack(subPrefix, type))).toEqual([]);
  });
});

describe('G17: the IdC Athena workgroup execution role trusts Athena with sts:SetContext (ERROR)', () => {
  function workGroupStack(assume: unknown) {
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'ExecutionRole', assume);
    athenaWorkGroup(stack, 'WorkGroup', role.attrArn);
    return app;
  }

  test('fires without sts:SetContext', () => {
    expect(nag(workGroupStack(trust('athena.amazonaws.com', 'sts:AssumeRole')))).toEqual([error('/S/WorkGroup', 'G17', 'athena.amazonaws.com:sts:SetContext')]);
  });

  test('fires with both findings for a role trusted by another service', () => {
    expect(nag(workGroupStack(trust('glue.amazonaws.com', SET_CONTEXT)))).toEqual([
      error('/S/WorkGroup', 'G17', 'athena.amazonaws.com:sts:AssumeRole'),
      error('/S/WorkGroup', 'G17', 'athena.amazonaws.com:sts:SetContext'),
    ]);
  });

  test.each<[string, unknown]>([
    ['sts:AssumeRole and sts:SetContext', trust('athena.amazonaws.com', SET_CONTEXT)],
    ['sts:*', trust('athena.amazonaws.com', 'sts:*')],
  ])('stays quiet with %s', (_name, assume) => {
    expect(nag(workGroupStack(assume))).toEqual([]);
  });

  test('is not applicable to a role outside the stack', () => {
    // GIVEN
    const { app, stack } = newStack();
    athenaWorkGroup(stack, 'WorkGroup', `arn:aws:iam::${ACCOUNT}:role/athena-execution`);
    // THEN
    expect(nag(app)).toEqual([]);
  });
});

describe('G19: IAM document size quotas (ERROR)', () => {
  /** A trust policy for `count` role ARNs. */
  const roleTrust = (count: number) =>
    policy({ Effect: 'Allow', Principal: { AWS: roleArns(count, 'analytics-data-consumer-role') }, Action: 'sts:AssumeRole' });
  /** A policy document of about `count` times 60 characters. */
  const bigDocument = (count: number) =>
    policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: count }, (_, i) => `arn:aws:s3:::analytics-landing-zone-bucket/prefix-${i}/*`) });
  const size = (document: unknown) => JSON.stringify(document).length;

  test('fires for a trust policy over 2,048 characters (40 trusted role ARNs)', () => {
    // GIVEN
    const { app, stack } = newStack();
    const assume = roleTrust(40);
    cfnRole(stack, 'Role', assume);
    // THEN
    expect(size(assume)).toBeGreaterThan(2048);
    expect(nag(app)).toEqual([error('/S/Role', 'G19', `trust policy about ${size(assume)} characters > 2048`)]);
  });

  test('fires for inline policies over 10,240 characters in total, counting AWS::IAM::Policy resources attached to the role', () => {
    // GIVEN
    const { app, stack } = newStack();
    const inline = bigDocument(90);
    const attached = bigDocument(90);
    const role = cfnRole(stack, 'Role', trust('lambda.amazonaws.com', 'sts:AssumeRole'), { policies: [{ policyName: 'inline', policyDocument: inline }] });
    new iam.CfnPolicy(stack, 'Attached', { policyName: 'attached', roles: [role.ref], policyDocument: attached });
    // THEN
    expect(size(inline)).toBeLessThan(10240);
    expect(nag(app)).toEqual([error('/S/Role', 'G19', `inline policies about ${size(inline) + size(attached)} characters > 10240`)]);
  });

  test('fires for a managed policy over 6,144 characters', () => {
    // GIVEN
    const { app, stack } = newStack();
    const document = bigDocument(110);
    new iam.CfnManagedPolicy(stack, 'Managed', { policyDocument: document });
    // THEN
    expect(nag(app)).toEqual([error('/S/Managed', 'G19', `managed policy about ${size(document)} characters > 6144`)]);
  });

  test('reports trust and inline sizes as separate findings', () => {
    // GIVEN
    const { app, stack } = newStack();
    const assume = roleTrust(40);
    const inline = bigDocument(200);
    cfnRole(stack, 'Role', assume, { policies: [{ policyName: 'inline', policyDocument: inline }] });
    // THEN
    expect(nag(app)).toEqual([
      error('/S/Role', 'G19', `trust policy about ${size(assume)} characters > 2048`),
      error('/S/Role', 'G19', `inline policies about ${size(inline)} characters > 10240`),
    ]);
  });

  test('stays quiet under every quota; a managed policy does not count as inline', () => {
    // GIVEN
    const { app, stack } = newStack();
    const managedDocument = bigDocument(90);
    const managed = new iam.CfnManagedPolicy(stack, 'Managed', { policyDocument: managedDocument });
    const inline = bigDocument(90);
    cfnRole(stack, 'Role', roleTrust(20), { policies: [{ policyName: 'inline', policyDocument: inline }], managedPolicyArns: [managed.ref] });
    // An AWS::IAM::Policy of another role does not count either.
    const other = cfnRole(stack, 'Other', trust('lambda.amazonaws.com', 'sts:AssumeRole'));
    new iam.CfnPolicy(stack, 'OtherPolicy', { policyName: 'other', roles: [other.ref], policyDocument: bigDocument(90) });
    // THEN
    expect(size(roleTrust(20))).toBeLessThan(2048);
    expect(size(managedDocument)).toBeLessThan(6144);
    expect(size(inline) + size(managedDocument)).toBeGreaterThan(10240);
    expect(nag(app)).toEqual([]);
  });
});

describe('G21: no AWS-managed *FullAccess or AdministratorAccess policy (ERROR)', () => {
  const holders: Array<[string, (stack: Stack, arns: string[]) => void]> = [
    ['role', (stack, arns) => cfnRole(stack, 'Holder', trust('lambda.amazonaws.com', 'sts:AssumeRole'), { managedPolicyArns: arns })],
    ['user', (stack, arns) => new iam.CfnUser(stack, 'Holder', { managedPolicyArns: arns })],
    ['group', (stack, arns) => new iam.CfnGroup(stack, 'Holder', { managedPolicyArns: arns })],
    ['SSO permission set', (stack, arns) => new sso.CfnPermissionSet(stack, 'Holder', { instanceArn: IDC_INSTANCE_ARN, name: 'analysts', managedPolicies: arns })],
  ];

  test.each(holders)('fires on a %s for AmazonRedshiftFullAccess, AdministratorAccess and a service-role/...FullAccess path', (_name, build) => {
    // GIVEN
    const { app, stack } = newStack();
    build(stack, [
      'arn:aws:iam::aws:policy/AmazonRedshiftFullAccess',
      'arn:aws:iam::aws:policy/AmazonRedshiftQueryEditorV2ReadSharing',
      'arn:aws:iam::aws:policy/AdministratorAccess',
      'arn:aws:iam::aws:policy/service-role/AmazonEMRFullAccessPolicy_v2',
    ]);
    // THEN
    expect(nag(app)).toEqual([
      error('/S/Holder', 'G21', 'AmazonRedshiftFullAccess'),
      error('/S/Holder', 'G21', 'AdministratorAccess'),
      error('/S/Holder', 'G21', 'AmazonEMRFullAccessPolicy_v2'),
    ]);
  });

  test.each(holders)('stays quiet on a %s for AmazonRedshiftQueryEditorV2ReadSharing, read-only and customer-managed policies', (_name, build) => {
    // GIVEN
    const { app, stack } = newStack();
    build(stack, [
      'arn:aws:iam::aws:policy/AmazonRedshiftQueryEditorV2ReadSharing',
      'arn:aws:iam::aws:policy/AmazonRedshiftReadOnlyAccess',
      `arn:aws:iam::${ACCOUNT}:policy/TeamFullAccess`,
    ]);
    // THEN
    expect(nag(app)).toEqual([]);
  });

  test('fires for an L2 role with ManagedPolicy.fromAwsManagedPolicyName (partition token), on its CfnRole', () => {
    // GIVEN
    const { app, stack } = newStack();
    new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonRedshiftFullAccess')],
    });
    // THEN
    expect(nag(app)).toEqual([error('/S/Role/Resource', 'G21', 'AmazonRedshiftFullAccess')]);
  });
});

describe('cdk-nag suppressions', () => {
  function adminRole(stack: Stack): iam.CfnRole {
    return cfnRole(stack, 'Role', trust('lambda.amazonaws.com', 'sts:AssumeRole'), {
      managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/AmazonRedshiftFullAccess'],
    });
  }

  test('NagSuppressions.addResourceSuppressions with AnalyticsAccess-G21 silences the rule', () => {
    // GIVEN
    const { app, stack } = newStack();
    NagSuppressions.addResourceSuppressions(adminRole(stack), [{ id: 'AnalyticsAccess-G21', reason: 'Break-glass role, reviewed by the security team.' }]);
    // THEN
    expect(nag(app)).toEqual([]);
  });

  test('a suppression with appliesTo silences only that finding', () => {
    // GIVEN
    const { app, stack } = newStack();
    NagSuppressions.addResourceSuppressions(adminRole(stack), [{
      id: 'AnalyticsAccess-G21', reason: 'Break-glass role, reviewed by the security team.', appliesTo: ['AdministratorAccess'],
    }]);
    // THEN
    expect(nag(app)).toEqual([error('/S/Role', 'G21', 'AmazonRedshiftFullAccess')]);
  });

  test('a suppression of another rule does not silence G21; stack suppressions do', () => {
    // GIVEN
    const first = newStack();
    NagSuppressions.addResourceSuppressions(adminRole(first.stack), [{ id: 'AnalyticsAccess-G19', reason: 'Not the rule that fires here at all.' }]);
    const second = newStack();
    adminRole(second.stack);
    NagSuppressions.addStackSuppressions(second.stack, [{ id: 'AnalyticsAccess-G21', reason: 'Sandbox account, no production data.' }]);
    // THEN
    expect(nag(first.app)).toEqual([error('/S/Role', 'G21', 'AdministratorAccess'), error('/S/Role', 'G21', 'AmazonRedshiftFullAccess')]);
    expect(nag(second.app)).toEqual([]);
  });
});

describe('the pack', () => {
  test('applies its rules to CloudFormation resources only', () => {
    // GIVEN
    const { stack } = newStack();
    const pack = new AnalyticsAccessChecks();
    const applyRule = jest.spyOn(pack as any, 'applyRule');
    const l2 = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    // WHEN
    for (const construct of [
      stack,
      new Construct(stack, 'Plain'),
      l2,
      new CfnOutput(stack, 'Output', { value: 'x' }),
      new CfnParameter(stack, 'Parameter'),
      new CfnCondition(stack, 'Condition', { expression: Fn.conditionEquals('a', 'b') }),
    ]) {
      pack.visit(construct);
    }
    // THEN
    expect(applyRule).not.toHaveBeenCalled();
    // WHEN
    pack.visit(l2.node.defaultChild!);
    // THEN: the 14 rules, G1 to G21.
    expect(applyRule.mock.calls.map(([params]) => (params as { ruleSuffixOverride: string }).ruleSuffixOverride))
      .toEqual(['G1', 'G5', 'G7', 'G8', 'G9', 'G10', 'G12', 'G13', 'G14', 'G15', 'G16', 'G17', 'G19', 'G21']);
  });

  test('annotates the resource with the rule id, finding id and the fix', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = cfnRole(stack, 'Role', trust('athena.amazonaws.com', 'sts:AssumeRole'));
    athenaWorkGroup(stack, 'WorkGroup', role.attrArn);
    Aspects.of(app).add(new AnalyticsAccessChecks());
    // WHEN
    const errors = Annotations.fromStack(stack).findError('/S/WorkGroup', Match.stringLikeRegexp('AnalyticsAccess-.*'));
    // THEN
    expect(errors.map((e) => e.entry.data)).toEqual([
      'AnalyticsAccess-G17[athena.amazonaws.com:sts:SetContext]: The IdC Athena workgroup\'s execution role does not let athena.amazonaws.com '
      + 'call sts:AssumeRole and sts:SetContext: add both to its trust policy.\n',
    ]);
  });

  test('reads resources as rendered, with property overrides and deletions', () => {
    // GIVEN
    const { app, stack } = newStack();
    const [listed, other] = roleArns(2);
    const ns = namespace(stack, 'Namespace', { iamRoles: [listed], defaultIamRoleArn: listed });
    ns.addPropertyOverride('DefaultIamRoleArn', other);
    // Without IamRoleArn (deleted), G1 and G5 are not applicable.
    idcApplication(stack, 'Idc', `arn:aws:iam::${ACCOUNT}:role/not-associated`).addPropertyDeletionOverride('IamRoleArn');
    // THEN
    expect(nag(app)).toEqual([error('/S/Namespace', 'G7')]);
  });

  test('stays quiet on an app with parameters, outputs, conditions and resources no rule reads', () => {
    // GIVEN
    const { app, stack } = newStack();
    new CfnParameter(stack, 'Bucket');
    new CfnOutput(stack, 'Output', { value: 'x' });
    new CfnCondition(stack, 'Condition', { expression: Fn.conditionEquals('a', 'b') });
    new s3.CfnBucket(stack, 'Data');
    new CfnResource(stack, 'Custom', { type: 'Custom::Other', properties: { ServiceToken: SERVICE_TOKEN } });
    // THEN
    expect(nag(app)).toEqual([]);
  });
});

describe('example apps', () => {
  // Each example with the rules that find something to check in it (cdk-nag's report says
  // "Compliant"), so that no finding is not merely every rule being not applicable.
  const examples: Array<[string, (app: App) => Stack[], string[]]> = [
    ['analytics-access-checks', buildAnalyticsAccessChecksApp, ['G15', 'G16']],
    ['athena-tip', buildAthenaTipApp, ['G14', 'G15', 'G16', 'G17']],
    ['copy-unload', buildCopyUnloadApp, ['G7', 'G9']],
    ['cross-account-data-api', buildCrossAccountDataApiApp, ['G10', 'G19', 'G21']],
    ['redshift-idc', buildRedshiftIdcApp, ['G1', 'G5', 'G8', 'G9']],
    ['scheduled-query', buildScheduledQueryApp, ['G12']],
  ];

  /** The rules that cdk-nag's reports (written next to the templates) list as Compliant. */
  function compliantRules(app: App): Set<string> {
    const rules = new Set<string>();
    for (const file of fs.readdirSync(app.outdir).filter((f) => /^AnalyticsAccess-.*NagReport\.csv$/.test(f))) {
      for (const match of fs.readFileSync(join(app.outdir, file), 'utf8').matchAll(/^"AnalyticsAccess-(G\d+)","[^"]*","Compliant"/gm)) {
        rules.add(match[1]);
      }
    }
    return rules;
  }

  test.each(examples)('%s has no AnalyticsAccess finding', (_name, build, checked) => {
    // GIVEN
    const app = new App();
    const stacks = build(app);
    // WHEN
    const findings = nag(app);
    // THEN
    expect(stacks.length).toBeGreaterThan(0);
    expect(findings).toEqual([]);
    expect([...compliantRules(app)]).toEqual(expect.arrayContaining(checked));
  });
});
