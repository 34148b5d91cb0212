import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LakeFormationIdentityCenter, LakeFormationIdentityCenterProps } from '../../src';
import { AccessMatrix } from '../access-matrix';
import { allPolicyStatements, logicalId, newStack } from '../template-helpers';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const APPLICATION_ARN = 'arn:aws:sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/apl-1234567890abcdef';
const ORGANIZATION_ARN = 'arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5';
const OU_ARN = 'arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56';
const PROVIDER_ID = 'CdkAnalyticsAccessLakeFormationIdentityCenterProvider';

const LAKE_FORMATION_ACTIONS = [
  'lakeformation:CreateLakeFormationIdentityCenterConfiguration',
  'lakeformation:UpdateLakeFormationIdentityCenterConfiguration',
  'lakeformation:DeleteLakeFormationIdentityCenterConfiguration',
  'lakeformation:DescribeLakeFormationIdentityCenterConfiguration',
];
const SSO_ACTIONS = [
  'sso:CreateApplication', 'sso:PutApplicationAssignmentConfiguration', 'sso:PutApplicationAuthenticationMethod', 'sso:PutApplicationGrant',
  'sso:PutApplicationAccessScope', 'sso:DescribeApplication', 'sso:UpdateApplication', 'sso:DeleteApplication',
  'sso:DeleteApplicationAuthenticationMethod', 'sso:DeleteApplicationGrant',
];
const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
const SSO_RESOURCES = [
  INSTANCE_ARN,
  partitionArn(':sso::*:application/ssoins-7223a4d1b8c6e5f0/*'),
  partitionArn(':sso::aws:applicationProvider/*'),
];

function providerOf(stack: Stack) {
  return stack.node.findChild(PROVIDER_ID);
}

