import { App, Aws, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PrincipalTrust, SessionAction } from '../../src';

const env = { account: '222222222222', region: 'us-east-1' };
const ROLE_A = 'arn:aws:iam::111111111111:role/reporting';
const ROLE_B = 'arn:aws:iam::333333333333:role/etl';
const ORG_ID = 'o-a1b2c3d4e5';

function newStack(): Stack {
  return new Stack(new App(), 'S', { env });
}

function importedRoles(stack: Stack): iam.IRole[] {
  return [iam.Role.fromRoleArn(stack, 'A', ROLE_A), iam.Role.fromRoleArn(stack, 'B', ROLE_B)];
}

const root = (account: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] });

/** The statements of the only role's trust policy. */
function trustStatements(stack: Stack): any[] {
  const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
  expect(roles).toHaveLength(1);
  return (roles[0] as any).Properties.AssumeRolePolicyDocument.Statement;
}

describe('PrincipalTrust.roles', () => {
  test('one statement trusting exactly the roles\' ARNs with sts:AssumeRole, no condition by default', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new iam.Role(stack, 'Role', { assumedBy: PrincipalTrust.roles(importedRoles(stack)) });

    // THEN
    expect(trustStatements(stack)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: [ROLE_A, ROLE_B] },
    }]);
    expect(JSON.stringify(trustStatements(stack))).not.toContain(':root');
  });

  test('exposes the trusted ARNs and the actions', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const trust = PrincipalTrust.roles(importedRoles(stack), { sessionActions: [SessionAction.TAG_SESSION] });

    // THEN
    expect(trust.principalArns).toEqual([ROLE_A, ROLE_B]);
    expect(trust.actions).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(trust.policyFragment.principalJson).toEqual({ AWS: [ROLE_A, ROLE_B] });
    expect(trust.toString()).toBe(`PrincipalTrust(${ROLE_A},${ROLE_B})`);
  });

  test('a role of the same stack is trusted by its ARN attribute', () => {
    // GIVEN
    const stack = newStack();
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    new iam.Role(stack, 'Role', { assumedBy: PrincipalTrust.roles([caller]) });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: { 'Fn::GetAtt': [stack.getLogicalId(caller.node.defaultChild as iam.CfnRole), 'Arn'] } },
        }],
      },
    });
  });

  test('session actions join sts:AssumeRole in the same statement, deduplicated', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new iam.Role(stack, 'Role', {
      assumedBy: PrincipalTrust.roles(importedRoles(stack), {
        sessionActions: [SessionAction.SET_SOURCE_IDENTITY, SessionAction.TAG_SESSION, SessionAction.SET_SOURCE_IDENTITY],
      }),
    });

    // THEN
    expect(trustStatements(stack)).toEqual([{
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
      Principal: { AWS: [ROLE_A, ROLE_B] },
    }]);
  });

  test('organization and session name: AssumeRole carries both, the session actions only the organization (their requests have no session name)', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new iam.Role(stack, 'Role', {
      assumedBy: PrincipalTrust.roles(importedRoles(stack), {
        principalOrgId: ORG_ID,
        roleSessionName: 'reporting',
        sessionActions: [SessionAction.SET_SOURCE_IDENTITY],
      }),
    });

    // THEN
    expect(trustStatements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: [ROLE_A, ROLE_B] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID, 'sts:RoleSessionName': 'reporting' } },
      },
      {
        Effect: 'Allow',
        Action: 'sts:SetSourceIdentity',
        Principal: { AWS: [ROLE_A, ROLE_B] },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
      },
    ]);
  });

  test('only the conditions asked for: a session name alone', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new iam.Role(stack, 'Role', { assumedBy: PrincipalTrust.roles(importedRoles(stack), { roleSessionName: 'etl@corp.example' }) });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Condition: { StringEquals: { 'sts:RoleSessionName': 'etl@corp.example', 'aws:PrincipalOrgID': Match.absent() } },
        })],
      },
    });
  });

  test('the externalIds of iam.Role merge sts:ExternalId into the same StringEquals of the one statement', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new iam.Role(stack, 'Role', {
      assumedBy: PrincipalTrust.roles(importedRoles(stack), { principalOrgId: ORG_ID, roleSessionName: 'reporting' }),
      externalIds: ['reporting-from-a'],
    });

    // THEN
    expect(trustStatements(stack)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: [ROLE_A, ROLE_B] },
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': ORG_ID, 'sts:RoleSessionName': 'reporting', 'sts:ExternalId': 'reporting-from-a' },
      },
    }]);
  });

  test('several external ids without other conditions: one StringEquals with the list', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new iam.Role(stack, 'Role', { assumedBy: PrincipalTrust.roles(importedRoles(stack)), externalIds: ['one', 'two'] });

    // THEN
    expect(trustStatements(stack)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: [ROLE_A, ROLE_B] },
      Condition: { StringEquals: { 'sts:ExternalId': ['one', 'two'] } },
    }]);
  });

  test('equal trusts have the same dedupe string, different ones do not', () => {
    // GIVEN
    const stack = newStack();
    const roles = importedRoles(stack);

    // WHEN
    const a = PrincipalTrust.roles(roles, { roleSessionName: 'reporting' });
    const b = PrincipalTrust.roles(roles, { roleSessionName: 'reporting' });
    const c = PrincipalTrust.roles(roles, { roleSessionName: 'other' });

    // THEN
    expect(a.dedupeString()).toEqual(b.dedupeString());
    expect(a.dedupeString()).not.toEqual(c.dedupeString());
  });

  test('fails when no role is given', () => {
    expect(() => PrincipalTrust.roles([])).toThrow(/^\[PrincipalTrust\.roles\] roles: \[\] is not valid\. Give at least one role\.$/);
  });
});

