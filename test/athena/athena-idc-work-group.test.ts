import { Aspects, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AccessGrantsInstance, AccessGrantsLocation, AthenaIdcWorkGroup, AthenaIdcWorkGroupProps } from '../../src';
import { logicalId, newStack } from '../template-helpers';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const OTHER_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-0000000000000000';
const APPLICATION_ARN = 'arn:aws:sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/apl-1234567890abcdef';
const GROUP_ID = '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';
const OTHER_GROUP_ID = '90677d4a4c-aaaabbbb-cccc-dddd-eeee-ffff00001111';
const USER_ID = 'a1b2c3d4-5f60-7182-93a4-b5c6d7e8f901';
const EXECUTION_ROLE_ARN = 'arn:aws:iam::111111111111:role/athena-execution';
const PROVIDER_ID = 'CdkAnalyticsAccessAthenaIdcWorkGroupProvider';

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
const WORKGROUPS = partitionArn(':athena:us-east-1:111111111111:workgroup/*');
const CATALOG_RESOURCES = [
  partitionArn(':glue:us-east-1:111111111111:catalog'),
  partitionArn(':glue:us-east-1:111111111111:database/*'),
  partitionArn(':glue:us-east-1:111111111111:table/*/*'),
];

/** A stack with an IdC-associated Access Grants instance, a results bucket and a location on `results/`. */
function resultsStack(options: { identityCenterArn?: string; readOnly?: boolean } = {}) {
  const { app, stack } = newStack();
  const instance = new AccessGrantsInstance(stack, 'Grants', { identityCenterArn: options.identityCenterArn ?? INSTANCE_ARN });
  const bucket = new s3.Bucket(stack, 'Results');
  const location = new AccessGrantsLocation(stack, 'Loc', { instance, bucket, prefix: 'results/', readOnly: options.readOnly });
  return { app, stack, instance, bucket, location };
}

/** A workgroup `S/WG` on the results location, with the given props. */
function workGroupStack(props: Partial<AthenaIdcWorkGroupProps> = {}) {
  const env = resultsStack();
  const workGroup = new AthenaIdcWorkGroup(env.stack, 'WG', {
    identityCenterInstanceArn: INSTANCE_ARN,
    resultsLocation: env.location,
    ...props,
  });
  return { ...env, workGroup };
}

/** The statements of the DefaultPolicy of a role of the stack. */
function statementsOf(stack: Stack, role: IConstruct): any[] {
  const policy = role.node.findChild('DefaultPolicy');
  return Template.fromStack(stack).findResources('AWS::IAM::Policy')[logicalId(stack, policy)].Properties.PolicyDocument.Statement;
}

function handlerRole(stack: Stack): IConstruct {
  return stack.node.findChild(PROVIDER_ID).node.findChild('Role');
}

