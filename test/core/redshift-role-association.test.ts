import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RedshiftRoleAssociation, RedshiftTarget } from '../../src';
import { AccessMatrix } from '../access-matrix';

const env = { account: '111111111111', region: 'us-east-1' };
const NS_ID = '11111111-2222-3333-4444-555555555555';
const WG_ID = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

function newStack(): Stack {
  return new Stack(new App(), 'S', { env });
}

function role(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com') });
}

describe('RedshiftRoleAssociation in the app', () => {
  test('merges roles into a CfnNamespace role list, keeping the roles the user listed, and sets the default', () => {
    // GIVEN a namespace that already lists a role of the user
    const stack = newStack();
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales', iamRoles: ['arn:aws:iam::111111111111:role/user-role'] });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
    const target = RedshiftTarget.serverless({ namespace, workgroup });

    // WHEN two constructs associate a role each, one as default
    const a = role(stack, 'A');
    const b = role(stack, 'B');
    expect(RedshiftRoleAssociation.associate(stack, target, a)).toBeUndefined();
    RedshiftRoleAssociation.associate(stack, target, b, { isDefault: true });
    RedshiftRoleAssociation.associate(stack, target, b);

    // THEN the list keeps the user's role and holds each role once, default included (G7, G8)
    Template.fromStack(stack).hasResourceProperties('AWS::RedshiftServerless::Namespace', {
      IamRoles: ['arn:aws:iam::111111111111:role/user-role', { 'Fn::GetAtt': [stack.getLogicalId(a.node.defaultChild as any), 'Arn'] }, { 'Fn::GetAtt': [stack.getLogicalId(b.node.defaultChild as any), 'Arn'] }],
      DefaultIamRoleArn: { 'Fn::GetAtt': [stack.getLogicalId(b.node.defaultChild as any), 'Arn'] },
    });
    expect(Template.fromStack(stack).findResources('Custom::RedshiftRoleAssociation')).toEqual({});
  });

  test('a default role the user set is added to the list (G7)', () => {
    const stack = newStack();
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales', defaultIamRoleArn: 'arn:aws:iam::111111111111:role/d' });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
    RedshiftRoleAssociation.associate(stack, RedshiftTarget.serverless({ namespace, workgroup }), role(stack, 'A'));
    const ns = Template.fromStack(stack).findResources('AWS::RedshiftServerless::Namespace').Ns.Properties;
    expect(ns.IamRoles).toContain('arn:aws:iam::111111111111:role/d');
    expect(ns.DefaultIamRoleArn).toBe('arn:aws:iam::111111111111:role/d');
  });

  test('merges roles into a CfnCluster role list', () => {
    const stack = newStack();
    const cluster = new redshift.CfnCluster(stack, 'C', {
      clusterType: 'single-node',
      dbName: 'dev',
      masterUsername: 'admin',
      nodeType: 'ra3.large',
      manageMasterPassword: true,
      iamRoles: ['arn:aws:iam::111111111111:role/user-role'],
    });
    RedshiftRoleAssociation.associate(stack, RedshiftTarget.provisioned({ cluster }), role(stack, 'A'));
    Template.fromStack(stack).hasResourceProperties('AWS::Redshift::Cluster', {
      IamRoles: ['arn:aws:iam::111111111111:role/user-role', { 'Fn::GetAtt': [Match.stringLikeRegexp('^A'), 'Arn'] }],
    });
  });

  test('fails when a second, different default role is requested', () => {
    const stack = newStack();
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales' });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
    const target = RedshiftTarget.serverless({ namespace, workgroup });
    RedshiftRoleAssociation.associate(stack, target, role(stack, 'A'), { isDefault: true });
    expect(() => RedshiftRoleAssociation.associate(stack, target, role(stack, 'B'), { isDefault: true }))
      .toThrow(/isDefault: true is not valid\. Serverless workgroup S\/Wg already has a default IAM role/);
  });

  test('fails when a default role is requested for a CfnCluster (no such CloudFormation property)', () => {
    const stack = newStack();
    const cluster = new redshift.CfnCluster(stack, 'C', { clusterType: 'single-node', dbName: 'dev', masterUsername: 'admin', nodeType: 'ra3.large', manageMasterPassword: true });
    expect(() => RedshiftRoleAssociation.associate(stack, RedshiftTarget.provisioned({ cluster }), role(stack, 'A'), { isDefault: true }))
      .toThrow(/AWS::Redshift::Cluster has no default-IAM-role property/);
  });

  test('fails at synth when iamRoles is replaced after roles were associated (would drop them silently)', () => {
    const stack = newStack();
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales' });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
    RedshiftRoleAssociation.associate(stack, RedshiftTarget.serverless({ namespace, workgroup }), role(stack, 'A'));
    namespace.iamRoles = ['arn:aws:iam::111111111111:role/other'];
    expect(() => Template.fromStack(stack)).toThrow(/iamRoles was replaced after roles were associated/);
  });

  test('fails at synth when more than 50 roles are associated (G9), warns above 10', () => {
    const stack = newStack();
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales' });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
    const target = RedshiftTarget.serverless({ namespace, workgroup });
    for (let i = 0; i < 11; i++) {
      RedshiftRoleAssociation.associate(stack, target, role(stack, `R${i}`));
    }
    Annotations.fromStack(stack).hasWarning('/S/Ns', Match.stringLikeRegexp('11 IAM roles are associated.*some Regions allow only 10'));

    const big = newStack();
    const ns2 = new rs.CfnNamespace(big, 'Ns', { namespaceName: 'sales' });
    const wg2 = new rs.CfnWorkgroup(big, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
    const target2 = RedshiftTarget.serverless({ namespace: ns2, workgroup: wg2 });
    for (let i = 0; i < 51; i++) {
      RedshiftRoleAssociation.associate(big, target2, role(big, `R${i}`));
    }
    expect(() => Template.fromStack(big)).toThrow(/51 IAM roles are associated with .* the quota is 50/);
  });
});

describe('RedshiftRoleAssociation for an imported warehouse', () => {
  test('one custom resource per stack and namespace owns the roles; one handler per stack', () => {
    // GIVEN an imported namespace and two roles, plus an imported cluster
    const stack = newStack();
    const ns = RedshiftTarget.fromServerlessAttributes({ namespaceName: 'sales', namespaceId: NS_ID, workgroupName: 'sales-wg', workgroupId: WG_ID });
    const cluster = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });

    // WHEN
    const first = RedshiftRoleAssociation.associate(stack, ns, role(stack, 'A'), { isDefault: true, waitTimeout: Duration.minutes(12) });
    const second = RedshiftRoleAssociation.associate(stack, ns, role(stack, 'B'));
    RedshiftRoleAssociation.associate(stack, cluster, role(stack, 'C'));

    // THEN
    expect(first).toBe(second);
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::RedshiftRoleAssociation', 2);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('Custom::RedshiftRoleAssociation', {
      TargetType: 'namespace',
      TargetName: 'sales',
      RoleArns: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^A'), 'Arn'] }, { 'Fn::GetAtt': [Match.stringLikeRegexp('^B'), 'Arn'] }],
      DefaultRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^A'), 'Arn'] },
      WaitTimeoutSeconds: '720',
    });
    template.hasResourceProperties('Custom::RedshiftRoleAssociation', {
      TargetType: 'cluster', TargetName: 'analytics', DefaultRoleArn: Match.absent(), WaitTimeoutSeconds: '600',
    });
  });

  test('the handler may change only these warehouses and pass only these roles', () => {
    const stack = newStack();
    const ns = RedshiftTarget.fromServerlessAttributes({ namespaceName: 'sales', namespaceId: NS_ID, workgroupName: 'sales-wg', workgroupId: WG_ID });
    RedshiftRoleAssociation.associate(stack, ns, role(stack, 'A'));
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const roleA = stack.getLogicalId(stack.node.findChild('A').node.defaultChild as any);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['redshift-serverless:GetNamespace', 'redshift-serverless:UpdateNamespace'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift-serverless:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:namespace/${NS_ID}`]] },
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'iam:PassRole', Resource: [{ 'Fn::GetAtt': [roleA, 'Arn'] }] });
    expect(statements.filter((s: any) => JSON.stringify(s.Resource) === '"*"')).toEqual([]);
  });

  test('N imported warehouses share the handler\'s statements: one per warehouse kind and one PassRole (G19: no inline policy per warehouse)', () => {
    // GIVEN
    const stack = newStack();

    // WHEN forty clusters, two of them sharing one role, and a namespace
    const shared = role(stack, 'Shared');
    for (let i = 0; i < 40; i++) {
      RedshiftRoleAssociation.associate(stack, RedshiftTarget.fromClusterAttributes({ clusterIdentifier: `c${i}` }), i < 2 ? shared : role(stack, `R${i}`));
    }
    const ns = RedshiftTarget.fromServerlessAttributes({ namespaceName: 'sales', namespaceId: NS_ID, workgroupName: 'sales-wg', workgroupId: WG_ID });
    RedshiftRoleAssociation.associate(stack, ns, role(stack, 'A'));

    // THEN
    const policies = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const of = (action: string) => statements.filter((s) => ([] as string[]).concat(s.Action).includes(action));
    expect(of('redshift:ModifyClusterIamRoles')).toHaveLength(1);
    expect(of('redshift:ModifyClusterIamRoles')[0].Resource).toHaveLength(40);
    expect(of('redshift-serverless:UpdateNamespace')).toHaveLength(1);
    expect(of('iam:PassRole')).toHaveLength(1);
    expect(of('iam:PassRole')[0].Resource).toHaveLength(40);
    const inline = policies.map((p) => JSON.stringify(p.Properties.PolicyDocument).replace(/\s/g, '').length).reduce((a, b) => a + b, 0);
    expect(inline).toBeLessThan(10_240);
  });

  test('so many imported warehouses in one stack that the handler\'s inline policies would exceed 10,240 characters fail at synth (G19)', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    for (let i = 0; i < 100; i++) {
      RedshiftRoleAssociation.associate(stack, RedshiftTarget.fromClusterAttributes({ clusterIdentifier: `cluster-${i}` }), role(stack, `R${i}`));
    }

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(new RegExp('\\[S/CdkAnalyticsAccessRoleAssociationProvider/Role\\] the custom-resource handler \\(associate IAM roles with Redshift clusters '
      + 'and Serverless namespaces\\): the role\'s inline policies are about \\d+ characters; IAM allows 10240 per role \\(not counting whitespace; gotcha G19\\)\\. Each warehouse adds its ARN and the ARNs '
      + 'of its roles to the handler\'s policy: associate the roles of some warehouses from another stack\\.'));
  });

  test('the roles quota message names the construct path once (CDK adds it)', () => {
    const stack = newStack();
    const cluster = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });
    for (let i = 0; i < 51; i++) {
      RedshiftRoleAssociation.associate(stack, cluster, role(stack, `R${i}`));
    }
    expect(() => Template.fromStack(stack)).toThrow(/^(?![\s\S]*\[S\/RoleAssociation[^\]]*\][\s\S]*\[S\/RoleAssociation)[\s\S]*\] 51 IAM roles are associated with cluster analytics; the quota is 50 per cluster or namespace \(and 10 in some Regions; gotcha G9\)/);
  });

  test('fails when an imported namespace has no namespace id (its ARN is needed to scope the handler)', () => {
    const stack = newStack();
    const ns = RedshiftTarget.fromServerlessAttributes({ namespaceName: 'sales', workgroupName: 'sales-wg', workgroupId: WG_ID });
    expect(() => RedshiftRoleAssociation.associate(stack, ns, role(stack, 'A'))).toThrow(/needs its namespace id: pass `namespaceId`/);
  });

  test('fails when the wait timeout is beyond what a Lambda can answer within', () => {
    const stack = newStack();
    const cluster = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });
    expect(() => RedshiftRoleAssociation.associate(stack, cluster, role(stack, 'A'), { waitTimeout: Duration.minutes(20) }))
      .toThrow(/waitTimeout: "1200 seconds" is not valid\. Use between 1 and 14 minutes/);
  });
});

describe('RedshiftRoleAssociation and cdk-nag', () => {
  test('the handler stack has no unsuppressed AwsSolutions finding', () => {
    // GIVEN an imported cluster and namespace with roles associated
    const app = new App();
    const stack = new Stack(app, 'S', { env });
    RedshiftRoleAssociation.associate(stack, RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' }), role(stack, 'A'));
    RedshiftRoleAssociation.associate(stack, RedshiftTarget.fromServerlessAttributes({
      namespaceName: 'sales', namespaceId: NS_ID, workgroupName: 'sales-wg', workgroupId: WG_ID,
    }), role(stack, 'B'));
    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();
    // THEN
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map(f => `${f.id}: ${String(f.entry.data).slice(0, 120)}`);
    expect(findings).toEqual([]);
  });
});

describe('RedshiftRoleAssociation handler access matrix', () => {
  test('the handler changes only the associated warehouses and passes only the owned roles', async () => {
    // GIVEN
    const stack = newStack();
    const ns = RedshiftTarget.fromServerlessAttributes({
      namespaceName: 'sales', namespaceId: NS_ID, workgroupName: 'sales-wg', workgroupId: WG_ID, account: '111111111111', region: 'us-east-1',
    });
    const cluster = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: '111111111111', region: 'us-east-1' });
    const a = role(stack, 'A');
    RedshiftRoleAssociation.associate(stack, ns, a);
    RedshiftRoleAssociation.associate(stack, cluster, role(stack, 'B'));
    const m = AccessMatrix.fromStack(stack);
    const handlerRole = stack.node.findChild('CdkAnalyticsAccessRoleAssociationProvider').node.findChild('Role');
    const namespaceArn = (id: string) => `arn:aws:redshift-serverless:us-east-1:111111111111:namespace/${id}`;

    // THEN
    await m.expectMatrix([
      { description: 'update the namespace', kind: 'identity', principal: handlerRole, action: 'redshift-serverless:UpdateNamespace', resource: namespaceArn(NS_ID), expect: 'Allowed' },
      { description: 'not another namespace', kind: 'identity', principal: handlerRole, action: 'redshift-serverless:UpdateNamespace', resource: namespaceArn('99999999-2222-3333-4444-555555555555'), expect: 'Denied' },
      { description: 'no namespace deletion', kind: 'identity', principal: handlerRole, action: 'redshift-serverless:DeleteNamespace', resource: namespaceArn(NS_ID), expect: 'Denied' },
      { description: 'modify the cluster roles', kind: 'identity', principal: handlerRole, action: 'redshift:ModifyClusterIamRoles', resource: 'arn:aws:redshift:us-east-1:111111111111:cluster:analytics', expect: 'Allowed' },
      { description: 'not another cluster', kind: 'identity', principal: handlerRole, action: 'redshift:ModifyClusterIamRoles', resource: 'arn:aws:redshift:us-east-1:111111111111:cluster:other', expect: 'Denied' },
      { description: 'pass an owned role', kind: 'identity', principal: handlerRole, action: 'iam:PassRole', resource: m.roleArn(a), expect: 'Allowed' },
      { description: 'not an arbitrary role', kind: 'identity', principal: handlerRole, action: 'iam:PassRole', resource: 'arn:aws:iam::111111111111:role/admin', expect: 'Denied' },
      { description: 'only Lambda runs as the handler', kind: 'assume', principal: 'lambda.amazonaws.com', action: 'sts:AssumeRole', resource: handlerRole, expect: 'Allowed' },
      { description: 'not Redshift', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: handlerRole, expect: 'Denied' },
    ]);
  });
});
