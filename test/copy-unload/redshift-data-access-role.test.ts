import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RedshiftDataAccessRole, RedshiftDataAccessRoleProps, RedshiftTarget } from '../../src';
import { estimatedPolicyLength } from '../../src/core/private/policy-size';
import { AccessMatrix } from '../access-matrix';
import { fitIn, synthError } from '../synth-error';
import { allPolicyStatements, logicalId } from '../template-helpers';

const env = { account: '111111111111', region: 'us-east-1' };

function serverlessStack() {
  const stack = new Stack(new App(), 'S', { env });
  const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales' });
  const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
  return { stack, namespace, target: RedshiftTarget.serverless({ namespace, workgroup }) };
}

describe('RedshiftDataAccessRole', () => {
  test('is trusted by Redshift and Redshift Serverless only and is associated with the namespace as default', () => {
    // GIVEN / WHEN
    const { stack, target } = serverlessStack();
    const role = new RedshiftDataAccessRole(stack, 'CopyRole', { target, isDefault: true });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'redshift.amazonaws.com' }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { Service: 'redshift-serverless.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      ManagedPolicyArns: Match.absent(),
    });
    template.hasResourceProperties('AWS::RedshiftServerless::Namespace', {
      IamRoles: [{ 'Fn::GetAtt': [logicalId(stack, role), 'Arn'] }],
      DefaultIamRoleArn: { 'Fn::GetAtt': [logicalId(stack, role), 'Arn'] },
    });
    expect(role.roleChainArns).toEqual([role.roleArn]);
  });

  test('grantCopyFrom gives list on the prefix and get under it, nothing else', () => {
    const { stack, target } = serverlessStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const role = new RedshiftDataAccessRole(stack, 'CopyRole', { target });
    role.grantCopyFrom(bucket, 'incoming/');

    const bucketId = logicalId(stack, bucket);
    expect(allPolicyStatements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
        Condition: { StringLike: { 's3:prefix': ['incoming/*'] } },
      },
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/incoming/*']] },
      },
    ]);
  });

  test('grantUnloadTo gives put under the prefix and a data key on the bucket key, no KMS wildcard', () => {
    const { stack, target } = serverlessStack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Out', { encryptionKey: key });
    const role = new RedshiftDataAccessRole(stack, 'UnloadRole', { target });
    role.grantUnloadTo(bucket, 'exports/');

    const statements = allPolicyStatements(stack);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] }, '/exports/*']] },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: { 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] },
    });
    expect(statements.flatMap(s => [s.Action].flat())).not.toContain('s3:GetObject');
  });

  test('grantCopyFrom without prefix covers the whole bucket, with decrypt on its key', () => {
    const { stack, target } = serverlessStack();
    const bucket = new s3.Bucket(stack, 'Data', { encryptionKey: new kms.Key(stack, 'Key') });
    new RedshiftDataAccessRole(stack, 'CopyRole', { target }).grantCopyFrom(bucket);
    const statements = allPolicyStatements(stack);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] } });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] } });
  });

  test('grantCopyFromTable gives DescribeTable and Scan on that table only', () => {
    const { stack, target } = serverlessStack();
    const table = new dynamodb.Table(stack, 'Tbl', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new RedshiftDataAccessRole(stack, 'CopyRole', { target }).grantCopyFromTable(table);
    expect(allPolicyStatements(stack)).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:DescribeTable', 'dynamodb:Scan'], Resource: { 'Fn::GetAtt': [logicalId(stack, table), 'Arn'] } },
    ]);
  });

  test('dbUsers restrict the trust to those database users with sts:ExternalId, and to provisioned Redshift (Serverless never sends one)', () => {
    const stack = new Stack(new App(), 'S', { env });
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: '111111111111', region: 'us-east-1' });
    new RedshiftDataAccessRole(stack, 'CopyRole', { target, dbUsers: ['etl'] });
    const dbUser = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:us-east-1:111111111111:dbuser:analytics/etl']] };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { Service: 'redshift.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': dbUser } } }),
        ],
      },
    });
  });

  test('a chained role in another account trusts exactly the first role, which may assume it', () => {
    // GIVEN the warehouse account and a bucket-owner account in one app
    const app = new App();
    const warehouse = new Stack(app, 'Warehouse', { env });
    const partner = new Stack(app, 'Partner', { env: { account: '222222222222', region: 'us-east-1' } });
    const namespace = new rs.CfnNamespace(warehouse, 'Ns', { namespaceName: 'sales' });
    const workgroup = new rs.CfnWorkgroup(warehouse, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
    const first = new RedshiftDataAccessRole(warehouse, 'First', { target: RedshiftTarget.serverless({ namespace, workgroup }) });

    // WHEN
    const second = new RedshiftDataAccessRole(partner, 'Second', { chainedFrom: first });
    second.grantCopyFrom(s3.Bucket.fromBucketName(partner, 'Shared', 'partner-data'), 'shared/');

    // THEN the partner role trusts the first role's ARN (a generated physical name), not account 111111111111
    const partnerRole = Object.values(Template.fromStack(partner).findResources('AWS::IAM::Role'))[0] as any;
    const principal = partnerRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS;
    expect(JSON.stringify(principal)).toMatch(/:iam::111111111111:role\/warehouse/);
    expect(JSON.stringify(principal)).not.toMatch(/:root/);
    // and the first role may assume the second
    expect(allPolicyStatements(warehouse)).toContainEqual(expect.objectContaining({ Action: 'sts:AssumeRole', Effect: 'Allow' }));
    expect(second.roleChainArns).toHaveLength(2);
    expect(warehouse.resolve(second.roleChainArns[0])).toEqual(warehouse.resolve(first.roleArn));
  });

  test('fromRoleChain imports a chain; a same-account previous role gets the AssumeRole policy attached', () => {
    const stack = new Stack(new App(), 'S', { env });
    const chain = RedshiftDataAccessRole.fromRoleChain(stack, 'Existing', ['arn:aws:iam::111111111111:role/attached']);
    const next = new RedshiftDataAccessRole(stack, 'Next', { chainedFrom: chain });
    expect(next.roleChainArns[0]).toBe('arn:aws:iam::111111111111:role/attached');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['attached'],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::GetAtt': [logicalId(stack, next), 'Arn'] } }] },
    });
  });

  test('an imported previous role in another account gets a warning that it must allow AssumeRole itself', () => {
    const stack = new Stack(new App(), 'S', { env });
    const chain = RedshiftDataAccessRole.fromRoleChain(stack, 'Existing', ['arn:aws:iam::333333333333:role/attached']);
    new RedshiftDataAccessRole(stack, 'Next', { chainedFrom: chain });
    Annotations.fromStack(stack).hasWarning('/S/Next', Match.stringLikeRegexp('is imported from another account, so its policy cannot be changed here: allow it sts:AssumeRole'));
  });

  test('fails when the chain is longer than 10 roles (G9)', () => {
    const stack = new Stack(new App(), 'S', { env });
    const arns = Array.from({ length: 10 }, (_, i) => `arn:aws:iam::111111111111:role/r${i}`);
    const ten = RedshiftDataAccessRole.fromRoleChain(stack, 'Ten', arns);
    expect(() => new RedshiftDataAccessRole(stack, 'Eleventh', { chainedFrom: ten }))
      .toThrow(/\[S\/Eleventh\] chainedFrom: "a chain of 11 roles" is not valid\. Redshift accepts at most 10 roles/);
  });

  test('fails when neither or both of target and chainedFrom are given', () => {
    const { stack, target } = serverlessStack();
    expect(() => new RedshiftDataAccessRole(stack, 'None', {})).toThrow(/\[S\/None\] target\/chainedFrom: "neither" is not valid/);
    const first = new RedshiftDataAccessRole(stack, 'First', { target });
    expect(() => new RedshiftDataAccessRole(stack, 'Both', { target, chainedFrom: first })).toThrow(/"both" is not valid/);
  });

  test('fails when dbUsers is used on Serverless (no documented dbuser ARN format to rely on)', () => {
    const { stack, target } = serverlessStack();
    expect(() => new RedshiftDataAccessRole(stack, 'R', { target, dbUsers: ['etl'] }))
      .toThrow(/\[S\/R\] dbUsers: \["etl"\] is not valid\. .*provisioned clusters only/);
  });

  test('fails when a prefix starts with "/" or holds a wildcard', () => {
    const { stack, target } = serverlessStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const role = new RedshiftDataAccessRole(stack, 'R', { target });
    expect(() => role.grantCopyFrom(bucket, '/incoming/')).toThrow(/grantCopyFrom\(prefix\): "\/incoming\/" is not valid/);
    expect(() => role.grantUnloadTo(bucket, 'a*/')).toThrow(/grantUnloadTo\(prefix\): "a\*\/" is not valid/);
  });

  test('uses no AWS-managed policy (G21)', () => {
    const { stack, target } = serverlessStack();
    const role = new RedshiftDataAccessRole(stack, 'R', { target });
    role.grantCopyFrom(new s3.Bucket(stack, 'B'));
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toMatch(/iam::aws:policy/);
    expect(role).toBeInstanceOf(iam.Role);
  });
});

