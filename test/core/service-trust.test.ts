import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ServiceTrust, SessionAction } from '../../src';

function trustOf(principal: iam.IPrincipal, externalIds?: string[]): any {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
  new iam.Role(stack, 'Role', { assumedBy: principal, externalIds });
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
  return Object.values(roles)[0].Properties.AssumeRolePolicyDocument.Statement;
}

describe('ServiceTrust', () => {
  test('redshiftWarehouse trusts redshift and redshift-serverless with sts:AssumeRole only', () => {
    expect(trustOf(ServiceTrust.redshiftWarehouse())).toEqual([
      { Effect: 'Allow', Principal: { Service: 'redshift.amazonaws.com' }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { Service: 'redshift-serverless.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  test('regions switch to the regional Redshift principals', () => {
    expect(trustOf(ServiceTrust.redshift({ regions: ['us-east-1', 'us-west-2'] }))).toEqual([
      { Effect: 'Allow', Principal: { Service: ['redshift.us-east-1.amazonaws.com', 'redshift.us-west-2.amazonaws.com'] }, Action: 'sts:AssumeRole' },
    ]);
  });

  test('session actions are added to the same statement (IdC application role: AssumeRole + SetContext, G5)', () => {
    expect(trustOf(ServiceTrust.redshift({ sessionActions: [SessionAction.SET_CONTEXT] }))).toEqual([
      { Effect: 'Allow', Principal: { Service: 'redshift.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
    ]);
  });

  test('externalIds of the role apply to every Redshift statement', () => {
    const statements = trustOf(ServiceTrust.redshiftWarehouse(), ['arn:aws:redshift:us-east-1:111111111111:dbuser:c/u']);
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      expect(statement.Condition).toEqual({ StringEquals: { 'sts:ExternalId': 'arn:aws:redshift:us-east-1:111111111111:dbuser:c/u' } });
    }
  });

  test('lakeFormation allows AssumeRole and SetContext (G14)', () => {
    expect(trustOf(ServiceTrust.lakeFormation())).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lakeformation.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
    ]);
  });

  test('athena allows AssumeRole and SetContext for the IdC workgroup execution role (G17)', () => {
    expect(trustOf(ServiceTrust.athena())).toEqual([
      { Effect: 'Allow', Principal: { Service: 'athena.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
    ]);
  });

  test('emrStudioService trusts EMR from this account\'s EMR resources (documented confused-deputy conditions)', () => {
    expect(trustOf(ServiceTrust.emrStudioService())).toEqual([
      {
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
      },
    ]);
  });

  test('emrStudioUser allows AssumeRole and SetContext (the Studio starts trusted identity propagation)', () => {
    expect(trustOf(ServiceTrust.emrStudioUser())).toEqual([
      { Effect: 'Allow', Principal: { Service: 'elasticmapreduce.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
    ]);
  });

  test('events trusts events.amazonaws.com from the account of the role (confused deputy)', () => {
    expect(trustOf(ServiceTrust.events())).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  test('events with a rule-name prefix: ArnLike aws:SourceArn on the rules of that prefix', () => {
    expect(trustOf(ServiceTrust.events({ ruleNamePrefix: 'QS2-', account: '111111111111', region: 'eu-west-1' }))).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111111111111' },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111111111111:rule/QS2-*']] } },
        },
      },
    ]);
  });

  test('events with rule ARNs: ArnEquals aws:SourceArn on exactly those rules', () => {
    const rule = 'arn:aws:events:us-east-1:111111111111:rule/QS2-nightly';
    expect(trustOf(ServiceTrust.events({ ruleArns: [rule], account: '111111111111' }))[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111111111111' },
      ArnEquals: { 'aws:SourceArn': [rule] },
    });
  });

  test('accessGrants has the two documented statements with source conditions (G15)', () => {
    const instanceArn = 'arn:aws:s3:us-east-1:111111111111:access-grants/default';
    const statements = trustOf(ServiceTrust.accessGrants({ instanceArn }));
    // The account is the deploy-time account of the role's stack.
    const source = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnEquals: { 'aws:SourceArn': instanceArn } };
    expect(statements).toEqual([
      { Effect: 'Allow', Principal: { Service: 'access-grants.s3.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Condition: source },
      {
        Effect: 'Allow',
        Principal: { Service: 'access-grants.s3.amazonaws.com' },
        Action: 'sts:SetContext',
        Condition: {
          ...source,
          'ForAllValues:ArnEquals': { 'sts:RequestContextProviders': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:contextProvider/IdentityCenter']] } },
        },
      },
    ]);
  });
});
