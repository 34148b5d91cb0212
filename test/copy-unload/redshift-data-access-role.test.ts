import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RedshiftDataAccessRole, RedshiftTarget } from '../../src';
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

  test('dbUsers restrict the trust to those database users with sts:ExternalId (provisioned)', () => {
    const stack = new Stack(new App(), 'S', { env });
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: '111111111111', region: 'us-east-1' });
    new RedshiftDataAccessRole(stack, 'CopyRole', { target, dbUsers: ['etl'] });
    const dbUser = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:us-east-1:111111111111:dbuser:analytics/etl']] };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { Service: 'redshift.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': dbUser } } }),
          Match.objectLike({ Principal: { Service: 'redshift-serverless.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': dbUser } } }),
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
