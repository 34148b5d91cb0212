import { Aspects, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  AccessGrantsInstance, AthenaTipGroup, AthenaTrustedIdentityPropagation, AthenaTrustedIdentityPropagationProps, LakeFormationPermission,
  LakeFormationResource,
} from '../../src';
import { logicalId, newStack } from '../template-helpers';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const ACCESS_GRANTS_INSTANCE_ARN = 'arn:aws:s3:us-east-1:111111111111:access-grants/default';
const ANALYSTS_ID = '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';
const FINANCE_ID = '90677d4a4c-aaaabbbb-cccc-dddd-eeee-ffff00001111';
const ADMIN_ROLE_ARN = 'arn:aws:iam::111111111111:role/data-lake-admin';
const ANALYSTS: AthenaTipGroup = { groupId: ANALYSTS_ID, displayName: 'analysts', resources: [LakeFormationResource.allTables('sales')] };
const FINANCE: AthenaTipGroup = {
  groupId: FINANCE_ID,
  displayName: 'finance team',
  resources: [LakeFormationResource.database('finance'), LakeFormationResource.table('finance', 'ledger')],
  permissions: [LakeFormationPermission.SELECT],
};
const groupArn = (groupId: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:identitystore:::group/${groupId}`]] });

/** The example's setup: buckets, an existing VPC and `S/Tip` with one data location and the analysts group, plus `props`. */
function tipStack(props: Partial<AthenaTrustedIdentityPropagationProps> | ((stack: Stack) => Partial<AthenaTrustedIdentityPropagationProps>) = {}) {
  const { app, stack } = newStack();
  const logs = new s3.Bucket(stack, 'AccessLogs', {
    enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
  });
  const bucket = (name: string) => new s3.Bucket(stack, name, {
    enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsBucket: logs, serverAccessLogsPrefix: `${name}/`,
  });
  const [data, results, workspaces] = [bucket('Data'), bucket('Results'), bucket('Workspaces')];
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1c2d3e4f5a60718'],
  });
  const tip = new AthenaTrustedIdentityPropagation(stack, 'Tip', {
    identityCenterInstanceArn: INSTANCE_ARN,
    dataLocations: [{ bucket: data, prefix: 'warehouse/' }],
    resultsBucket: results,
    groups: [ANALYSTS],
    studio: { vpc, workspaceBucket: workspaces },
    ...(typeof props === 'function' ? props(stack) : props),
  });
  return { app, stack, data, results, workspaces, vpc, tip };
}

describe('AthenaTrustedIdentityPropagation', () => {
  test('creates each part once for the example setup', () => {
    // GIVEN / WHEN
    const { stack } = tipStack();

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::LakeFormationSettings', 1);
    template.resourceCountIs('Custom::LakeFormationIdentityCenter', 1);
    template.resourceCountIs('AWS::LakeFormation::Resource', 1);
    template.resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 1);
    template.resourceCountIs('AWS::S3::AccessGrantsInstance', 1);
    template.resourceCountIs('AWS::S3::AccessGrantsLocation', 1);
    template.resourceCountIs('Custom::AthenaIdcWorkGroup', 1);
    template.resourceCountIs('AWS::SSO::ApplicationAssignment', 1);
    template.resourceCountIs('AWS::S3::AccessGrant', 1);
    template.resourceCountIs('AWS::EMR::Studio', 1);
    template.resourceCountIs('AWS::EMR::StudioSessionMapping', 1);
  });

  test('turns on SET_CONTEXT in the Lake Formation settings, adding no administrator by default', () => {
    // GIVEN / WHEN
    const { stack } = tipStack();

    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::LakeFormationSettings', {
      Admins: [],
      ReadOnlyAdmins: [],
      Parameters: { SET_CONTEXT: 'TRUE' },
    });
  });

  test('passes lakeFormationAdmins to the settings\' Admins', () => {
    // GIVEN / WHEN
    const { stack } = tipStack((scope) => ({ lakeFormationAdmins: [iam.Role.fromRoleArn(scope, 'Admin', ADMIN_ROLE_ARN, { mutable: false })] }));

    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::LakeFormationSettings', {
      Admins: [ADMIN_ROLE_ARN],
      Parameters: { SET_CONTEXT: 'TRUE' },
    });
  });

  test('connects Lake Formation to the IAM Identity Center instance', () => {
    // GIVEN / WHEN
    const { stack, tip } = tipStack();

    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::LakeFormationIdentityCenter', { InstanceArn: INSTANCE_ARN, CatalogId: '111111111111' });
    expect(tip.lakeFormationIdentityCenter).toBeDefined();
  });

  test('registers each data location with its own read-only context role, never the service-linked role', () => {
    // GIVEN
    const env = tipStack();

    // WHEN
    const two = new AthenaTrustedIdentityPropagation(env.stack, 'Two', {
      identityCenterInstanceArn: INSTANCE_ARN,
      dataLocations: [{ bucket: env.data, prefix: 'raw/' }, { bucket: env.results, prefix: 'curated/', readOnly: false }],
      resultsBucket: env.results,
      groups: [{ ...ANALYSTS, resources: [LakeFormationResource.allTables('raw')] }],
      accessGrantsInstance: AccessGrantsInstance.fromInstanceArn(env.stack, 'Existing', ACCESS_GRANTS_INSTANCE_ARN, INSTANCE_ARN),
      connectLakeFormation: false,
    });

    // THEN
    const template = Template.fromStack(env.stack);
    template.resourceCountIs('AWS::LakeFormation::Resource', 3);
    template.allResourcesProperties('AWS::LakeFormation::Resource', { UseServiceLinkedRole: false });
    const { tip } = env;
    expect(tip.dataLocations).toHaveLength(1);
    expect(two.dataLocations).toHaveLength(2);
    template.hasResourceProperties('AWS::LakeFormation::Resource', {
      ResourceArn: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(env.stack, env.data), 'Arn'] }, '/warehouse']] },
      RoleArn: { 'Fn::GetAtt': [logicalId(env.stack, tip.dataLocations[0]), 'Arn'] },
    });
    const policies = template.findResources('AWS::IAM::Policy');
    const actions = (role: IConstruct) => policies[logicalId(env.stack, role.node.findChild('DefaultPolicy'))].Properties.PolicyDocument.Statement
      .flatMap((s: any) => [s.Action].flat());
    expect(actions(tip.dataLocations[0])).not.toContain('s3:PutObject');
    expect(actions(two.dataLocations[0])).not.toContain('s3:PutObject');
    expect(actions(two.dataLocations[1])).toContain('s3:PutObject');
  });

  describe('Lake Formation grants', () => {
    test('one per group and resource: SELECT and DESCRIBE on all tables, after the IdC configuration', () => {
      // GIVEN / WHEN
      const { stack, tip } = tipStack();

      // THEN
      Template.fromStack(stack).hasResource('AWS::LakeFormation::PrincipalPermissions', {
        Properties: {
          Principal: { DataLakePrincipalIdentifier: groupArn(ANALYSTS_ID) },
          Resource: { Table: { CatalogId: '111111111111', DatabaseName: 'sales', TableWildcard: {} } },
          Permissions: ['SELECT', 'DESCRIBE'],
          PermissionsWithGrantOption: [],
        },
        DependsOn: [logicalId(stack, tip.lakeFormationIdentityCenter!)],
      });
      expect(tip.grants).toHaveLength(1);
    });

    test('a database gets DESCRIBE only, a table the group\'s own permissions', () => {
      // GIVEN / WHEN
      const { stack, tip } = tipStack({ groups: [ANALYSTS, FINANCE] });

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 3);
      const idcId = logicalId(stack, tip.lakeFormationIdentityCenter!);
      template.hasResource('AWS::LakeFormation::PrincipalPermissions', {
        Properties: {
          Principal: { DataLakePrincipalIdentifier: groupArn(FINANCE_ID) },
          Resource: { Database: { CatalogId: '111111111111', Name: 'finance' } },
          Permissions: ['DESCRIBE'],
        },
        DependsOn: [idcId],
      });
      template.hasResource('AWS::LakeFormation::PrincipalPermissions', {
        Properties: {
          Principal: { DataLakePrincipalIdentifier: groupArn(FINANCE_ID) },
          Resource: { Table: { CatalogId: '111111111111', DatabaseName: 'finance', Name: 'ledger' } },
          Permissions: ['SELECT'],
        },
        DependsOn: [idcId],
      });
      template.hasResource('AWS::LakeFormation::PrincipalPermissions', {
        Properties: {
          Principal: { DataLakePrincipalIdentifier: groupArn(ANALYSTS_ID) },
          Resource: { Table: { CatalogId: '111111111111', DatabaseName: 'sales', TableWildcard: {} } },
          Permissions: ['SELECT', 'DESCRIBE'],
        },
        DependsOn: [idcId],
      });
      expect(tip.grants).toHaveLength(3);
    });

    test('connectLakeFormation false: no IdC configuration, and the grants do not depend on one', () => {
      // GIVEN / WHEN
      const { stack, tip } = tipStack({ connectLakeFormation: false });

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('Custom::LakeFormationIdentityCenter', 0);
      template.resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 1);
      template.hasResource('AWS::LakeFormation::PrincipalPermissions', { DependsOn: Match.absent() });
      template.hasResource('Custom::AthenaIdcWorkGroup', {
        DependsOn: [stack.getLogicalId(tip.workGroup.executionRole.node.findChild('DefaultPolicy').node.defaultChild as any)],
      });
      expect(tip.lakeFormationIdentityCenter).toBeUndefined();
    });
  });

  describe('S3 Access Grants', () => {
    test('creates the instance, associated with IAM Identity Center, and the results location s3://<results>/athena-results/', () => {
      // GIVEN / WHEN
      const { stack, results, tip } = tipStack();

      // THEN
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::S3::AccessGrantsInstance', { IdentityCenterArn: INSTANCE_ARN });
      template.hasResourceProperties('AWS::S3::AccessGrantsLocation', {
        LocationScope: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, results) }, '/athena-results/']] },
        IamRoleArn: { 'Fn::GetAtt': [logicalId(stack, tip.resultsLocation.role), 'Arn'] },
      });
      expect(tip.accessGrantsInstance).toBeInstanceOf(AccessGrantsInstance);
      expect(stack.resolve(tip.accessGrantsInstance.instanceArn)).toEqual({
        'Fn::GetAtt': [logicalId(stack, tip.accessGrantsInstance as AccessGrantsInstance), 'AccessGrantsInstanceArn'],
      });
    });

    test('uses a given instance and creates none', () => {
      // GIVEN
      const { stack } = newStack();
      const instance = AccessGrantsInstance.fromInstanceArn(stack, 'Existing', ACCESS_GRANTS_INSTANCE_ARN, INSTANCE_ARN);
      const results = new s3.Bucket(stack, 'Results');

      // WHEN
      const tip = new AthenaTrustedIdentityPropagation(stack, 'Tip', {
        identityCenterInstanceArn: INSTANCE_ARN,
        dataLocations: [{ bucket: new s3.Bucket(stack, 'Data') }],
        resultsBucket: results,
        groups: [ANALYSTS],
        accessGrantsInstance: instance,
      });

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::S3::AccessGrantsInstance', 0);
      template.resourceCountIs('AWS::S3::AccessGrantsLocation', 1);
      expect(tip.accessGrantsInstance).toBe(instance);
      expect(tip.resultsLocation.instance).toBe(instance);
    });

    test('a given resultsPrefix is the location and the workgroup\'s output location', () => {
      // GIVEN / WHEN
      const { stack, results } = tipStack({ resultsPrefix: 'queries/tip/' });

      // THEN
      const template = Template.fromStack(stack);
      const scope = { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, results) }, '/queries/tip/']] };
      template.hasResourceProperties('AWS::S3::AccessGrantsLocation', { LocationScope: scope });
      template.hasResourceProperties('Custom::AthenaIdcWorkGroup', { OutputLocation: scope });
    });
  });

  describe('workgroup', () => {
    test('is created after Lake Formation is connected to IAM Identity Center, on the results location', () => {
      // GIVEN / WHEN
      const { stack, results, tip } = tipStack();

      // THEN
      Template.fromStack(stack).hasResource('Custom::AthenaIdcWorkGroup', {
        Properties: {
          InstanceArn: INSTANCE_ARN,
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, results) }, '/athena-results/']] },
        },
        DependsOn: Match.arrayWith([logicalId(stack, tip.lakeFormationIdentityCenter!)]),
      });
    });

    test('assigns each group by id and grants it READWRITE on the results', () => {
      // GIVEN / WHEN
      const { stack, tip } = tipStack({ groups: [ANALYSTS, FINANCE] });

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::SSO::ApplicationAssignment', 2);
      template.resourceCountIs('AWS::S3::AccessGrant', 2);
      for (const groupId of [ANALYSTS_ID, FINANCE_ID]) {
        template.hasResourceProperties('AWS::SSO::ApplicationAssignment', {
          ApplicationArn: { 'Fn::GetAtt': [logicalId(stack, tip.workGroup.resource), 'IdentityCenterApplicationArn'] },
          PrincipalId: groupId,
          PrincipalType: 'GROUP',
        });
        template.hasResourceProperties('AWS::S3::AccessGrant', {
          AccessGrantsLocationId: { 'Fn::GetAtt': [logicalId(stack, tip.resultsLocation), 'AccessGrantsLocationId'] },
          Grantee: { GranteeType: 'DIRECTORY_GROUP', GranteeIdentifier: groupId },
          Permission: 'READWRITE',
          AccessGrantsLocationConfiguration: { S3SubPrefix: '*' },
        });
      }
    });
  });

  describe('EMR Studio', () => {
    test('maps each group by display name and lets the user role query the workgroup', () => {
      // GIVEN / WHEN
      const { stack, workspaces, tip } = tipStack({ groups: [ANALYSTS, FINANCE] });

      // THEN
      const template = Template.fromStack(stack);
      const studio = tip.studio!;
      template.hasResourceProperties('AWS::EMR::Studio', {
        IdcInstanceArn: INSTANCE_ARN,
        AuthMode: 'SSO',
        TrustedIdentityPropagationEnabled: true,
        DefaultS3Location: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, workspaces) }, '/emr-studio/']] },
        SubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1c2d3e4f5a60718'],
      });
      template.resourceCountIs('AWS::EMR::StudioSessionMapping', 2);
      for (const name of ['analysts', 'finance team']) {
        template.hasResourceProperties('AWS::EMR::StudioSessionMapping', {
          IdentityType: 'GROUP',
          IdentityName: name,
          StudioId: { 'Fn::GetAtt': [logicalId(stack, studio.studio), 'StudioId'] },
          SessionPolicyArn: { Ref: logicalId(stack, studio.sessionPolicy) },
        });
      }
      const userPolicy = template.findResources('AWS::IAM::Policy')[logicalId(stack, studio.userRole.node.findChild('DefaultPolicy'))];
      expect(userPolicy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Action: expect.arrayContaining(['athena:StartQueryExecution', 'athena:GetQueryResults']),
        Resource: stack.resolve(tip.workGroup.workGroupArn),
      }));
    });

    test('passes the subnets and the workspace prefix', () => {
      // GIVEN
      const { stack } = newStack();
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0a1b2c3d4e5f60718',
        availabilityZones: ['us-east-1a', 'us-east-1b'],
        privateSubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1c2d3e4f5a60718'],
      });
      const workspaceBucket = new s3.Bucket(stack, 'Workspaces');

      // WHEN
      new AthenaTrustedIdentityPropagation(stack, 'Tip', {
        identityCenterInstanceArn: INSTANCE_ARN,
        dataLocations: [{ bucket: new s3.Bucket(stack, 'Data') }],
        resultsBucket: new s3.Bucket(stack, 'Results'),
        groups: [ANALYSTS],
        studio: { vpc, vpcSubnets: { availabilityZones: ['us-east-1b'] }, workspaceBucket, workspacePrefix: 'notebooks/' },
      });

      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::EMR::Studio', {
        SubnetIds: ['subnet-0b1c2d3e4f5a60718'],
        DefaultS3Location: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, workspaceBucket) }, '/notebooks/']] },
      });
    });

    test('no Studio when `studio` is omitted', () => {
      // GIVEN / WHEN
      const { stack, tip } = tipStack({ studio: undefined });

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::EMR::Studio', 0);
      template.resourceCountIs('AWS::EMR::StudioSessionMapping', 0);
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
      template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
      expect(tip.studio).toBeUndefined();
    });
  });

  describe('synth-time errors', () => {
    const cases: Array<[string, Partial<AthenaTrustedIdentityPropagationProps>, RegExp]> = [
      ['no data locations', { dataLocations: [] }, /\[S\/Tip\] dataLocations: \[\] is not valid\. Give at least one S3 location of table data\./],
      ['no groups', { groups: [] }, /\[S\/Tip\] groups: \[\] is not valid\. Give at least one IAM Identity Center group\./],
      ['a group without resources', { groups: [ANALYSTS, { ...FINANCE, resources: [] }] },
        /\[S\/Tip\] groups\[finance team\]\.resources: \[\] is not valid\. Give the databases or tables the group may query\./],
    ];
    test.each(cases)('fails when given %s', (_name, props, error) => {
      // GIVEN / WHEN / THEN
      expect(() => tipStack(props)).toThrow(error);
    });
  });

  test('has no unsuppressed cdk-nag AwsSolutions finding on the full setup', () => {
    // GIVEN
    const { app, stack } = tipStack({ groups: [ANALYSTS, FINANCE] });

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map(f => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([]);
  });
});