/** `count` database users with names of one length (zero-padded). */
function dbUserNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `etl_user_${String(i).padStart(2, '0')}`);
}

/** A role on an imported cluster of the stack's account restricted to `count` database users, in a fresh app. */
function withDbUsers(count: number, props: Partial<RedshiftDataAccessRoleProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'S', { env });
  const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: '111111111111', region: 'us-east-1' });
  const role = new RedshiftDataAccessRole(stack, 'CopyRole', { target, dbUsers: dbUserNames(count), ...props });
  return { app, stack, role };
}


function trustOf(stack: Stack, role: iam.IRole): any[] {
  return Template.fromStack(stack).toJSON().Resources[logicalId(stack, role)].Properties.AssumeRolePolicyDocument.Statement;
}

describe('RedshiftDataAccessRole trust policy size (G19)', () => {
  test('fails at synthesis with 30 database users: the size, the quota, how many fit and the fixes', () => {
    // GIVEN
    const { app, stack } = withDbUsers(30);

    // WHEN
    const message = synthError(app);

    // THEN
    const match = /\[S\/CopyRole\] dbUsers: the trust policy is about (\d+) characters with 30 database users; IAM allows 2048 \(not counting whitespace; gotcha G19\), so about (\d+) fit\./.exec(message ?? '');
    expect(match).not.toBeNull();
    const [length, fit] = [Number(match![1]), Number(match![2])];
    expect(length).toBeGreaterThan(2048);
    expect(fit).toBeLessThan(30);
    expect(fit).toBeGreaterThan(0);
    expect(message).toMatch(/so about \d+ fit\. List fewer dbUsers \(each is a dbuser ARN in sts:ExternalId\) and control COPY\/UNLOAD with database permissions instead, or raise the quota in Service Quotas and set trustPolicySizeQuota\.$/);
    expect(() => Template.fromStack(stack)).toThrow(/the trust policy is about \d+ characters with 30 database users/);
  });

  test('"about M fit" is exact: M database users pass the check and M + 1 fail it', () => {
    // GIVEN
    const fitOf = (count: number) => fitIn(synthError(withDbUsers(count).app));

    // WHEN
    const fit = fitOf(30)!;

    // THEN
    expect(fit).toBeGreaterThan(1);
    expect(fitOf(fit)).toBeUndefined();
    expect(fitOf(fit + 1)).toBe(fit);
  });

  test('"about M fit" is exact for a cluster imported without account and Region (pseudo parameters)', () => {
    // GIVEN
    const fitOf = (count: number) => {
      const app = new App();
      const stack = new Stack(app, 'S', { env });
      new RedshiftDataAccessRole(stack, 'CopyRole', { target: RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' }), dbUsers: dbUserNames(count) });
      return fitIn(synthError(app));
    };

    // WHEN
    const fit = fitOf(30)!;

    // THEN
    expect(fit).toBeGreaterThan(1);
    expect(fitOf(fit)).toBeUndefined();
    expect(fitOf(fit + 1)).toBe(fit);
  });

  test('the construct path appears once in the message', () => {
    // GIVEN
    const { app } = withDbUsers(30);

    // WHEN / THEN
    expect(() => app.synth()).toThrow(/^(?!.*\[S\/CopyRole\].*\[S\/CopyRole\])[\s\S]*\[S\/CopyRole\] dbUsers:/);
  });

  test('30 database users fail with the default quota and pass with trustPolicySizeQuota 4096', () => {
    // GIVEN
    const failing = withDbUsers(30);

    // WHEN
    const raised = withDbUsers(30, { trustPolicySizeQuota: 4096 });

    // THEN
    expect(() => failing.app.synth()).toThrow(/\[S\/CopyRole\] dbUsers: the trust policy is about \d+ characters with 30 database users; IAM allows 2048 /);
    expect(() => raised.app.synth()).not.toThrow();
    expect(trustOf(raised.stack, raised.role)[0].Condition.StringEquals['sts:ExternalId']).toHaveLength(30);
  });

  test('3 database users fit, and the estimate is never below the deployed size', () => {
    // GIVEN
    const { app, stack, role } = withDbUsers(3);
    const imported = new RedshiftDataAccessRole(stack, 'ImportedCopyRole', {
      target: RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' }), dbUsers: dbUserNames(3),
    });

    // WHEN
    app.synth();

    // THEN
    for (const r of [role, imported]) {
      expect(trustOf(stack, r)[0].Condition.StringEquals['sts:ExternalId']).toHaveLength(3);
      // The deployed document, with the pseudo parameters of 111111111111 in us-east-1 and the aws partition, is no longer than the estimate.
      const deployed = AccessMatrix.fromTemplate({}).resolve(stack.resolve(r.assumeRolePolicy!));
      expect(JSON.stringify(deployed)).not.toMatch(/Fn::|"Ref"/);
      expect(JSON.stringify(deployed)).toContain('arn:aws:redshift:us-east-1:111111111111:dbuser:analytics/etl_user_00');
      expect(estimatedPolicyLength(stack, r.assumeRolePolicy!)).toBeGreaterThanOrEqual(JSON.stringify(deployed).length);
    }
  });

  test.each([1000, 2048.5])('fails when trustPolicySizeQuota is %p', (quota) => {
    // GIVEN
    const stack = new Stack(new App(), 'S', { env });
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });

    // WHEN / THEN
    expect(() => new RedshiftDataAccessRole(stack, 'CopyRole', { target, dbUsers: ['etl'], trustPolicySizeQuota: quota })).toThrow(
      new RegExp(`^\\[S/CopyRole\\] trustPolicySizeQuota: ${String(quota).replace('.', '\\.')} is not valid\\. Give the account's quota in characters, at least the default 2048\\.$`));
  });
});