describe('LakeFormationIdentityCenter', () => {
  test('is a Custom::LakeFormationIdentityCenter for the stack account\'s catalog, without shares or authorized targets by default', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const idc = new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::LakeFormationIdentityCenter', 1);
    const providerFn = providerOf(stack).node.findChild('Handler');
    template.hasResourceProperties('Custom::LakeFormationIdentityCenter', {
      ServiceToken: { 'Fn::GetAtt': [logicalId(stack, providerFn), 'Arn'] },
      CatalogId: '111111111111',
      InstanceArn: INSTANCE_ARN,
      ShareRecipients: [],
      AuthorizedTargets: Match.absent(),
      TimeoutSeconds: 120,
    });
    expect(logicalId(stack, idc.resource)).toBe(logicalId(stack, idc));
    expect(idc.instanceArn).toEqual(INSTANCE_ARN);
  });

  test('applicationArn is the ApplicationArn attribute of the custom resource', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const idc = new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN });

    // THEN
    expect(stack.resolve(idc.applicationArn)).toEqual({ 'Fn::GetAtt': [logicalId(stack, idc), 'ApplicationArn'] });
  });

  test('passes the given catalog, share recipients, authorized targets and timeout', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationIdentityCenter(stack, 'Idc', {
      instanceArn: INSTANCE_ARN,
      catalogId: '222222222222',
      shareRecipients: ['333333333333', ORGANIZATION_ARN, OU_ARN],
      authorizedTargets: [APPLICATION_ARN],
      timeout: Duration.minutes(5),
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::LakeFormationIdentityCenter', {
      CatalogId: '222222222222',
      InstanceArn: INSTANCE_ARN,
      ShareRecipients: ['333333333333', ORGANIZATION_ARN, OU_ARN],
      AuthorizedTargets: [APPLICATION_ARN],
      TimeoutSeconds: 300,
    });
  });

  test('an environment-agnostic stack uses its account as the catalog at deploy time', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Agnostic');

    // WHEN
    new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN });

    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::LakeFormationIdentityCenter', { CatalogId: { Ref: 'AWS::AccountId' } });
  });

  test('the provider role may manage the configuration and the IdC applications of the one instance, and write its logs; no RAM without shares', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN });

    // THEN
    const logGroup = providerOf(stack).node.findChild('Logs');
    expect(allPolicyStatements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(stack, logGroup), 'Arn'] },
      },
      { Effect: 'Allow', Action: LAKE_FORMATION_ACTIONS, Resource: '*' },
      { Effect: 'Allow', Action: SSO_ACTIONS, Resource: SSO_RESOURCES },
    ]);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('with share recipients, the provider role may also manage this account\'s RAM resource shares', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN, shareRecipients: ['222222222222'] });

    // THEN
    const statements = allPolicyStatements(stack);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['ram:DeleteResourceShare', 'ram:AssociateResourceShare', 'ram:DisassociateResourceShare'],
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ram:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':resource-share/*']],
      },
    });
    // CreateResourceShare and GetResourceShares have no resource type.
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['ram:CreateResourceShare', 'ram:GetResourceShares'], Resource: '*' });
    expect(statements).toHaveLength(5);
  });

  test('an empty list of share recipients adds no RAM permission', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN, shareRecipients: [] });

    // THEN
    expect(allPolicyStatements(stack).flatMap(s => [s.Action].flat()).filter((a: string) => a.startsWith('ram:'))).toEqual([]);
  });

  test('the RAM permission covers this account\'s resource shares only', async () => {
    // GIVEN
    const { stack } = newStack();
    new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN, shareRecipients: ['222222222222'] });
    const m = AccessMatrix.fromStack(stack);
    const role = providerOf(stack).node.findChild('Role');
    const share = (account: string) => `arn:aws:ram:us-east-1:${account}:resource-share/7ab63972-b505-7e2a-420d-6f5d3EXAMPLE`;

    // WHEN / THEN
    await m.expectMatrix([
      { description: 'deletes a share of this account', kind: 'identity', principal: role, action: 'ram:DeleteResourceShare', resource: share('111111111111'), expect: 'Allowed' },
      { description: 'associates a share of this account', kind: 'identity', principal: role, action: 'ram:AssociateResourceShare', resource: share('111111111111'), expect: 'Allowed' },
      { description: 'not a share of another account', kind: 'identity', principal: role, action: 'ram:DeleteResourceShare', resource: share('222222222222'), expect: 'Denied' },
      { description: 'the lakeformation configuration', kind: 'identity', principal: role, action: 'lakeformation:CreateLakeFormationIdentityCenterConfiguration', resource: '*', expect: 'Allowed' },
      { description: 'an application of the instance', kind: 'identity', principal: role, action: 'sso:PutApplicationGrant', resource: 'arn:aws:sso::999999999999:application/ssoins-7223a4d1b8c6e5f0/apl-1234567890abcdef', expect: 'Allowed' },
      { description: 'not an application of another instance', kind: 'identity', principal: role, action: 'sso:PutApplicationGrant', resource: 'arn:aws:sso::111111111111:application/ssoins-0000000000000000/apl-1234567890abcdef', expect: 'Denied' },
    ]);
  });

  // ram:CreateResourceShare and ram:GetResourceShares have no resource type (Service Authorization
  // Reference): a statement on resource-share/* alone would never allow them.
  test('with share recipients, the provider role may create and list RAM resource shares (actions without a resource type)', async () => {
    // GIVEN
    const { stack } = newStack();
    new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN, shareRecipients: ['222222222222'] });
    const m = AccessMatrix.fromStack(stack);
    const role = providerOf(stack).node.findChild('Role');

    // WHEN / THEN
    await m.expectMatrix([
      { description: 'creates a share', kind: 'identity', principal: role, action: 'ram:CreateResourceShare', resource: '*', expect: 'Allowed' },
      { description: 'lists shares', kind: 'identity', principal: role, action: 'ram:GetResourceShares', resource: '*', expect: 'Allowed' },
    ]);
  });

  test('two instances in one stack share one provider Lambda, role and log group', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationIdentityCenter(stack, 'Here', { instanceArn: INSTANCE_ARN });
    new LakeFormationIdentityCenter(stack, 'There', { instanceArn: INSTANCE_ARN, catalogId: '222222222222' });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::LakeFormationIdentityCenter', 2);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    const tokens = Object.values<any>(template.findResources('Custom::LakeFormationIdentityCenter')).map((r) => r.Properties.ServiceToken);
    expect(tokens[0]).toEqual(tokens[1]);
    // Each instance adds its statements; IAM merges identical ones.
    expect(allPolicyStatements(stack).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('lakeformation:')))).toHaveLength(1);
    expect(allPolicyStatements(stack).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('sso:')))).toHaveLength(1);
  });

  test('the provider function runs with its permissions in place (depends on the role policy)', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN });

    // THEN
    const policy = providerOf(stack).node.findChild('Role').node.findChild('DefaultPolicy');
    const fn = Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    expect(fn.DependsOn).toEqual(expect.arrayContaining([logicalId(stack, policy)]));
  });

  describe('synth-time errors', () => {
    const cases: Array<[string, Partial<LakeFormationIdentityCenterProps>, RegExp]> = [
      ['an application ARN as instanceArn', { instanceArn: APPLICATION_ARN },
        /\[S\/Idc\] instanceArn: "arn:aws:sso::111111111111:application\/ssoins-7223a4d1b8c6e5f0\/apl-1234567890abcdef" is not valid\. Give the IAM Identity Center INSTANCE ARN, arn:aws:sso:::instance\/ssoins-<16 characters> \(aws sso-admin list-instances\), not an application ARN\./],
      ['an instance id as instanceArn', { instanceArn: 'ssoins-7223a4d1b8c6e5f0' },
        /\[S\/Idc\] instanceArn: "ssoins-7223a4d1b8c6e5f0" is not valid\. Give the IAM Identity Center INSTANCE ARN/],
      ['a catalogId that is not an account id', { catalogId: '12345' },
        /\[S\/Idc\] catalogId: "12345" is not valid\. Give the 12-digit account id of the catalog\./],
      ['an account ARN as share recipient', { shareRecipients: ['arn:aws:iam::222222222222:root'] },
        /\[S\/Idc\] shareRecipients: "arn:aws:iam::222222222222:root" is not valid\. Give account ids, organization ARNs or organizational unit ARNs\./],
      ['an organization id as share recipient', { shareRecipients: ['o-a1b2c3d4e5'] },
        /\[S\/Idc\] shareRecipients: "o-a1b2c3d4e5" is not valid\. Give account ids, organization ARNs or organizational unit ARNs\./],
      ['the instance ARN as authorized target', { authorizedTargets: [INSTANCE_ARN] },
        /\[S\/Idc\] authorizedTargets: "arn:aws:sso:::instance\/ssoins-7223a4d1b8c6e5f0" is not valid\. Give IAM Identity Center application ARNs, arn:aws:sso::<account>:application\/ssoins-\.\.\.\/apl-\.\.\.\./],
      ['a timeout of 5 seconds', { timeout: Duration.seconds(5) },
        /\[S\/Idc\] timeout: "5 seconds" is not valid\. Give between 10 seconds and 14 minutes\./],
      ['a timeout of 20 minutes', { timeout: Duration.minutes(20) },
        /\[S\/Idc\] timeout: "20 minutes" is not valid\. Give between 10 seconds and 14 minutes\./],
    ];
    test.each(cases)('fails when given %s', (_name, props, error) => {
      // GIVEN
      const { stack } = newStack();

      // WHEN / THEN
      expect(() => new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN, ...props })).toThrow(error);
    });

    test('accepts the boundary timeouts of 10 seconds and 14 minutes', () => {
      // GIVEN
      const { stack } = newStack();

      // WHEN
      new LakeFormationIdentityCenter(stack, 'Short', { instanceArn: INSTANCE_ARN, timeout: Duration.seconds(10) });
      new LakeFormationIdentityCenter(stack, 'Long', { instanceArn: INSTANCE_ARN, catalogId: '222222222222', timeout: Duration.minutes(14) });

      // THEN
      const timeouts = Object.values<any>(Template.fromStack(stack).findResources('Custom::LakeFormationIdentityCenter'))
        .map((r) => r.Properties.TimeoutSeconds);
      expect(timeouts.sort()).toEqual([10, 840]);
    });
  });

  test('has no unsuppressed cdk-nag AwsSolutions finding', () => {
    // GIVEN
    const { app, stack } = newStack();
    new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN, shareRecipients: [ORGANIZATION_ARN], authorizedTargets: [APPLICATION_ARN] });

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

  test('the nag acknowledgement on the provider names the wildcards it covers', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationIdentityCenter(stack, 'Idc', { instanceArn: INSTANCE_ARN });

    // THEN
    const policy = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0];
    expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringMatching(/lakeformation:\*IdentityCenterConfiguration actions have no resource type.*application\/<instance id>\/\*.*applicationProvider\/\*/),
    }]);
  });
});