describe('AthenaIdcWorkGroup', () => {
  test('is a Custom::AthenaIdcWorkGroup with a generated name, results under the location, per-user prefixes and engine AUTO', () => {
    // GIVEN / WHEN
    const { stack, bucket, workGroup } = workGroupStack();

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AthenaIdcWorkGroup', 1);
    const providerFn = stack.node.findChild(PROVIDER_ID).node.findChild('Handler');
    const name = workGroup.workGroupName;
    template.hasResourceProperties('Custom::AthenaIdcWorkGroup', {
      ServiceToken: { 'Fn::GetAtt': [logicalId(stack, providerFn), 'Arn'] },
      Name: name,
      WorkGroupArn: partitionArn(`:athena:us-east-1:111111111111:workgroup/${name}`),
      Description: 'IAM Identity Center enabled workgroup (cdk-analytics-access)',
      InstanceArn: INSTANCE_ARN,
      ExecutionRoleArn: { 'Fn::GetAtt': [logicalId(stack, workGroup.executionRole), 'Arn'] },
      OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, bucket) }, '/results/']] },
      CreateUserLevelPrefix: true,
      EngineVersion: 'AUTO',
      PublishCloudWatchMetrics: true,
      RecursiveDelete: false,
      TimeoutSeconds: 120,
    });
    expect(name).toMatch(/^[a-zA-Z0-9._-]{1,128}$/);
    expect(name.endsWith('-b8c6e5f0')).toBe(true);
    expect(logicalId(stack, workGroup.resource)).toBe(logicalId(stack, workGroup));
    expect(stack.resolve(workGroup.workGroupArn)).toEqual(partitionArn(`:athena:us-east-1:111111111111:workgroup/${name}`));
    expect(stack.resolve(workGroup.outputLocation)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, bucket) }, '/results/']] });
    expect(stack.resolve(workGroup.identityCenterApplicationArn)).toEqual({ 'Fn::GetAtt': [logicalId(stack, workGroup), 'IdentityCenterApplicationArn'] });
  });

  test('the generated name is stable across synths and changes with the IdC instance (a new workgroup)', () => {
    // GIVEN
    const build = (instanceArn: string) => {
      const { stack, location } = resultsStack({ identityCenterArn: instanceArn });
      return new AthenaIdcWorkGroup(stack, 'WG', { identityCenterInstanceArn: instanceArn, resultsLocation: location }).workGroupName;
    };

    // WHEN
    const first = build(INSTANCE_ARN);
    const second = build(INSTANCE_ARN);
    const otherInstance = build(OTHER_INSTANCE_ARN);

    // THEN
    expect(second).toEqual(first);
    expect(otherInstance).not.toEqual(first);
    expect(otherInstance.endsWith('-00000000')).toBe(true);
    expect(otherInstance.slice(0, -8)).toEqual(first.slice(0, -8));
  });

  test('passes the given name, results prefix, engine, description, flags and timeout', () => {
    // GIVEN / WHEN
    const { stack, bucket, workGroup } = workGroupStack({
      workGroupName: 'analysts.v1_eu-1',
      resultsPrefix: 'athena/',
      createUserLevelPrefix: false,
      engineVersion: 'Athena engine version 3',
      description: 'Analysts',
      recursiveDelete: true,
      timeout: Duration.minutes(5),
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::AthenaIdcWorkGroup', {
      Name: 'analysts.v1_eu-1',
      WorkGroupArn: partitionArn(':athena:us-east-1:111111111111:workgroup/analysts.v1_eu-1'),
      Description: 'Analysts',
      OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, bucket) }, '/results/athena/']] },
      CreateUserLevelPrefix: false,
      EngineVersion: 'Athena engine version 3',
      RecursiveDelete: true,
      TimeoutSeconds: 300,
    });
    expect(workGroup.workGroupName).toEqual('analysts.v1_eu-1');
  });

  test('on a location without prefix, the results go to s3://<bucket>/<resultsPrefix>', () => {
    // GIVEN
    const { stack } = newStack();
    const instance = AccessGrantsInstance.fromInstanceArn(stack, 'Grants', 'arn:aws:s3:us-east-1:111111111111:access-grants/default', INSTANCE_ARN);
    const location = new AccessGrantsLocation(stack, 'Loc', { instance, bucket: s3.Bucket.fromBucketName(stack, 'Results', 'athena-results') });

    // WHEN
    const workGroup = new AthenaIdcWorkGroup(stack, 'WG', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, resultsPrefix: 'q/' });

    // THEN
    expect(workGroup.outputLocation).toEqual('s3://athena-results/q/');
    Template.fromStack(stack).hasResourceProperties('Custom::AthenaIdcWorkGroup', { OutputLocation: 's3://athena-results/q/' });
  });

  test('the execution role trusts Athena only, with sts:AssumeRole and sts:SetContext (G17)', () => {
    // GIVEN / WHEN
    const { stack, workGroup } = workGroupStack();

    // THEN
    const role = Template.fromStack(stack).findResources('AWS::IAM::Role')[logicalId(stack, workGroup.executionRole)];
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'athena.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:SetContext'] }],
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Description).toEqual('Athena IAM Identity Center workgroup execution role (cdk-analytics-access)');
  });

  test('the execution role reads this account\'s catalog, uses the workgroup, and gets data credentials from Access Grants and Lake Formation', () => {
    // GIVEN / WHEN
    const { stack, instance, bucket, workGroup } = workGroupStack();

    // THEN
    expect(statementsOf(stack, workGroup.executionRole)).toEqual([
      {
        Effect: 'Allow',
        Action: ['athena:GetPreparedStatement', 'athena:ListPreparedStatements', 'athena:CreatePreparedStatement',
          'athena:UpdatePreparedStatement', 'athena:DeletePreparedStatement', 'athena:GetDataCatalog'],
        Resource: [
          partitionArn(`:athena:us-east-1:111111111111:workgroup/${workGroup.workGroupName}`),
          partitionArn(':athena:us-east-1:111111111111:datacatalog/*'),
        ],
      },
      {
        Effect: 'Allow',
        Action: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
        Resource: CATALOG_RESOURCES,
      },
      { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: { 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['s3:GetDataAccess', 's3:GetAccessGrantsInstanceForPrefix'],
        Resource: { 'Fn::GetAtt': [logicalId(stack, instance), 'AccessGrantsInstanceArn'] },
      },
      { Effect: 'Allow', Action: 'lakeformation:GetDataAccess', Resource: '*' },
    ]);
  });

  test('catalogWrites adds the Glue DDL actions on this account\'s catalog', () => {
    // GIVEN / WHEN
    const { stack, workGroup } = workGroupStack({ catalogWrites: true });

    // THEN
    const statements = statementsOf(stack, workGroup.executionRole);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['glue:CreateDatabase', 'glue:UpdateDatabase', 'glue:DeleteDatabase', 'glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable',
        'glue:BatchDeleteTable', 'glue:CreatePartition', 'glue:BatchCreatePartition', 'glue:UpdatePartition', 'glue:DeletePartition',
        'glue:BatchDeletePartition'],
      Resource: CATALOG_RESOURCES,
    });
    expect(statements).toHaveLength(6);
  });

  test('the workgroup is created after the execution role policy', () => {
    // GIVEN / WHEN
    const { stack, workGroup } = workGroupStack();

    // THEN
    const policy = workGroup.executionRole.node.findChild('DefaultPolicy');
    Template.fromStack(stack).hasResource('Custom::AthenaIdcWorkGroup', { DependsOn: Match.arrayWith([logicalId(stack, policy)]) });
  });

  test('creates no execution role when one is given, and may pass only that one', () => {
    // GIVEN
    const { stack, location } = resultsStack();
    const executionRole = iam.Role.fromRoleArn(stack, 'Exec', EXECUTION_ROLE_ARN);

    // WHEN
    const workGroup = new AthenaIdcWorkGroup(stack, 'WG', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, executionRole });

    // THEN
    const template = Template.fromStack(stack);
    // The location role and the handler role only.
    template.resourceCountIs('AWS::IAM::Role', 2);
    expect(workGroup.executionRole).toBe(executionRole);
    template.hasResource('Custom::AthenaIdcWorkGroup', { Properties: { ExecutionRoleArn: EXECUTION_ROLE_ARN }, DependsOn: Match.absent() });
    expect(statementsOf(stack, handlerRole(stack))).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: EXECUTION_ROLE_ARN,
      Condition: { StringEquals: { 'iam:PassedToService': 'athena.amazonaws.com' } },
    });
  });

  test('the handler role manages only workgroups tagged as this stack\'s, passes the execution role to Athena only, and manages the IdC applications of the instance', () => {
    // GIVEN / WHEN
    const { stack, workGroup } = workGroupStack();

    // THEN
    const logGroup = stack.node.findChild(PROVIDER_ID).node.findChild('Logs');
    expect(statementsOf(stack, handlerRole(stack))).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(stack, logGroup), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['athena:CreateWorkGroup', 'athena:TagResource'],
        Resource: WORKGROUPS,
        Condition: { StringEquals: { 'aws:RequestTag/cdk-analytics-access:owner': { Ref: 'AWS::StackId' } } },
      },
      {
        Effect: 'Allow',
        Action: ['athena:GetWorkGroup', 'athena:UpdateWorkGroup', 'athena:DeleteWorkGroup', 'athena:ListTagsForResource'],
        Resource: WORKGROUPS,
        Condition: { StringEquals: { 'aws:ResourceTag/cdk-analytics-access:owner': { Ref: 'AWS::StackId' } } },
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [logicalId(stack, workGroup.executionRole), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'athena.amazonaws.com' } },
      },
      {
        Effect: 'Allow',
        Action: ['sso:CreateApplication', 'sso:DeleteApplication', 'sso:PutApplicationGrant', 'sso:PutApplicationAuthenticationMethod',
          'sso:PutApplicationAccessScope', 'sso:PutApplicationAssignmentConfiguration'],
        Resource: [INSTANCE_ARN, partitionArn(':sso::*:application/ssoins-7223a4d1b8c6e5f0/*'), partitionArn(':sso::aws:applicationProvider/*')],
      },
    ]);
    const role = Template.fromStack(stack).findResources('AWS::IAM::Role')[logicalId(stack, handlerRole(stack))];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('two workgroups in one stack share one handler, which may pass both execution roles', () => {
    // GIVEN
    const { stack, location } = resultsStack();

    // WHEN
    const first = new AthenaIdcWorkGroup(stack, 'First', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location });
    const second = new AthenaIdcWorkGroup(stack, 'Second', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, resultsPrefix: 'second/' });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AthenaIdcWorkGroup', 2);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(first.workGroupName).not.toEqual(second.workGroupName);
    const statements = statementsOf(stack, handlerRole(stack));
    expect(statements.filter((s) => [s.Action].flat().includes('athena:CreateWorkGroup'))).toHaveLength(1);
    expect(statements.filter((s) => [s.Action].flat().includes('athena:DeleteWorkGroup'))).toHaveLength(1);
    const passed = statements.filter((s) => s.Action === 'iam:PassRole').flatMap((s) => [s.Resource].flat());
    expect(passed).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': [logicalId(stack, first.executionRole), 'Arn'] },
      { 'Fn::GetAtt': [logicalId(stack, second.executionRole), 'Arn'] },
    ]));
    expect(passed).toHaveLength(2);
  });

  test('assigns each group and user to the workgroup\'s IdC application and grants them READWRITE on the results ("*")', () => {
    // GIVEN / WHEN
    const { stack, location, workGroup } = workGroupStack({ groupIds: [GROUP_ID, OTHER_GROUP_ID], userIds: [USER_ID] });

    // THEN
    const template = Template.fromStack(stack);
    const applicationArn = { 'Fn::GetAtt': [logicalId(stack, workGroup), 'IdentityCenterApplicationArn'] };
    template.resourceCountIs('AWS::SSO::ApplicationAssignment', 3);
    for (const [id, type] of [[GROUP_ID, 'GROUP'], [OTHER_GROUP_ID, 'GROUP'], [USER_ID, 'USER']]) {
      template.hasResourceProperties('AWS::SSO::ApplicationAssignment', { ApplicationArn: applicationArn, PrincipalId: id, PrincipalType: type });
    }
    template.resourceCountIs('AWS::S3::AccessGrant', 3);
    for (const [id, type] of [[GROUP_ID, 'DIRECTORY_GROUP'], [OTHER_GROUP_ID, 'DIRECTORY_GROUP'], [USER_ID, 'DIRECTORY_USER']]) {
      template.hasResourceProperties('AWS::S3::AccessGrant', {
        AccessGrantsLocationId: { 'Fn::GetAtt': [logicalId(stack, location), 'AccessGrantsLocationId'] },
        AccessGrantsLocationConfiguration: { S3SubPrefix: '*' },
        Grantee: { GranteeType: type, GranteeIdentifier: id },
        Permission: 'READWRITE',
        S3PrefixType: Match.absent(),
      });
    }
    expect(workGroup.resultsGrants.map((g) => g.subPrefix)).toEqual(['*', '*', '*']);
  });

  test('with a results prefix, the grants cover "<resultsPrefix>*"', () => {
    // GIVEN / WHEN
    const { stack } = workGroupStack({ groupIds: [GROUP_ID], userIds: [USER_ID], resultsPrefix: 'athena/' });

    // THEN
    const grants = Object.values<any>(Template.fromStack(stack).findResources('AWS::S3::AccessGrant'));
    expect(grants.map((g) => g.Properties.AccessGrantsLocationConfiguration)).toEqual([{ S3SubPrefix: 'athena/*' }, { S3SubPrefix: 'athena/*' }]);
  });

  test('grantResults false assigns the groups and users but grants nothing', () => {
    // GIVEN / WHEN
    const { stack, workGroup } = workGroupStack({ groupIds: [GROUP_ID], userIds: [USER_ID], grantResults: false });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SSO::ApplicationAssignment', 2);
    template.resourceCountIs('AWS::S3::AccessGrant', 0);
    expect(workGroup.resultsGrants).toEqual([]);
  });

  test('without groups or users, nothing is assigned or granted', () => {
    // GIVEN / WHEN
    const { stack } = workGroupStack();

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SSO::ApplicationAssignment', 0);
    template.resourceCountIs('AWS::S3::AccessGrant', 0);
  });

  describe('synth-time errors', () => {
    const cases: Array<[string, Partial<AthenaIdcWorkGroupProps>, RegExp]> = [
      ['an application ARN as the IdC instance', { identityCenterInstanceArn: APPLICATION_ARN },
        /\[S\/WG\] identityCenterInstanceArn: "arn:aws:sso::111111111111:application\/ssoins-7223a4d1b8c6e5f0\/apl-1234567890abcdef" is not valid\. Give the IAM Identity Center INSTANCE ARN, arn:aws:sso:::instance\/ssoins-<16 characters>/],
      ['the workgroup name "primary"', { workGroupName: 'primary' },
        /\[S\/WG\] workGroupName: "primary" is not valid\. The primary workgroup exists in every account: choose another name\./],
      ['a workgroup name with a space', { workGroupName: 'sales analysts' },
        /\[S\/WG\] workGroupName: "sales analysts" is not valid\. Give 1 to 128 letters, digits, "\.", "_" or "-"\./],
      ['a workgroup name of 129 characters', { workGroupName: 'a'.repeat(129) },
        /\[S\/WG\] workGroupName: "a{129}" is not valid\. Give 1 to 128 letters/],
      ['a results prefix without a trailing "/"', { resultsPrefix: 'athena' },
        /\[S\/WG\] resultsPrefix: "athena" is not valid\. End the prefix with "\/": Athena writes under it\./],
      ['a results prefix with a leading "/"', { resultsPrefix: '/athena/' },
        /\[S\/WG\] resultsPrefix: "\/athena\/" is not valid\. An S3 key prefix has no leading '\/'; pass "athena\/"/],
      ['engine version 2', { engineVersion: 'Athena engine version 2' },
        /\[S\/WG\] engineVersion: "Athena engine version 2" is not valid\. Give AUTO or "Athena engine version 3" \(trusted identity propagation needs Trino\)\./],
      ['an unknown engine version', { engineVersion: '3' },
        /\[S\/WG\] engineVersion: "3" is not valid\. Give AUTO or "Athena engine version 3"/],
      ['a group display name', { groupIds: ['analysts'] },
        /\[S\/WG\] groupIds: "analysts" is not valid\. Give the identity store id \(a UUID, optionally prefixed by 10 hex digits and "-"\), not the display name\./],
      ['a user name', { userIds: ['jane.doe'] },
        /\[S\/WG\] userIds: "jane\.doe" is not valid\. Give the identity store id/],
      ['a duplicated group id', { groupIds: [GROUP_ID, GROUP_ID] },
        /\[S\/WG\] groupIds: \["90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901", "90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901"\] is not valid\. Give each id once\./],
      ['a duplicated user id', { userIds: [USER_ID, USER_ID] },
        /\[S\/WG\] userIds: .* is not valid\. Give each id once\./],
      ['a timeout of 5 seconds', { timeout: Duration.seconds(5) },
        /\[S\/WG\] timeout: "5 seconds" is not valid\. Give between 10 seconds and 14 minutes\./],
    ];
    test.each(cases)('fails when given %s', (_name, props, error) => {
      // WHEN / THEN
      expect(() => workGroupStack(props)).toThrow(error);
    });

    test('fails when the results location\'s Access Grants instance is associated with another IdC instance', () => {
      // GIVEN
      const { stack, location } = resultsStack({ identityCenterArn: OTHER_INSTANCE_ARN });

      // WHEN / THEN
      expect(() => new AthenaIdcWorkGroup(stack, 'WG', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location }))
        .toThrow(/\[S\/WG\] resultsLocation: "arn:aws:sso:::instance\/ssoins-0000000000000000" is not valid\. The results location's Access Grants instance is associated with another IAM Identity Center instance than arn:aws:sso:::instance\/ssoins-7223a4d1b8c6e5f0: Athena could not vend result credentials to the workgroup's users\. Associate both with the same instance\./);
    });

    test('fails when the results location\'s Access Grants instance is not associated with IAM Identity Center', () => {
      // GIVEN
      const { stack } = newStack();
      const instance = new AccessGrantsInstance(stack, 'Grants');
      const location = new AccessGrantsLocation(stack, 'Loc', { instance, bucket: new s3.Bucket(stack, 'Results'), prefix: 'results/' });

      // WHEN / THEN
      expect(() => new AthenaIdcWorkGroup(stack, 'WG', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location }))
        .toThrow(/\[S\/WG\] resultsLocation: .* is not valid\. Athena writes the results through S3 Access Grants as the IdC user: give identityCenterArn/);
    });

    test('fails when the results location\'s prefix is not a folder, and the failed workgroup claims no name', () => {
      // GIVEN
      const { stack } = newStack();
      const instance = new AccessGrantsInstance(stack, 'Grants', { identityCenterArn: INSTANCE_ARN });
      const bucket = new s3.Bucket(stack, 'Results');
      const location = new AccessGrantsLocation(stack, 'Loc', { instance, bucket, prefix: 'results' });
      const folder = new AccessGrantsLocation(stack, 'Folder', { instance, bucket, prefix: 'results/' });

      // WHEN / THEN
      expect(() => new AthenaIdcWorkGroup(stack, 'WG', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, workGroupName: 'analysts' }))
        .toThrow(/\[S\/WG\] resultsLocation: "results" is not valid\. Give the results location a prefix that ends in "\/"/);
      new AthenaIdcWorkGroup(stack, 'Fixed', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: folder, workGroupName: 'analysts' });
      Template.fromStack(stack).hasResourceProperties('Custom::AthenaIdcWorkGroup', { Name: 'analysts' });
    });

    test('an imported Access Grants instance of unknown association is accepted', () => {
      // GIVEN
      const { stack } = newStack();
      const instance = AccessGrantsInstance.fromInstanceArn(stack, 'Grants', 'arn:aws:s3:us-east-1:111111111111:access-grants/default');
      const location = new AccessGrantsLocation(stack, 'Loc', { instance, bucket: s3.Bucket.fromBucketName(stack, 'Results', 'athena-results') });

      // WHEN
      new AthenaIdcWorkGroup(stack, 'WG', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, groupIds: [GROUP_ID] });

      // THEN
      Template.fromStack(stack).resourceCountIs('AWS::S3::AccessGrant', 1);
    });

    test('fails when a read-only location would receive the READWRITE results grants', () => {
      // GIVEN
      const { stack, location } = resultsStack({ readOnly: true });

      // WHEN / THEN
      expect(() => new AthenaIdcWorkGroup(stack, 'WG', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, groupIds: [GROUP_ID] }))
        .toThrow(/\[S\/WG\/ResultsGroup[^\]]*\] permission: "READWRITE" is not valid\. The location role of a read-only location cannot write/);
    });

    test('fails when two workgroups of one stack have the same name, naming the first', () => {
      // GIVEN
      const { app, stack, location } = resultsStack();
      new AthenaIdcWorkGroup(stack, 'First', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, workGroupName: 'analysts' });
      const other = new Stack(app, 'Other', { env: { account: '111111111111', region: 'eu-west-1' } });
      const otherInstance = AccessGrantsInstance.fromInstanceArn(other, 'Grants', 'arn:aws:s3:eu-west-1:111111111111:access-grants/default', INSTANCE_ARN);
      const otherLocation = new AccessGrantsLocation(other, 'Loc', { instance: otherInstance, bucket: s3.Bucket.fromBucketName(other, 'Results', 'eu-results') });

      // WHEN / THEN
      expect(() => new AthenaIdcWorkGroup(stack, 'Second', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, workGroupName: 'analysts' }))
        .toThrow(/\[S\/Second\] workGroupName: "analysts" is not valid\. S\/First already creates a workgroup of this name in this stack: give each its own name\./);
      // Another stack (here another Region) may use the name.
      new AthenaIdcWorkGroup(other, 'Analysts', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: otherLocation, workGroupName: 'analysts' });
      Template.fromStack(other).hasResourceProperties('Custom::AthenaIdcWorkGroup', { Name: 'analysts' });
    });
  });

  test('has no unsuppressed cdk-nag AwsSolutions finding with a KMS-encrypted, access-logged results bucket', () => {
    // GIVEN
    const { app, stack } = newStack();
    const logs = new s3.Bucket(stack, 'AccessLogs', {
      enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
    });
    const key = new kms.Key(stack, 'ResultsKey', { enableKeyRotation: true });
    const results = new s3.Bucket(stack, 'Results', {
      encryptionKey: key, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'results/',
    });
    const instance = new AccessGrantsInstance(stack, 'Grants', { identityCenterArn: INSTANCE_ARN });
    const location = new AccessGrantsLocation(stack, 'Loc', { instance, bucket: results, prefix: 'athena-results/' });
    new AthenaIdcWorkGroup(stack, 'WG', { identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, groupIds: [GROUP_ID], userIds: [USER_ID] });
    new AthenaIdcWorkGroup(stack, 'Writers', {
      identityCenterInstanceArn: INSTANCE_ARN, resultsLocation: location, resultsPrefix: 'writers/', groupIds: [OTHER_GROUP_ID], catalogWrites: true,
    });

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map((f) => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([]);
  });

  test('the nag acknowledgement on the execution role names the wildcards it covers', () => {
    // GIVEN / WHEN
    const { stack, workGroup } = workGroupStack();

    // THEN
    const policy = Template.fromStack(stack).findResources('AWS::IAM::Policy')[logicalId(stack, workGroup.executionRole.node.findChild('DefaultPolicy'))];
    expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringMatching(/lakeformation:GetDataAccess has no resource type; the Glue catalog actions are on this account's databases and tables/),
      applies_to: [
        { regex: '/^Resource::\\*$/' },
        { regex: '/^Resource::arn:<AWS::Partition>:glue:.*:(database\\/\\*|table\\/\\*\\/\\*)$/' },
        { regex: '/^Resource::arn:<AWS::Partition>:athena:.*:datacatalog\\/\\*$/' },
      ],
    }]);
  });

  test('the nag acknowledgement does not hide a wildcard the user adds to the execution role', () => {
    // GIVEN
    const { app, stack, workGroup } = workGroupStack();
    s3.Bucket.fromBucketName(stack, 'Other', 'other-bucket').grantRead(workGroup.executionRole, 'private/*');

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = Annotations.fromStack(stack).findError('/S/WG/ExecutionRole/DefaultPolicy/Resource', Match.stringLikeRegexp('AwsSolutions-IAM5'));
    expect(findings.map(f => String(f.entry.data)).join('\n')).toMatch(/other-bucket\/private\/\*/);
  });
});
