import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  DataApiAuth,
  DatabaseGrant,
  IdcApplicationType,
  IdcServiceIntegration,
  QueryEditorV2PermissionSet,
  RedshiftIdcApplication,
  RedshiftIdcApplicationProps,
  RedshiftRoleAssociation,
  RedshiftTarget,
} from '../../src';

const env = { account: '111111111111', region: 'us-east-1' };
const INSTANCE = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const GROUP_ID = '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';
const OTHER_GROUP_ID = 'a1b2c3d4-5f60-7182-93a4-b5c6d7e8f901';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:admin-AbCdEf';

function serverlessStack() {
  const stack = new Stack(new App(), 'Stack', { env });
  const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'analytics' });
  const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'analytics-wg', namespaceName: 'analytics' });
  const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);
  return { stack, namespace, workgroup, target: RedshiftTarget.serverless({ namespace, workgroup }), auth: DataApiAuth.secret(secret) };
}

function clusterStack() {
  const stack = new Stack(new App(), 'Stack', { env });
  const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);
  return { stack, target: RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'reporting' }), auth: DataApiAuth.secret(secret) };
}

function sqlResources(stack: Stack): Record<string, any> {
  return Template.fromStack(stack).findResources('Custom::RedshiftSql');
}

function statementsOf(resource: any): string[] {
  return resource.Properties.Statements.map((s: unknown) => JSON.stringify(s));
}