describe('PrincipalTrust.accounts', () => {
  test('trusts the account roots only, in the stack\'s partition', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new iam.Role(stack, 'Role', { assumedBy: PrincipalTrust.accounts(['111111111111', '333333333333']) });

    // THEN
    expect(trustStatements(stack)).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: [root('111111111111'), root('333333333333')] },
    }]);
  });

  test('with conditions, session actions and an external id: the external id and session name on AssumeRole only', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new iam.Role(stack, 'Role', {
      assumedBy: PrincipalTrust.accounts(['111111111111'], {
        principalOrgId: ORG_ID, roleSessionName: 'reporting', externalId: 'ext-1', sessionActions: [SessionAction.TAG_SESSION, SessionAction.TAG_SESSION],
      }),
    });

    // THEN
    expect(trustStatements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: root('111111111111') },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID, 'sts:ExternalId': 'ext-1', 'sts:RoleSessionName': 'reporting' } },
      },
      { Effect: 'Allow', Action: 'sts:TagSession', Principal: { AWS: root('111111111111') }, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } } },
    ]);
  });

  test('fails when the external id has characters STS refuses', () => {
    expect(() => PrincipalTrust.accounts(['111111111111'], { externalId: 'has space' })).toThrow(/externalId: "has space" is not valid/);
  });

  test('accepts an account id token', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new iam.Role(stack, 'Role', { assumedBy: PrincipalTrust.accounts([Aws.ACCOUNT_ID]) });

    // THEN
    expect(trustStatements(stack)[0].Principal).toEqual({
      AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] },
    });
  });

  test('fails when no account is given', () => {
    expect(() => PrincipalTrust.accounts([])).toThrow(/^\[PrincipalTrust\.accounts\] accountIds: \[\] is not valid\. Give at least one account id\.$/);
  });

  test.each(['12345', '1111111111112', 'abcdefghijkl', 'arn:aws:iam::111111111111:root', ''])('fails when an account id is not 12 digits (%j)', (account) => {
    expect(() => PrincipalTrust.accounts(['111111111111', account])).toThrow(
      new RegExp(`^\\[PrincipalTrust\\.accounts\\] accountIds: ${JSON.stringify(account).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid\\. Give 12-digit AWS account ids\\.$`));
  });
});

describe('PrincipalTrust options validation', () => {
  test.each(['org-a1b2c3d4e5', 'o-short', 'o-A1B2C3D4E5', 'a1b2c3d4e5'])('fails when the organization id is invalid (%j)', (principalOrgId) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => PrincipalTrust.roles(importedRoles(stack), { principalOrgId })).toThrow(
      new RegExp(`^\\[PrincipalTrust\\] principalOrgId: "${principalOrgId}" is not valid\\. Give the organization id, o- followed by 10-32 lowercase letters or digits\\.$`));
  });

  test('fails when the organization id is invalid, for accounts too', () => {
    expect(() => PrincipalTrust.accounts(['111111111111'], { principalOrgId: 'o-x' })).toThrow(/^\[PrincipalTrust\] principalOrgId: "o-x" is not valid\./);
  });

  test.each(['a', 'has space', 'colon:name', 'slash/name', 'x'.repeat(65)])('fails when the role session name is invalid (%j)', (roleSessionName) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => PrincipalTrust.roles(importedRoles(stack), { roleSessionName })).toThrow(
      /^\[PrincipalTrust\] roleSessionName: ".*" is not valid\. A role session name is 2-64 letters, digits and _\+=,\.@-\.$/);
  });

  test('accepts the characters STS allows in a session name, up to 64', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const trust = PrincipalTrust.roles(importedRoles(stack), { roleSessionName: 'a_b+c=d,e.f@g-h' });
    const longest = PrincipalTrust.roles(importedRoles(newStack()), { roleSessionName: 'x'.repeat(64) });

    // THEN
    expect(trust.policyFragment.conditions).toEqual({ StringEquals: { 'sts:RoleSessionName': 'a_b+c=d,e.f@g-h' } });
    expect(longest.policyFragment.conditions).toEqual({ StringEquals: { 'sts:RoleSessionName': 'x'.repeat(64) } });
  });
});