describe('RedshiftDataAccessRole trust principals with and without dbUsers', () => {
  test('with dbUsers only redshift.amazonaws.com is trusted; without them, Redshift and Redshift Serverless (template)', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S', { env });
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: '111111111111', region: 'us-east-1' });

    // WHEN
    const restricted = new RedshiftDataAccessRole(stack, 'Restricted', { target, dbUsers: ['etl', 'loader'] });
    const open = new RedshiftDataAccessRole(stack, 'Open', { target });

    // THEN
    const services = (role: iam.IRole) => trustOf(stack, role).map((s) => s.Principal.Service);
    expect(services(restricted)).toEqual(['redshift.amazonaws.com']);
    expect(JSON.stringify(trustOf(stack, restricted))).not.toContain('redshift-serverless');
    expect(services(open)).toEqual(['redshift.amazonaws.com', 'redshift-serverless.amazonaws.com']);
  });

  test('with dbUsers and regions only the regional Redshift principals are trusted, none of Serverless', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S', { env });
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: '111111111111', region: 'us-east-1' });

    // WHEN
    const role = new RedshiftDataAccessRole(stack, 'Restricted', { target, dbUsers: ['etl'], regions: ['us-east-1', 'eu-west-1'] });

    // THEN
    const principals = trustOf(stack, role).flatMap((s) => [s.Principal.Service].flat());
    expect(principals).toEqual(['redshift.us-east-1.amazonaws.com', 'redshift.eu-west-1.amazonaws.com']);
  });

  test('access matrix: Redshift Serverless cannot assume the dbUsers role, even with a listed dbuser ARN; without dbUsers both can', async () => {
    // GIVEN
    const stack = new Stack(new App(), 'S', { env });
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: '111111111111', region: 'us-east-1' });
    const restricted = new RedshiftDataAccessRole(stack, 'Restricted', { target, dbUsers: ['etl'] });
    const open = new RedshiftDataAccessRole(stack, 'Open', { target });
    const etl = { 'sts:ExternalId': 'arn:aws:redshift:us-east-1:111111111111:dbuser:analytics/etl' };

    // WHEN
    const m = AccessMatrix.fromStack(stack);

    // THEN
    await m.expectMatrix([
      { description: 'Redshift as etl assumes the restricted role', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: restricted, context: etl, expect: 'Allowed' },
      { description: 'Redshift Serverless with the etl dbuser ARN cannot', kind: 'assume', principal: 'redshift-serverless.amazonaws.com', action: 'sts:AssumeRole', resource: restricted, context: etl, expect: 'Denied' },
      { description: 'Redshift Serverless without an external id cannot', kind: 'assume', principal: 'redshift-serverless.amazonaws.com', action: 'sts:AssumeRole', resource: restricted, expect: 'Denied' },
      { description: 'Redshift assumes the open role', kind: 'assume', principal: 'redshift.amazonaws.com', action: 'sts:AssumeRole', resource: open, expect: 'Allowed' },
      { description: 'Redshift Serverless assumes the open role', kind: 'assume', principal: 'redshift-serverless.amazonaws.com', action: 'sts:AssumeRole', resource: open, expect: 'Allowed' },
    ]);
  });
});