describe('RedshiftIdcApplication', () => {
  test('creates a dedicated role trusted by Redshift and Redshift Serverless with AssumeRole and SetContext (G5)', () => {
    // GIVEN
    const { stack, target, auth } = serverlessStack();
    // WHEN
    new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, sqlAuth: auth });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: ['sts:AssumeRole', 'sts:SetContext'], Effect: 'Allow', Principal: { Service: 'redshift.amazonaws.com' } },
          { Action: ['sts:AssumeRole', 'sts:SetContext'], Effect: 'Allow', Principal: { Service: 'redshift-serverless.amazonaws.com' } },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['sso:DescribeApplication', 'sso:DescribeInstance'],
          Effect: 'Allow',
          Resource: [INSTANCE, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/*']] }],
        }]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^IdcRole') }],
    });
  });

  test('creates the Redshift IdC application with the documented defaults', () => {
    const { stack, target, auth } = serverlessStack();
    new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, sqlAuth: auth, applicationName: 'analytics-idc' });
    Template.fromStack(stack).hasResourceProperties('AWS::Redshift::RedshiftIdcApplication', {
      RedshiftIdcApplicationName: 'analytics-idc',
      IdcDisplayName: 'analytics-idc',
      IdcInstanceArn: INSTANCE,
      IdentityNamespace: 'AWSIDC',
      ApplicationType: 'None',
      IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IdcRole'), 'Arn'] },
      ServiceIntegrations: Match.absent(),
    });
  });

  test('default application name is deterministic and valid', () => {
    const names = [0, 1].map(() => {
      const { stack, target, auth } = serverlessStack();
      new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, sqlAuth: auth });
      return Object.values(Template.fromStack(stack).findResources('AWS::Redshift::RedshiftIdcApplication'))[0].Properties.RedshiftIdcApplicationName;
    });
    expect(names[0]).toEqual(names[1]);
    expect(names[0]).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  test('Serverless namespace in the app: role in iamRoles and redshiftIdcApplicationArn, no identity-provider SQL (G1)', () => {
    const { stack, target } = serverlessStack();
    new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::RedshiftServerless::Namespace', {
      IamRoles: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^IdcRole'), 'Arn'] }],
      RedshiftIdcApplicationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Idc'), 'RedshiftIdcApplicationArn'] },
    });
    template.resourceCountIs('Custom::RedshiftSql', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    const infos = Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('only when the namespace is created'));
    expect(infos).toHaveLength(1);
  });

  test('Serverless namespace in the app with createIdentityProvider: SQL after the namespace, the property unset', () => {
    const { stack, target, auth } = serverlessStack();
    new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, sqlAuth: auth, createIdentityProvider: true, applicationName: 'analytics' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::RedshiftServerless::Namespace', { RedshiftIdcApplicationArn: Match.absent() });
    const [id, provider] = Object.entries(sqlResources(stack))[0];
    expect(id).toMatch(/^IdcIdentityProvider/);
    expect(provider.DependsOn).toEqual(expect.arrayContaining(['Ns', 'Wg']));
  });

  test('imported cluster: role association custom resource, then CREATE IDENTITY PROVIDER with the IdC-managed application ARN (G1)', () => {
    // GIVEN
    const { stack, target, auth } = clusterStack();
    // WHEN
    new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, sqlAuth: auth, identityProviderName: 'RedshiftQueryEditor' });
    // THEN
    const template = Template.fromStack(stack);
    const associations = template.findResources('Custom::RedshiftRoleAssociation');
    expect(Object.keys(associations)).toHaveLength(1);
    const [associationId, association] = Object.entries<any>(associations)[0];
    expect(association.Properties.RoleArns).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^IdcRole/), 'Arn'] }]);
    const provider = Object.entries<any>(sqlResources(stack)).find(([id]) => id.startsWith('IdcIdentityProvider'))![1];
    expect(provider.DependsOn).toEqual(expect.arrayContaining([associationId]));
    expect(provider.DependsOn.some((d: string) => /^IdcRoleDefaultPolicy/.test(d))).toBe(true);
    expect(provider.Properties.Statements).toEqual([{
      'Fn::Join': ['', [
        'CREATE IDENTITY PROVIDER "RedshiftQueryEditor" TYPE AWSIDC NAMESPACE \'AWSIDC\' APPLICATION_ARN \'',
        { 'Fn::GetAtt': [expect.stringMatching(/^Idc/), 'IdcManagedApplicationArn'] },
        '\' IAM_ROLE \'',
        { 'Fn::GetAtt': [expect.stringMatching(/^IdcRole/), 'Arn'] },
        '\'',
      ]],
    }]);
    expect(provider.Properties.CleanupStatements).toEqual(['DROP IDENTITY PROVIDER "RedshiftQueryEditor" CASCADE']);
    expect(provider.Properties.CleanupBeforeCreate).toEqual('false');
  });

  test('imported Serverless namespace: UpdateNamespace association, then CREATE IDENTITY PROVIDER on the workgroup (G1)', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env });
    const target = RedshiftTarget.fromServerlessAttributes({
      namespaceName: 'analytics',
      namespaceId: '3f0e8a6c-1d2b-4c5d-9e8f-7a6b5c4d3e2f',
      workgroupName: 'analytics-wg',
      workgroupId: '1f0e8a6c-1d2b-4c5d-9e8f-7a6b5c4d3e2f',
    });
    const auth = DataApiAuth.secret(secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN));

    // WHEN
    new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, sqlAuth: auth, groups: [{ groupId: GROUP_ID, groupName: 'bi' }] });

    // THEN
    const template = Template.fromStack(stack);
    const [associationId, association] = Object.entries<any>(template.findResources('Custom::RedshiftRoleAssociation'))[0];
    expect(association.Properties).toMatchObject({ TargetType: 'namespace', TargetName: 'analytics' });
    const sql = Object.entries<any>(sqlResources(stack));
    const provider = sql.find(([id]) => id.startsWith('IdcIdentityProvider'))![1];
    expect(provider.Properties).toMatchObject({ TargetType: 'workgroup', TargetName: 'analytics-wg', Database: 'dev', SecretArn: SECRET_ARN });
    expect(provider.DependsOn).toEqual(expect.arrayContaining([associationId]));
    const group = sql.find(([id]) => id.startsWith('IdcGroup'))![1];
    expect(group.Properties.Statements).toEqual(['CREATE ROLE "AWSIDC:bi"']);
  });

  test('provisioned cluster in the app: role in the cluster role list, identity provider by SQL', () => {
    const stack = new Stack(new App(), 'Stack', { env });
    const cluster = new redshift.CfnCluster(stack, 'Cluster', {
      clusterType: 'single-node', dbName: 'dev', masterUsername: 'admin', manageMasterPassword: true, nodeType: 'ra3.large',
    });
    const auth = DataApiAuth.secret(secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', cluster.attrMasterPasswordSecretArn));
    new RedshiftIdcApplication(stack, 'Idc', { target: RedshiftTarget.provisioned({ cluster }), idcInstanceArn: INSTANCE, sqlAuth: auth });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Redshift::Cluster', { IamRoles: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^IdcRole'), 'Arn'] }] });
    template.resourceCountIs('Custom::RedshiftRoleAssociation', 0);
    const provider = Object.entries<any>(sqlResources(stack)).find(([id]) => id.startsWith('IdcIdentityProvider'))![1];
    expect(provider.Properties).toMatchObject({ TargetType: 'cluster', TargetName: { Ref: 'Cluster' } });
    expect(provider.DependsOn).toEqual(expect.arrayContaining(['Cluster']));
  });

  test('one database role per group, quoted, with its grants and the reverse cleanup (G6)', () => {
    // GIVEN
    const { stack, target, auth } = clusterStack();
    // WHEN
    new RedshiftIdcApplication(stack, 'Idc', {
      target,
      idcInstanceArn: INSTANCE,
      sqlAuth: auth,
      groups: [{ groupId: GROUP_ID, groupName: 'data "quoted" analysts', grants: [DatabaseGrant.readSchema('sales')] }],
    });
    // THEN
    const [, group] = Object.entries<any>(sqlResources(stack)).find(([id]) => id.startsWith('IdcGroup'))!;
    const role = '"AWSIDC:data ""quoted"" analysts"';
    expect(group.Properties.Statements).toEqual([
      `CREATE ROLE ${role}`,
      `GRANT USAGE ON SCHEMA "sales" TO ROLE ${role}`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA "sales" TO ROLE ${role}`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA "sales" GRANT SELECT ON TABLES TO ROLE ${role}`,
    ]);
    expect(group.Properties.CleanupStatements).toEqual([
      `ALTER DEFAULT PRIVILEGES IN SCHEMA "sales" REVOKE SELECT ON TABLES FROM ROLE ${role}`,
      `REVOKE SELECT ON ALL TABLES IN SCHEMA "sales" FROM ROLE ${role}`,
      `REVOKE USAGE ON SCHEMA "sales" FROM ROLE ${role}`,
      `DROP ROLE ${role} FORCE`,
    ]);
    expect(group.Properties.CleanupBeforeCreate).toEqual('true');
    // Re-created when the identity provider is (DROP ... CASCADE drops its roles).
    expect(JSON.stringify(group.Properties.RerunKey)).toContain('CREATE IDENTITY PROVIDER');
    expect(group.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^IdcIdentityProvider/)]));
  });

  test('group roles use the identity namespace given', () => {
    const { stack, target, auth } = clusterStack();
    new RedshiftIdcApplication(stack, 'Idc', {
      target, idcInstanceArn: INSTANCE, sqlAuth: auth, identityNamespace: 'corp', groups: [{ groupId: GROUP_ID, groupName: 'bi' }],
    });
    const group = Object.entries<any>(sqlResources(stack)).find(([id]) => id.startsWith('IdcGroup'))![1];
    expect(group.Properties.Statements).toEqual(['CREATE ROLE "corp:bi"']);
    expect(JSON.stringify(statementsOf(Object.values(sqlResources(stack))[0]))).toContain("NAMESPACE 'corp'");
  });

  test('group construct ids come from the group names: removing one group leaves the others in place', () => {
    const GROUP_IDS: Record<string, string> = { a: GROUP_ID, b: OTHER_GROUP_ID };
    const ids = (groups: string[]) => {
      const { stack, target, auth } = clusterStack();
      new RedshiftIdcApplication(stack, 'Idc', {
        target, idcInstanceArn: INSTANCE, sqlAuth: auth, groups: groups.map((groupName) => ({ groupId: GROUP_IDS[groupName], groupName })),
      });
      return Object.keys(sqlResources(stack)).filter((id) => id.startsWith('IdcGroup'));
    };
    const before = ids(['a', 'b']);
    const after = ids(['b']);
    expect(after).toHaveLength(1);
    expect(before).toContain(after[0]);
  });

  test('assigns each group to the IdC-managed application (type None)', () => {
    const { stack, target, auth } = clusterStack();
    new RedshiftIdcApplication(stack, 'Idc', {
      target,
      idcInstanceArn: INSTANCE,
      sqlAuth: auth,
      groups: [{ groupId: GROUP_ID, groupName: 'a' }, { groupId: OTHER_GROUP_ID, groupName: 'b' }],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SSO::ApplicationAssignment', 2);
    template.hasResourceProperties('AWS::SSO::ApplicationAssignment', {
      ApplicationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Idc'), 'IdcManagedApplicationArn'] },
      PrincipalId: OTHER_GROUP_ID,
      PrincipalType: 'GROUP',
    });
  });

  test('Lakehouse: both integrations by default, no assignments (G18)', () => {
    const { stack, target, auth } = clusterStack();
    new RedshiftIdcApplication(stack, 'Idc', {
      target, idcInstanceArn: INSTANCE, sqlAuth: auth, applicationType: IdcApplicationType.LAKEHOUSE, groups: [{ groupId: GROUP_ID, groupName: 'a' }],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Redshift::RedshiftIdcApplication', {
      ApplicationType: 'Lakehouse',
      ServiceIntegrations: [
        { LakeFormation: [{ LakeFormationQuery: { Authorization: 'Enabled' } }] },
        { Redshift: [{ Connect: { Authorization: 'Enabled' } }] },
      ],
    });
    template.resourceCountIs('AWS::SSO::ApplicationAssignment', 0);
  });

  test('S3 Access Grants integration and token issuers are passed through', () => {
    const { stack, target, auth } = clusterStack();
    new RedshiftIdcApplication(stack, 'Idc', {
      target,
      idcInstanceArn: INSTANCE,
      sqlAuth: auth,
      serviceIntegrations: [IdcServiceIntegration.S3_ACCESS_GRANTS],
      authorizedTokenIssuers: [{ trustedTokenIssuerArn: 'arn:aws:sso::111111111111:trustedTokenIssuer/ssoins-7223a4d1b8c6e5f0/tti-1', authorizedAudiences: ['aud-1'] }],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Redshift::RedshiftIdcApplication', {
      ServiceIntegrations: [{ S3AccessGrants: [{ ReadWriteAccess: { Authorization: 'Enabled' } }] }],
      AuthorizedTokenIssuerList: [{ TrustedTokenIssuerArn: 'arn:aws:sso::111111111111:trustedTokenIssuer/ssoins-7223a4d1b8c6e5f0/tti-1', AuthorizedAudiencesList: ['aud-1'] }],
    });
  });

  test('Query Editor v2 permission set: relay state in the warehouse Region, assigned to each group in each account', () => {
    const { stack, target, auth } = clusterStack();
    new RedshiftIdcApplication(stack, 'Idc', {
      target,
      idcInstanceArn: INSTANCE,
      sqlAuth: auth,
      groups: [{ groupId: GROUP_ID, groupName: 'a' }, { groupId: OTHER_GROUP_ID, groupName: 'b' }],
      queryEditorAccess: { accounts: ['111111111111', '222222222222'], sessionDuration: Duration.hours(4) },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SSO::PermissionSet', {
      InstanceArn: INSTANCE,
      Name: 'RedshiftQueryEditorV2',
      SessionDuration: 'PT4H',
      RelayStateType: { 'Fn::Join': ['', ['https://', { Ref: 'AWS::Region' }, '.console.aws.amazon.com/sqlworkbench/home']] },
      // The library attaches no AWS-managed policy by itself.
      ManagedPolicies: Match.absent(),
    });
    template.resourceCountIs('AWS::SSO::Assignment', 4);
    template.hasResourceProperties('AWS::SSO::Assignment', { PrincipalId: OTHER_GROUP_ID, TargetId: '222222222222', TargetType: 'AWS_ACCOUNT', PrincipalType: 'GROUP' });
  });

  test('Query Editor v2 permission set: the managed policy the user chooses is passed through', () => {
    const { stack, target, auth } = clusterStack();
    const readSharing = 'arn:aws:iam::aws:policy/AmazonRedshiftQueryEditorV2ReadSharing';
    new RedshiftIdcApplication(stack, 'Idc', {
      target, idcInstanceArn: INSTANCE, sqlAuth: auth, queryEditorAccess: { accounts: ['111111111111'], managedPolicyArns: [readSharing] },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SSO::PermissionSet', { ManagedPolicies: [readSharing] });
  });

  test.each(['arn:aws:iam::aws:policy/AmazonRedshiftQueryEditorV2FullAccess', 'arn:aws:iam::aws:policy/AdministratorAccess'])(
    'fails when the permission set is given %s (G21)', (arn) => {
      const stack = new Stack(new App(), 'Stack', { env });
      expect(() => new QueryEditorV2PermissionSet(stack, 'QueryEditor', { idcInstanceArn: INSTANCE, managedPolicyArns: [arn] }))
        .toThrow(/\[Stack\/QueryEditor\] managedPolicyArns: .* is not valid\. Attach a read-only or scoped policy/);
    });

  test('warns when the IdC role is granted anything else, or made a default role (G2)', () => {
    const { stack, target, auth } = clusterStack();
    const idc = new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, sqlAuth: auth });
    idc.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }));
    const serverless = RedshiftTarget.fromServerlessAttributes({
      namespaceName: 'other', namespaceId: '3f0e8a6c-1d2b-4c5d-9e8f-7a6b5c4d3e2f', workgroupName: 'other-wg', workgroupId: '1f0e8a6c-1d2b-4c5d-9e8f-7a6b5c4d3e2f',
    });
    RedshiftRoleAssociation.associate(stack, serverless, idc.role, { isDefault: true });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('G2'));
    expect(warnings.map((w) => String(w.entry.data))).toEqual(expect.arrayContaining([
      expect.stringContaining('s3:GetObject'),
      expect.stringContaining('default IAM role'),
    ]));
  });

  test('no warning when the IdC role is used only for IdC', () => {
    const { stack, target, auth } = clusterStack();
    new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, sqlAuth: auth });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('G2'))).toEqual([]);
  });

  test('has no unsuppressed cdk-nag AwsSolutions finding', () => {
    const { stack, target, auth } = clusterStack();
    new RedshiftIdcApplication(stack, 'Idc', {
      target,
      idcInstanceArn: INSTANCE,
      sqlAuth: auth,
      groups: [{ groupId: GROUP_ID, groupName: 'a', grants: [DatabaseGrant.readSchema('public')] }],
      queryEditorAccess: { accounts: ['111111111111'] },
    });
    Aspects.of(stack).add(new AwsSolutionsChecks());
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map((f) => `${f.id}: ${f.entry.data}`);
    expect(findings).toEqual([]);
  });

  describe('synth-time errors', () => {
    const base = (): { stack: Stack; props: RedshiftIdcApplicationProps } => {
      const { stack, target, auth } = clusterStack();
      return { stack, props: { target, idcInstanceArn: INSTANCE, sqlAuth: auth } };
    };
    const cases: Array<[string, (p: RedshiftIdcApplicationProps) => RedshiftIdcApplicationProps, RegExp]> = [
      ['an application name with uppercase letters', (p) => ({ ...p, applicationName: 'Analytics' }), /applicationName: "Analytics" is not valid\. Use 1-63 lowercase/],
      ['an application name of 64 characters', (p) => ({ ...p, applicationName: 'a'.repeat(64) }), /applicationName/],
      ['an application name with a double hyphen', (p) => ({ ...p, applicationName: 'a--b' }), /applicationName/],
      ['a display name with a space', (p) => ({ ...p, displayName: 'my app' }), /displayName: "my app" is not valid\. .*no spaces/],
      ['an identity namespace with a colon', (p) => ({ ...p, identityNamespace: 'AWS:IDC' }), /identityNamespace: "AWS:IDC"/],
      ['a malformed instance ARN', (p) => ({ ...p, idcInstanceArn: 'ssoins-7223a4d1b8c6e5f0' }), /idcInstanceArn: "ssoins-7223a4d1b8c6e5f0" is not valid\. Give the IAM Identity Center INSTANCE ARN/],
      ['IdC in another Region (G3)', (p) => ({ ...p, idcRegion: 'eu-west-1' }), /idcRegion: "eu-west-1" is not valid\. IAM Identity Center must be in the warehouse's Region \(us-east-1\)/],
      ['Lakehouse without Redshift connect (G18)', (p) => ({ ...p, applicationType: IdcApplicationType.LAKEHOUSE, serviceIntegrations: [IdcServiceIntegration.LAKE_FORMATION_QUERY] }),
        /serviceIntegrations: .* is not valid\. A Lakehouse application needs both LAKE_FORMATION_QUERY and REDSHIFT_CONNECT; add RedshiftConnect/],
      ['no sqlAuth when SQL must run', (p) => ({ ...p, sqlAuth: undefined }), /sqlAuth: undefined is not valid\. .*DataApiAuth\.secret/],
      ['createIdentityProvider false on a cluster', (p) => ({ ...p, createIdentityProvider: false }), /createIdentityProvider: false is not valid/],
      ['a group id that is a name', (p) => ({ ...p, groups: [{ groupId: 'analysts', groupName: 'analysts' }] }), /groups\.groupId: "analysts" is not valid/],
      ['the same group twice', (p) => ({ ...p, groups: [{ groupId: GROUP_ID, groupName: 'a' }, { groupId: OTHER_GROUP_ID, groupName: 'a' }] }), /groups\.groupName: "a" is not valid\. Each group/],
      ['one group id under two names', (p) => ({ ...p, groups: [{ groupId: GROUP_ID, groupName: 'a' }, { groupId: GROUP_ID, groupName: 'b' }] }), /groups\.groupId: .* is not valid\. Each group id/],
      ['a group name too long for a role name', (p) => ({ ...p, groups: [{ groupId: GROUP_ID, groupName: 'x'.repeat(121) }] }), /127 bytes/],
    ];
    test.each(cases)('fails when given %s', (_name, change, message) => {
      const { stack, props } = base();
      expect(() => new RedshiftIdcApplication(stack, 'Idc', change(props))).toThrow(message);
    });

    test('fails when the target is in another Region than the stack', () => {
      const stack = new Stack(new App(), 'Stack', { env });
      const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'reporting', region: 'eu-west-1' });
      expect(() => new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, idcRegion: 'eu-west-1', createIdentityProvider: true }))
        .toThrow(/must be in the warehouse's Region \(eu-west-1\)/);
    });

    test('fails when the namespace is already linked to another application', () => {
      const { stack, namespace, target, auth } = serverlessStack();
      namespace.redshiftIdcApplicationArn = 'arn:aws:redshift:us-east-1:111111111111:redshiftidcapplication:other';
      expect(() => new RedshiftIdcApplication(stack, 'Idc', { target, idcInstanceArn: INSTANCE, sqlAuth: auth }))
        .toThrow(/already has a redshiftIdcApplicationArn/);
    });
  });
});
