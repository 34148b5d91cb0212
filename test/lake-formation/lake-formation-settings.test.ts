import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LakeFormationSettings, LakeFormationSettingsProps } from '../../src';
import { allPolicyStatements, logicalId, newStack } from '../template-helpers';

const IMPORTED_ARN = 'arn:aws:iam::111111111111:role/imported-admin';

function adminRole(stack: Stack, id = 'Admin'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
}

const roleArn = (stack: Stack, construct: iam.IRole | iam.IUser) => ({ 'Fn::GetAtt': [logicalId(stack, construct), 'Arn'] });

describe('LakeFormationSettings', () => {
  test('is a Custom::LakeFormationSettings with the admins (GetAtt in the app, literal when imported) and parameters', () => {
    // GIVEN
    const { stack } = newStack();
    const admin = adminRole(stack);
    const reader = adminRole(stack, 'Reader');
    const user = new iam.User(stack, 'Alice');
    const imported = iam.Role.fromRoleArn(stack, 'Imported', IMPORTED_ARN);

    // WHEN
    const settings = new LakeFormationSettings(stack, 'Settings', {
      admins: [admin, imported, user],
      readOnlyAdmins: [reader],
      parameters: { SET_CONTEXT: 'TRUE', CROSS_ACCOUNT_VERSION: '4' },
    });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::LakeFormationSettings', 1);
    const providerFn = stack.node.findChild('CdkAnalyticsAccessLakeFormationSettingsProvider').node.findChild('Handler');
    template.hasResourceProperties('Custom::LakeFormationSettings', {
      ServiceToken: { 'Fn::GetAtt': [logicalId(stack, providerFn), 'Arn'] },
      Admins: [roleArn(stack, admin), IMPORTED_ARN, roleArn(stack, user)],
      ReadOnlyAdmins: [roleArn(stack, reader)],
      Parameters: { SET_CONTEXT: 'TRUE', CROSS_ACCOUNT_VERSION: '4' },
    });
    expect(logicalId(stack, settings.resource)).toBe(logicalId(stack, settings));
    // No AWS::LakeFormation::DataLakeSettings, which would replace the account's settings.
    template.resourceCountIs('AWS::LakeFormation::DataLakeSettings', 0);
  });

  test('sends empty lists and an empty map for what is not given', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationSettings(stack, 'Settings', { parameters: { SET_CONTEXT: 'TRUE' } });

    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::LakeFormationSettings', {
      Admins: [],
      ReadOnlyAdmins: [],
      Parameters: { SET_CONTEXT: 'TRUE' },
    });
  });

  test('two instances in one stack share one provider Lambda, role and log group', () => {
    // GIVEN
    const { stack } = newStack();
    const admin = adminRole(stack);

    // WHEN
    new LakeFormationSettings(stack, 'Admins', { admins: [admin] });
    new LakeFormationSettings(stack, 'Context', { parameters: { SET_CONTEXT: 'TRUE' } });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::LakeFormationSettings', 2);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    const tokens = Object.values<any>(template.findResources('Custom::LakeFormationSettings')).map((r) => r.Properties.ServiceToken);
    expect(tokens[0]).toEqual(tokens[1]);
    // The lakeformation statement is added once per instance; IAM merges identical statements.
    expect(allPolicyStatements(stack).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('lakeformation:')))).toHaveLength(1);
  });

  test('each stack gets its own provider', () => {
    // GIVEN
    const { app, stack } = newStack();
    const other = new Stack(app, 'Other', { env: { account: '111111111111', region: 'us-east-1' } });

    // WHEN
    new LakeFormationSettings(stack, 'Settings', { parameters: { SET_CONTEXT: 'TRUE' } });
    new LakeFormationSettings(other, 'Settings', { parameters: { SET_CONTEXT: 'TRUE' } });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 1);
    Template.fromStack(other).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('the provider role may read and write the data lake settings and write its own logs, nothing else', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationSettings(stack, 'Settings', { admins: [adminRole(stack)] });

    // THEN
    const provider = stack.node.findChild('CdkAnalyticsAccessLakeFormationSettingsProvider');
    const logGroup = provider.node.findChild('Logs');
    expect(allPolicyStatements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(stack, logGroup), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['lakeformation:GetDataLakeSettings', 'lakeformation:PutDataLakeSettings'],
        Resource: '*',
      },
    ]);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      ManagedPolicyArns: Match.absent(),
    });
    // Only the provider role and the admin role; the admin role has no policy from us.
    template.resourceCountIs('AWS::IAM::Role', 2);
  });

  test('the provider function runs with its permissions in place (depends on the role policy)', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationSettings(stack, 'Settings', { parameters: { SET_CONTEXT: 'TRUE' } });

    // THEN
    const provider = stack.node.findChild('CdkAnalyticsAccessLakeFormationSettingsProvider');
    const policy = provider.node.findChild('Role').node.findChild('DefaultPolicy');
    const fn = Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0];
    expect(fn.DependsOn).toEqual(expect.arrayContaining([logicalId(stack, policy)]));
  });

  describe('synth-time errors', () => {
    const cases: Array<[string, (stack: Stack) => LakeFormationSettingsProps, RegExp]> = [
      ['empty props', () => ({}),
        /\[S\/Settings\] props: "empty" is not valid\. Give admins, readOnlyAdmins or parameters\./],
      ['empty lists and map', () => ({ admins: [], readOnlyAdmins: [], parameters: {} }),
        /\[S\/Settings\] props: "empty" is not valid/],
      ['a lower-case parameter name', () => ({ parameters: { set_context: 'TRUE' } }),
        /\[S\/Settings\] parameters: "set_context" is not valid\. Parameter names are upper-case words joined by "_", such as SET_CONTEXT\./],
      ['a parameter name starting with a digit', () => ({ parameters: { '1X': 'TRUE' } }),
        /\[S\/Settings\] parameters: "1X" is not valid/],
      ['an empty parameter value', () => ({ parameters: { SET_CONTEXT: '' } }),
        /\[S\/Settings\] parameters\.SET_CONTEXT: "" is not valid\. Give a non-empty string value\./],
      ['a service principal as admin', () => ({ admins: [new iam.ServicePrincipal('glue.amazonaws.com')] }),
        /\[S\/Settings\] admins: .*glue\.amazonaws\.com.* is not valid\. Give IAM roles or users: Lake Formation administrators are IAM roles and users, not groups or accounts\./],
      ['a service principal as read-only admin', () => ({ readOnlyAdmins: [new iam.ServicePrincipal('glue.amazonaws.com')] }),
        /\[S\/Settings\] readOnlyAdmins: .* is not valid\. Give IAM roles or users/],
      ['an imported iam.Group as admin', (stack) => ({ admins: [iam.Group.fromGroupArn(stack, 'Group', 'arn:aws:iam::111111111111:group/analysts')] }),
        /\[S\/Settings\] admins: "S\/Group" is not valid\. Give IAM roles or users/],
      ['a group ARN principal as admin', () => ({ admins: [new iam.ArnPrincipal('arn:aws:iam::111111111111:group/analysts')] }),
        /\[S\/Settings\] admins: .*group\/analysts.* is not valid/],
      ['an iam.Group of this app as admin (its ARN is a token until deploy)', (stack) => ({ admins: [new iam.Group(stack, 'InApp')] }),
        /\[S\/Settings\] admins: .* is not valid\. Give IAM roles or users/],
      ['the account as admin', () => ({ admins: [new iam.AccountRootPrincipal()] }),
        /\[S\/Settings\] admins: .* is not valid\. Give IAM roles or users/],
      ['a composite principal as admin', (stack) => ({ admins: [new iam.CompositePrincipal(adminRole(stack, 'A'), adminRole(stack, 'B'))] }),
        /\[S\/Settings\] admins: .* is not valid/],
    ];
    test.each(cases)('fails when given %s', (_name, props, error) => {
      // GIVEN
      const { stack } = newStack();

      // WHEN / THEN
      expect(() => new LakeFormationSettings(stack, 'Settings', props(stack))).toThrow(error);
    });
  });

  test('has no unsuppressed cdk-nag AwsSolutions finding', () => {
    // GIVEN
    const { app, stack } = newStack();
    new LakeFormationSettings(stack, 'Settings', {
      admins: [iam.Role.fromRoleArn(stack, 'Imported', IMPORTED_ARN)],
      parameters: { SET_CONTEXT: 'TRUE' },
    });
    new LakeFormationSettings(stack, 'More', { readOnlyAdmins: [iam.Role.fromRoleArn(stack, 'Reader', 'arn:aws:iam::111111111111:role/reader')] });

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

  test('the nag acknowledgement on the provider names the wildcard it covers', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    new LakeFormationSettings(stack, 'Settings', { parameters: { SET_CONTEXT: 'TRUE' } });

    // THEN
    const policy = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0];
    expect(policy.Metadata.cdk_nag.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringMatching(/lakeformation:GetDataLakeSettings\/PutDataLakeSettings have no resource type/),
    }]);
  });
});
