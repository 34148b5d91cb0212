import { Aspects, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { EmrIdcStudio, EmrIdcStudioProps, EmrStudioUserAssignment } from '../../src';
import { logicalId, newStack } from '../template-helpers';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const APPLICATION_ARN = 'arn:aws:sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/apl-1234567890abcdef';
const WORKGROUP_ARN = 'arn:aws:athena:us-east-1:111111111111:workgroup/analysts';
const OTHER_WORKGROUP_ARN = 'arn:aws:athena:us-east-1:111111111111:workgroup/finance';
const SESSION_POLICY_ARN = 'arn:aws:iam::111111111111:policy/emr-studio-session';
const AZS = ['us-east-1a', 'us-east-1b'];
const PRIVATE_SUBNETS = ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1c2d3e4f5a60718'];
const ISOLATED_SUBNETS = ['subnet-0c1d2e3f4a5b60718', 'subnet-0d1e2f3a4b5c60718'];
const TAG = { Key: 'for-use-with-amazon-emr-managed-policies', Value: 'true' };

const ATHENA_QUERY_ACTIONS = ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution',
  'athena:ListQueryExecutions', 'athena:GetQueryResultsStream', 'athena:GetWorkGroup',
  'athena:CreatePreparedStatement', 'athena:GetPreparedStatement', 'athena:DeletePreparedStatement'];
const GLUE_READS = ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'];
const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
const CATALOG_RESOURCES = [
  partitionArn(':glue:us-east-1:111111111111:catalog'),
  partitionArn(':glue:us-east-1:111111111111:database/*'),
  partitionArn(':glue:us-east-1:111111111111:table/*/*'),
];
const queryStatement = (workGroupArn: string) => ({ Effect: 'Allow', Action: ATHENA_QUERY_ACTIONS, Resource: workGroupArn });
const CATALOG_STATEMENTS = [
  { Effect: 'Allow', Action: 'athena:ListWorkGroups', Resource: '*' },
  { Effect: 'Allow', Action: GLUE_READS, Resource: CATALOG_RESOURCES },
];

/** An existing VPC (nothing is looked up) with private and isolated subnets. */
function importedVpc(scope: IConstruct, privateSubnetIds = PRIVATE_SUBNETS, availabilityZones = AZS, id = 'Vpc'): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, id, {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones,
    privateSubnetIds,
    isolatedSubnetIds: privateSubnetIds.length === ISOLATED_SUBNETS.length ? ISOLATED_SUBNETS : undefined,
  });
}

/** A stack with a VPC, a workspace bucket and a Studio `S/Studio`, granted `WORKGROUP_ARN` unless `grant` is false. */
function studioStack(props: Partial<EmrIdcStudioProps> = {}, options: { grant?: boolean; encrypted?: boolean } = {}) {
  const { app, stack } = newStack();
  const vpc = importedVpc(stack);
  const key = options.encrypted ? new kms.Key(stack, 'Key') : undefined;
  const bucket = new s3.Bucket(stack, 'Workspaces', { encryptionKey: key });
  const studio = new EmrIdcStudio(stack, 'Studio', {
    identityCenterInstanceArn: INSTANCE_ARN,
    vpc,
    workspaceBucket: bucket,
    groupNames: ['analysts'],
    ...props,
  });
  if (options.grant ?? true) {
    studio.grantAthenaQueries(WORKGROUP_ARN);
  }
  return { app, stack, vpc, key, bucket, studio };
}

/** The statements of the DefaultPolicy of a role of the stack. */
function statementsOf(stack: Stack, role: IConstruct): any[] {
  const policy = role.node.findChild('DefaultPolicy');
  return Template.fromStack(stack).findResources('AWS::IAM::Policy')[logicalId(stack, policy)].Properties.PolicyDocument.Statement;
}

/** The properties of the one resource of a type. */
function onlyResource(stack: Stack, type: string): any {
  const resources = Object.values<any>(Template.fromStack(stack).findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0];
}

function policyLogicalId(stack: Stack, role: iam.Role): string {
  return stack.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as any);
}

describe('EmrIdcStudio', () => {
  test('is an SSO Studio with trusted identity propagation, its two roles, the private subnets, both security groups and s3://<bucket>/emr-studio/', () => {
    // GIVEN / WHEN
    const { stack, bucket, studio } = studioStack();

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EMR::Studio', 1);
    template.hasResourceProperties('AWS::EMR::Studio', {
      AuthMode: 'SSO',
      IdcInstanceArn: INSTANCE_ARN,
      IdcUserAssignment: 'REQUIRED',
      TrustedIdentityPropagationEnabled: true,
      ServiceRole: { 'Fn::GetAtt': [logicalId(stack, studio.serviceRole), 'Arn'] },
      UserRole: { 'Fn::GetAtt': [logicalId(stack, studio.userRole), 'Arn'] },
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      SubnetIds: PRIVATE_SUBNETS,
      EngineSecurityGroupId: { 'Fn::GetAtt': [logicalId(stack, studio.engineSecurityGroup), 'GroupId'] },
      WorkspaceSecurityGroupId: { 'Fn::GetAtt': [logicalId(stack, studio.workspaceSecurityGroup), 'GroupId'] },
      DefaultS3Location: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, bucket) }, '/emr-studio/']] },
      Description: 'EMR Studio with IAM Identity Center (cdk-analytics-access)',
      Name: 'S-Studio-D980EDB8',
    });
    expect(stack.resolve(studio.studioId)).toEqual({ 'Fn::GetAtt': [logicalId(stack, studio.studio), 'StudioId'] });
    expect(stack.resolve(studio.studioUrl)).toEqual({ 'Fn::GetAtt': [logicalId(stack, studio.studio), 'Url'] });
  });

  test('OPTIONAL user assignment, selected subnets, a workspace prefix, a name and a description pass through', () => {
    // GIVEN / WHEN
    const { stack, bucket } = studioStack({
      userAssignment: EmrStudioUserAssignment.OPTIONAL,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      workspacePrefix: 'notebooks/team-a/',
      studioName: 'analysts-studio',
      description: 'Analysts',
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EMR::Studio', {
      IdcUserAssignment: 'OPTIONAL',
      SubnetIds: ISOLATED_SUBNETS,
      DefaultS3Location: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, bucket) }, '/notebooks/team-a/']] },
      Name: 'analysts-studio',
      Description: 'Analysts',
    });
  });

  test('depends on the service role\'s policy', () => {
    // GIVEN / WHEN
    const { stack, studio } = studioStack();

    // THEN
    Template.fromStack(stack).hasResource('AWS::EMR::Studio', {
      DependsOn: Match.arrayWith([policyLogicalId(stack, studio.serviceRole)]),
    });
  });

  // The user role's DefaultPolicy exists only once grantAthenaQueries() is called, after the
  // constructor: the dependency must still reach it.
  test('depends on the user role\'s policy, created by grantAthenaQueries after the constructor', () => {
    // GIVEN / WHEN
    const { stack, studio } = studioStack();

    // THEN
    Template.fromStack(stack).hasResource('AWS::EMR::Studio', {
      DependsOn: Match.arrayWith([policyLogicalId(stack, studio.serviceRole), policyLogicalId(stack, studio.userRole)]),
    });
  });

  describe('service role', () => {
    test('is trusted by EMR of this account only (aws:SourceAccount and aws:SourceArn), with sts:AssumeRole only', () => {
      // GIVEN / WHEN
      const { stack, studio } = studioStack();

      // THEN
      const role = Template.fromStack(stack).findResources('AWS::IAM::Role')[logicalId(stack, studio.serviceRole)];
      expect(role.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'elasticmapreduce.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: {
              'aws:SourceArn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticmapreduce:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']],
              },
            },
          },
        }],
      });
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Description).toEqual('EMR Studio service role (cdk-analytics-access)');
    });

    test('may use exactly the workspace prefix of the bucket, in this account, and no EC2', () => {
      // GIVEN / WHEN
      const { stack, bucket, studio } = studioStack();

      // THEN
      const bucketArn = { 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] };
      const inAccount = { StringEquals: { 'aws:ResourceAccount': '111111111111' } };
      const statements = statementsOf(stack, studio.serviceRole);
      expect(statements).toEqual([
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { ...inAccount, StringLike: { 's3:prefix': ['emr-studio/*'] } } },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: { 'Fn::Join': ['', [bucketArn, '/emr-studio/*']] },
          Condition: inAccount,
        },
        { Effect: 'Allow', Action: 's3:GetEncryptionConfiguration', Resource: bucketArn, Condition: inAccount },
      ]);
      expect(statements.flatMap(s => [s.Action].flat()).filter((a: string) => a.startsWith('ec2:'))).toEqual([]);
    });

    test('a given workspace prefix is the only one listed and written', () => {
      // GIVEN / WHEN
      const { stack, bucket, studio } = studioStack({ workspacePrefix: 'notebooks/' });

      // THEN
      const statements = statementsOf(stack, studio.serviceRole);
      expect(statements[0].Condition.StringLike).toEqual({ 's3:prefix': ['notebooks/*'] });
      expect(statements[1].Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] }, '/notebooks/*']] });
    });

    test('uses the bucket key when the bucket has one', () => {
      // GIVEN / WHEN
      const { stack, key, studio } = studioStack({}, { encrypted: true });

      // THEN
      const kmsStatements = statementsOf(stack, studio.serviceRole).filter(s => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
      expect(kmsStatements).toEqual([{
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey'],
        Resource: { 'Fn::GetAtt': [logicalId(stack, key!), 'Arn'] },
      }]);
    });

    test('has no KMS permission when the bucket has no key', () => {
      // GIVEN / WHEN
      const { stack, studio } = studioStack();

      // THEN
      expect(statementsOf(stack, studio.serviceRole).flatMap(s => [s.Action].flat()).filter((a: string) => a.startsWith('kms:'))).toEqual([]);
    });
  });

  describe('user role', () => {
    test('is trusted by EMR with sts:AssumeRole and sts:SetContext, without condition', () => {
      // GIVEN / WHEN
      const { stack, studio } = studioStack();

      // THEN
      const role = Template.fromStack(stack).findResources('AWS::IAM::Role')[logicalId(stack, studio.userRole)];
      expect(role.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'elasticmapreduce.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:SetContext'] }],
      });
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    });

    test('fails to synthesize without grantAthenaQueries and without a sessionPolicy', () => {
      // GIVEN
      const { app, stack } = studioStack({}, { grant: false });

      // WHEN / THEN
      expect(() => Template.fromStack(stack))
        .toThrow(/\[S\/Studio\] the Studio's users may do nothing yet: call grantAthenaQueries\(workGroupArn\) \(an empty session policy cannot be created\)/);
      expect(() => app.synth()).toThrow(/call grantAthenaQueries\(workGroupArn\)/);
    });

    test('grantAthenaQueries: the query actions on exactly that workgroup, ListWorkGroups on "*" and this account\'s catalog', () => {
      // GIVEN / WHEN
      const { stack, studio } = studioStack();

      // THEN
      expect(statementsOf(stack, studio.userRole)).toEqual([queryStatement(WORKGROUP_ARN), ...CATALOG_STATEMENTS]);
    });

    test('the created session policy has the same statements as the user role', () => {
      // GIVEN / WHEN
      const { stack, studio } = studioStack();

      // THEN
      const policy = onlyResource(stack, 'AWS::IAM::ManagedPolicy');
      expect(policy.Properties.PolicyDocument.Statement).toEqual([queryStatement(WORKGROUP_ARN), ...CATALOG_STATEMENTS]);
      expect(policy.Properties.Roles).toBeUndefined();
      expect(stack.resolve(studio.sessionPolicy.managedPolicyArn)).toEqual({ Ref: logicalId(stack, studio.sessionPolicy) });
    });

    test('a second workgroup adds only its ARN to the query statement of the role and the session policy (G19: no statement per workgroup)', () => {
      // GIVEN
      const { stack, studio } = studioStack();

      // WHEN
      studio.grantAthenaQueries(OTHER_WORKGROUP_ARN);

      // THEN
      const expected = [{ ...queryStatement(WORKGROUP_ARN), Resource: [WORKGROUP_ARN, OTHER_WORKGROUP_ARN] }, ...CATALOG_STATEMENTS];
      expect(statementsOf(stack, studio.userRole)).toEqual(expected);
      expect(onlyResource(stack, 'AWS::IAM::ManagedPolicy').Properties.PolicyDocument.Statement).toEqual(expected);
    });

    const grantWorkGroups = (studio: EmrIdcStudio, count: number) => {
      for (let i = 1; i < count; i++) {
        studio.grantAthenaQueries(`arn:aws:athena:us-east-1:111111111111:workgroup/analysts-${String(i).padStart(3, '0')}`);
      }
    };

    test('60 workgroups keep the session policy under the 6,144-character managed-policy quota (G19)', () => {
      // GIVEN
      const { stack, studio } = studioStack();

      // WHEN
      grantWorkGroups(studio, 60);

      // THEN
      const document = onlyResource(stack, 'AWS::IAM::ManagedPolicy').Properties.PolicyDocument;
      expect(document.Statement[0].Resource).toHaveLength(60);
      expect(JSON.stringify(document).replace(/\s/g, '').length).toBeLessThan(6144);
    });

    test('with the user\'s own session policy, workgroups enough to overflow the user role\'s policies fail at synth (G19)', () => {
      // GIVEN a session policy of the user's, so only the user role grows
      const { stack } = newStack();
      const studio = new EmrIdcStudio(stack, 'Studio', {
        identityCenterInstanceArn: INSTANCE_ARN,
        vpc: importedVpc(stack),
        workspaceBucket: new s3.Bucket(stack, 'Workspaces'),
        groupNames: ['analysts'],
        sessionPolicy: iam.ManagedPolicy.fromManagedPolicyName(stack, 'Own', 'emr-studio-analysts'),
      });
      studio.grantAthenaQueries(WORKGROUP_ARN);

      // WHEN
      grantWorkGroups(studio, 200);

      // THEN
      expect(() => Template.fromStack(stack)).toThrow(/\] grantAthenaQueries: the role's managed policy S\/Studio\/UserRole\/OverflowPolicy1 is about \d+ characters; IAM allows 6144 per managed policy \(not counting whitespace; gotcha G19\)\. Give the Studio fewer workgroups\./);
    });

    test('100 workgroups fail at synth: the session policy would exceed the managed-policy quota (G19)', () => {
      // GIVEN
      const { stack, studio } = studioStack();

      // WHEN
      grantWorkGroups(studio, 100);

      // THEN
      expect(() => Template.fromStack(stack)).toThrow(/\] grantAthenaQueries: the session policy is about (\d+) characters with 100 workgroups; IAM allows 6144 for a managed policy \(not counting whitespace; gotcha G19\)\. Give the Studio fewer workgroups, or pass your own sessionPolicy\./);
    });

    test('a workgroup ARN known only at deploy time is accepted', () => {
      // GIVEN
      const { stack, studio } = studioStack({}, { grant: false });
      const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: 'analysts' });

      // WHEN
      studio.grantAthenaQueries(workGroupArn);

      // THEN
      expect(statementsOf(stack, studio.userRole)[0]).toEqual({
        Effect: 'Allow',
        Action: ATHENA_QUERY_ACTIONS,
        Resource: partitionArn(':athena:us-east-1:111111111111:workgroup/analysts'),
      });
    });
  });

  describe('session mappings', () => {
    test('one per group (GROUP) and user (USER), by display name, with the created session policy', () => {
      // GIVEN / WHEN
      const { stack, studio } = studioStack({ groupNames: ['analysts', 'data engineers'], userNames: ['jane.doe'] });

      // THEN
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::EMR::StudioSessionMapping', 3);
      const studioId = { 'Fn::GetAtt': [logicalId(stack, studio.studio), 'StudioId'] };
      const policyArn = { Ref: logicalId(stack, studio.sessionPolicy) };
      for (const [type, name] of [['GROUP', 'analysts'], ['GROUP', 'data engineers'], ['USER', 'jane.doe']]) {
        template.hasResourceProperties('AWS::EMR::StudioSessionMapping', {
          StudioId: studioId,
          IdentityType: type,
          IdentityName: name,
          SessionPolicyArn: policyArn,
        });
      }
    });

    test('a given session policy is used by every mapping, and no session policy is created', () => {
      // GIVEN
      const { stack } = newStack();
      const sessionPolicy = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Session', SESSION_POLICY_ARN);

      // WHEN
      const studio = new EmrIdcStudio(stack, 'Studio', {
        identityCenterInstanceArn: INSTANCE_ARN,
        vpc: importedVpc(stack),
        workspaceBucket: new s3.Bucket(stack, 'Workspaces'),
        groupNames: ['analysts'],
        userNames: ['jane.doe'],
        sessionPolicy,
      });

      // THEN: synthesizes without grantAthenaQueries
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
      template.resourceCountIs('AWS::EMR::StudioSessionMapping', 2);
      template.allResourcesProperties('AWS::EMR::StudioSessionMapping', { SessionPolicyArn: SESSION_POLICY_ARN });
      expect(studio.sessionPolicy).toBe(sessionPolicy);
    });

    test('grantAthenaQueries with a given session policy changes only the user role', () => {
      // GIVEN
      const { stack } = newStack();
      const studio = new EmrIdcStudio(stack, 'Studio', {
        identityCenterInstanceArn: INSTANCE_ARN,
        vpc: importedVpc(stack),
        workspaceBucket: new s3.Bucket(stack, 'Workspaces'),
        groupNames: ['analysts'],
        sessionPolicy: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Session', SESSION_POLICY_ARN),
      });

      // WHEN
      studio.grantAthenaQueries(WORKGROUP_ARN);

      // THEN
      Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
      expect(statementsOf(stack, studio.userRole)).toEqual([queryStatement(WORKGROUP_ARN), ...CATALOG_STATEMENTS]);
    });
  });

  describe('security groups', () => {
    test('the engine accepts tcp 18888 from the workspace security group only, the workspaces reach only the engine on 18888', () => {
      // GIVEN / WHEN
      const { stack, studio } = studioStack();

      // THEN
      const template = Template.fromStack(stack);
      const engine = { 'Fn::GetAtt': [logicalId(stack, studio.engineSecurityGroup), 'GroupId'] };
      const workspace = { 'Fn::GetAtt': [logicalId(stack, studio.workspaceSecurityGroup), 'GroupId'] };
      template.resourceCountIs('AWS::EC2::SecurityGroup', 2);
      const port = { IpProtocol: 'tcp', FromPort: 18888, ToPort: 18888, Description: 'EMR Studio Workspaces to their engine' };
      expect(onlyResource(stack, 'AWS::EC2::SecurityGroupIngress').Properties).toEqual({ ...port, GroupId: engine, SourceSecurityGroupId: workspace });
      expect(onlyResource(stack, 'AWS::EC2::SecurityGroupEgress').Properties).toEqual({ ...port, GroupId: workspace, DestinationSecurityGroupId: engine });
      const groups = template.findResources('AWS::EC2::SecurityGroup');
      for (const group of Object.values<any>(groups)) {
        expect(group.Properties.SecurityGroupIngress).toBeUndefined();
        // No rule means no egress; CDK writes its "disallow all" placeholder when a group has none.
        for (const rule of group.Properties.SecurityGroupEgress ?? []) {
          expect(rule).toEqual({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', IpProtocol: 'icmp', FromPort: 252, ToPort: 86 });
        }
      }
      const json = JSON.stringify(template.toJSON());
      expect(json).not.toContain('0.0.0.0/0');
      expect(json).not.toContain('::/0');
    });

    test('both groups are tagged for-use-with-amazon-emr-managed-policies=true, in the Studio\'s VPC', () => {
      // GIVEN / WHEN
      const { stack, studio } = studioStack();

      // THEN
      const groups = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup');
      for (const group of [studio.engineSecurityGroup, studio.workspaceSecurityGroup]) {
        expect(groups[logicalId(stack, group)].Properties.Tags).toContainEqual(TAG);
        expect(groups[logicalId(stack, group)].Properties.VpcId).toEqual('vpc-0a1b2c3d4e5f60718');
      }
    });
  });

  describe('nobody mapped', () => {
    test('warns when REQUIRED and no group or user is mapped', () => {
      // GIVEN / WHEN
      const { stack } = studioStack({ groupNames: [] });

      // THEN
      Annotations.fromStack(stack).hasWarning('/S/Studio', Match.stringLikeRegexp('cdk-analytics-access:emr-studio-nobody'));
      Annotations.fromStack(stack).hasWarning('/S/Studio', Match.stringLikeRegexp('nobody can open the Studio until someone is mapped'));
      Template.fromStack(stack).resourceCountIs('AWS::EMR::StudioSessionMapping', 0);
    });

    test.each([
      ['OPTIONAL without mappings', { groupNames: [], userAssignment: EmrStudioUserAssignment.OPTIONAL }],
      ['REQUIRED with a group', { groupNames: ['analysts'] }],
      ['REQUIRED with a user', { groupNames: [], userNames: ['jane.doe'] }],
    ] as Array<[string, Partial<EmrIdcStudioProps>]>)('does not warn for %s', (_name, props) => {
      // GIVEN / WHEN
      const { stack } = studioStack(props);

      // THEN
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cdk-analytics-access:emr-studio-nobody'));
    });
  });

  describe('synth-time errors', () => {
    const cases: Array<[string, (stack: Stack) => Partial<EmrIdcStudioProps>, RegExp]> = [
      ['an IAM Identity Center application ARN instead of the instance ARN', () => ({ identityCenterInstanceArn: APPLICATION_ARN }),
        /\[S\/Studio\] identityCenterInstanceArn: "arn:aws:sso::111111111111:application\/ssoins-7223a4d1b8c6e5f0\/apl-1234567890abcdef" is not valid\. Give the IAM Identity Center INSTANCE ARN/],
      ['six subnets', (stack) => ({
        vpc: importedVpc(stack, ['a', 'b', 'c', 'd', 'e', 'f'].map(s => `subnet-0${s}1b2c3d4e5f60718`), ['us-east-1a', 'us-east-1b', 'us-east-1c'], 'SixSubnets'),
      }),
      /\[S\/Studio\] vpcSubnets: "6 subnets" is not valid\. EMR Studio takes one to five subnets: select fewer/],
      ['a workspacePrefix with a leading "/"', () => ({ workspacePrefix: '/x' }),
        /\[S\/Studio\] workspacePrefix: "\/x" is not valid\. An S3 key prefix has no leading '\/'; pass "x"/],
      ['a workspacePrefix with a wildcard', () => ({ workspacePrefix: 'a*' }),
        /\[S\/Studio\] workspacePrefix: "a\*" is not valid\. Give the prefix without wildcards/],
      ['a group name twice', () => ({ groupNames: ['analysts', 'analysts'] }),
        /\[S\/Studio\] groupNames: \["analysts", "analysts"\] is not valid\. Give each name once\./],
      ['a user name twice', () => ({ userNames: ['jane.doe', 'jane.doe'] }),
        /\[S\/Studio\] userNames: \["jane\.doe", "jane\.doe"\] is not valid\. Give each name once\./],
      ['a group name with a trailing space', () => ({ groupNames: ['analysts '] }),
        /\[S\/Studio\] groupNames: "analysts " is not valid\. Give the IAM Identity Center display name \(group\) or user name, 1 to 256 characters, without leading or trailing spaces\./],
      ['an empty user name', () => ({ userNames: [''] }),
        /\[S\/Studio\] userNames: "" is not valid\. Give the IAM Identity Center display name/],
      ['a studioName of 257 characters', () => ({ studioName: 'x'.repeat(257) }),
        new RegExp(`\\[S/Studio\\] studioName: "${'x'.repeat(257)}" is not valid\\. Give 1 to 256 characters without control characters\\.`)],
      ['a studioName with a control character', () => ({ studioName: 'a\u0001b' }),
        /\[S\/Studio\] studioName: "a\\u0001b" is not valid\. Give 1 to 256 characters without control characters\./],
    ];
    test.each(cases)('fails when given %s', (_name, props, error) => {
      // GIVEN
      const { stack } = newStack();
      const workspaceBucket = new s3.Bucket(stack, 'Workspaces');

      // WHEN / THEN
      expect(() => new EmrIdcStudio(stack, 'Studio', {
        identityCenterInstanceArn: INSTANCE_ARN,
        vpc: importedVpc(stack),
        workspaceBucket,
        groupNames: ['analysts'],
        ...props(stack),
      })).toThrow(error);
    });

    test('a studioName of 256 characters is fine', () => {
      // GIVEN / WHEN
      const { stack } = studioStack({ studioName: 'x'.repeat(256) });

      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::EMR::Studio', { Name: 'x'.repeat(256) });
    });

    test('five subnets are fine', () => {
      // GIVEN
      const { stack } = newStack();
      const azs = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1f'];
      const subnets = ['a', 'b', 'c', 'd', 'e'].map(s => `subnet-0${s}1b2c3d4e5f60718`);

      // WHEN
      const studio = new EmrIdcStudio(stack, 'Studio', {
        identityCenterInstanceArn: INSTANCE_ARN,
        vpc: importedVpc(stack, subnets, azs),
        workspaceBucket: new s3.Bucket(stack, 'Workspaces'),
        groupNames: ['analysts'],
      });
      studio.grantAthenaQueries(WORKGROUP_ARN);

      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::EMR::Studio', { SubnetIds: subnets });
    });

    test('grantAthenaQueries fails when given a data catalog ARN instead of a workgroup ARN', () => {
      // GIVEN
      const { studio } = studioStack({}, { grant: false });

      // WHEN / THEN
      expect(() => studio.grantAthenaQueries('arn:aws:athena:us-east-1:111111111111:datacatalog/x'))
        .toThrow(/\[S\/Studio\] workGroupArn: "arn:aws:athena:us-east-1:111111111111:datacatalog\/x" is not valid\. Give an Athena workgroup ARN, arn:aws:athena:<region>:<account>:workgroup\/<name>\./);
    });
  });

  test('has no unsuppressed cdk-nag AwsSolutions finding with an encrypted, access-logged workspace bucket', () => {
    // GIVEN
    const { app, stack } = newStack();
    const logs = new s3.Bucket(stack, 'AccessLogs', {
      enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
    });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const workspaceBucket = new s3.Bucket(stack, 'Workspaces', {
      encryptionKey: key, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'ws/',
    });
    const studio = new EmrIdcStudio(stack, 'Studio', {
      identityCenterInstanceArn: INSTANCE_ARN, vpc: importedVpc(stack), workspaceBucket, groupNames: ['analysts'], userNames: ['jane.doe'],
    });
    studio.grantAthenaQueries(WORKGROUP_ARN);
    studio.grantAthenaQueries(OTHER_WORKGROUP_ARN);

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

  test('the nag acknowledgement does not hide a wildcard the user adds to the user role', () => {
    // GIVEN
    const { app, stack, studio } = studioStack();
    studio.userRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::other-bucket/private/*'] }));

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = Annotations.fromStack(stack).findError('/S/Studio/UserRole/DefaultPolicy/Resource', Match.stringLikeRegexp('AwsSolutions-IAM5'));
    expect(findings.map(f => String(f.entry.data)).join('\n')).toMatch(/other-bucket\/private\/\*/);
  });
});
