import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AccessGrant, AccessGrantee, AccessGrantOptions, AccessGrantPermission, AccessGrantsInstance, AccessGrantsLocation,
} from '../../src';
import { allPolicyStatements, logicalId, newStack } from '../template-helpers';

const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const IDC_APPLICATION_ARN = 'arn:aws:sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/apl-1234567890abcdef';
const GROUP_ID = '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';
const USER_ID = 'a1b2c3d4-5f60-7182-93a4-b5c6d7e8f901';
const INSTANCE_ARN = 'arn:aws:s3:us-east-1:111111111111:access-grants/default';

const OBJECT_READ = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAcl', 's3:GetObjectVersionAcl', 's3:ListMultipartUploadParts'];
const OBJECT_WRITE = ['s3:PutObject', 's3:PutObjectAcl', 's3:PutObjectVersionAcl', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload'];

/** A stack with an IdC-associated instance, a bucket and a location on `results/`. */
function locationStack(options: { readOnly?: boolean; identityCenterArn?: string | null } = {}) {
  const { app, stack } = newStack();
  const identityCenterArn = options.identityCenterArn === null ? undefined : options.identityCenterArn ?? IDC_INSTANCE_ARN;
  const instance = new AccessGrantsInstance(stack, 'Grants', { identityCenterArn });
  const bucket = new s3.Bucket(stack, 'Results');
  const location = new AccessGrantsLocation(stack, 'Loc', { instance, bucket, prefix: 'results/', readOnly: options.readOnly });
  return { app, stack, instance, bucket, location };
}

describe('AccessGrantsInstance', () => {
  test('associates the instance with IAM Identity Center', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const instance = new AccessGrantsInstance(stack, 'Grants', { identityCenterArn: IDC_INSTANCE_ARN });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::S3::AccessGrantsInstance', { IdentityCenterArn: IDC_INSTANCE_ARN });
    expect(instance.identityCenterArn).toEqual(IDC_INSTANCE_ARN);
    expect(stack.resolve(instance.instanceArn)).toEqual({ 'Fn::GetAtt': [logicalId(stack, instance), 'AccessGrantsInstanceArn'] });
  });

  test('without IAM Identity Center has no IdentityCenterArn', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const instance = new AccessGrantsInstance(stack, 'Grants');

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::AccessGrantsInstance', 1);
    template.hasResourceProperties('AWS::S3::AccessGrantsInstance', { IdentityCenterArn: Match.absent() });
    expect(instance.identityCenterArn).toBeUndefined();
  });

  test('fails when given an IAM Identity Center application ARN instead of the instance ARN', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => new AccessGrantsInstance(stack, 'Grants', { identityCenterArn: IDC_APPLICATION_ARN }))
      .toThrow(/\[S\/Grants\] identityCenterArn: "arn:aws:sso::111111111111:application\/ssoins-7223a4d1b8c6e5f0\/apl-1234567890abcdef" is not valid\. Give the IAM Identity Center INSTANCE ARN/);
  });

  test('fromInstanceArn imports an instance by ARN, creating nothing', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN
    const instance = AccessGrantsInstance.fromInstanceArn(stack, 'Imported', INSTANCE_ARN, IDC_INSTANCE_ARN);

    // THEN
    expect(instance.instanceArn).toEqual(INSTANCE_ARN);
    expect(instance.identityCenterArn).toEqual(IDC_INSTANCE_ARN);
    expect(stack.node.findAll().filter(c => c instanceof s3.CfnAccessGrantsInstance)).toEqual([]);
  });

  test('fails when fromInstanceArn is given an ARN that is not an Access Grants instance', () => {
    // GIVEN
    const { stack } = newStack();

    // WHEN / THEN
    expect(() => AccessGrantsInstance.fromInstanceArn(stack, 'Imported', 'arn:aws:s3:us-east-1:111111111111:access-grants/other'))
      .toThrow(/\[S\/Imported\] instanceArn: "arn:aws:s3:us-east-1:111111111111:access-grants\/other" is not valid\. Give arn:<partition>:s3:<region>:<account>:access-grants\/default/);
    expect(() => AccessGrantsInstance.fromInstanceArn(stack, 'Imported2', 'access-grants/default')).toThrow(/\[S\/Imported2\] instanceArn/);
  });
});

describe('AccessGrantsLocation', () => {
  test('registers s3://<bucket>/<prefix> with its own role, after the role policy', () => {
    // GIVEN / WHEN
    const { stack, bucket, location } = locationStack();

    // THEN
    const policyId = stack.getLogicalId(location.role.node.findChild('DefaultPolicy').node.defaultChild as any);
    Template.fromStack(stack).hasResource('AWS::S3::AccessGrantsLocation', {
      Properties: {
        LocationScope: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(stack, bucket) }, '/results/']] },
        IamRoleArn: { 'Fn::GetAtt': [logicalId(stack, location.role), 'Arn'] },
      },
      DependsOn: Match.arrayWith([policyId]),
    });
    expect(location.readOnly).toBe(false);
  });

  test('registers s3://<bucket> without a prefix, with the whole bucket granted', () => {
    // GIVEN
    const { stack } = newStack();
    const instance = AccessGrantsInstance.fromInstanceArn(stack, 'Grants', INSTANCE_ARN);
    const bucket = s3.Bucket.fromBucketName(stack, 'Data', 'sales-lake');

    // WHEN
    const location = new AccessGrantsLocation(stack, 'Loc', { instance, bucket });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::S3::AccessGrantsLocation', { LocationScope: 's3://sales-lake' });
    expect(location.locationScope).toEqual('s3://sales-lake');
    const objects = allPolicyStatements(stack).find(s => [s.Action].flat().includes('s3:GetObject'));
    expect(objects.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::sales-lake/*']] });
    const list = allPolicyStatements(stack).find(s => s.Action === 's3:ListBucket');
    expect(list.Condition.StringLike).toBeUndefined();
  });

  test('the role trusts S3 Access Grants with the two documented statements, for this account and instance only', () => {
    // GIVEN / WHEN
    const { stack, instance, location } = locationStack();

    // THEN
    const source = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, instance), 'AccessGrantsInstanceArn'] } },
    };
    const role = Template.fromStack(stack).findResources('AWS::IAM::Role')[logicalId(stack, location.role)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'access-grants.s3.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: source,
      },
      {
        Effect: 'Allow',
        Principal: { Service: 'access-grants.s3.amazonaws.com' },
        Action: 'sts:SetContext',
        Condition: {
          ...source,
          'ForAllValues:ArnEquals': {
            'sts:RequestContextProviders': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:contextProvider/IdentityCenter']] },
          },
        },
      },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the role may use exactly the objects under the prefix, only through the instance, on this account', () => {
    // GIVEN / WHEN
    const { stack, instance, bucket } = locationStack();

    // THEN
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] };
    const throughInstance = {
      StringEquals: { 'aws:ResourceAccount': '111111111111' },
      ArnEquals: { 's3:AccessGrantsInstanceArn': { 'Fn::GetAtt': [logicalId(stack, instance), 'AccessGrantsInstanceArn'] } },
    };
    expect(allPolicyStatements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: bucketArn,
        Condition: { ...throughInstance, StringLike: { 's3:prefix': ['results/*'] } },
      },
      {
        Effect: 'Allow',
        Action: [...OBJECT_READ, ...OBJECT_WRITE],
        Resource: { 'Fn::Join': ['', [bucketArn, '/results/*']] },
        Condition: throughInstance,
      },
    ]);
  });

  test('a read-only location role gets the five read actions only', () => {
    // GIVEN / WHEN
    const { stack, location } = locationStack({ readOnly: true });

    // THEN
    const objects = allPolicyStatements(stack).find(s => [s.Action].flat().includes('s3:GetObject'));
    expect(objects.Action).toEqual(OBJECT_READ);
    expect(allPolicyStatements(stack).flatMap(s => [s.Action].flat()).filter((a: string) => OBJECT_WRITE.includes(a))).toEqual([]);
    expect(location.readOnly).toBe(true);
  });

  test('uses the bucket key only through S3 in this Region; read-only decrypts only', () => {
    // GIVEN
    const { stack } = newStack();
    const instance = new AccessGrantsInstance(stack, 'Grants', { identityCenterArn: IDC_INSTANCE_ARN });
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Data', { encryptionKey: key });

    // WHEN
    new AccessGrantsLocation(stack, 'Rw', { instance, bucket, prefix: 'rw/' });
    new AccessGrantsLocation(stack, 'Ro', { instance, bucket, prefix: 'ro/', readOnly: true });

    // THEN
    const via = { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } };
    const keyArn = { 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] };
    const kmsStatements = allPolicyStatements(stack).filter(s => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
    expect(kmsStatements).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn, Condition: via },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn, Condition: via },
    ]);
  });

  test('fails when given a prefix with a leading "/"', () => {
    // GIVEN
    const { stack } = newStack();
    const instance = AccessGrantsInstance.fromInstanceArn(stack, 'Grants', INSTANCE_ARN);
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN / THEN
    expect(() => new AccessGrantsLocation(stack, 'Loc', { instance, bucket, prefix: '/results/' }))
      .toThrow(/\[S\/Loc\] prefix: "\/results\/" is not valid\. An S3 key prefix has no leading '\/'; pass "results\/"/);
  });

  test('has no unsuppressed cdk-nag AwsSolutions finding on the location role', () => {
    // GIVEN
    const { app, stack } = locationStack();

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].filter(f => f.id.startsWith('/S/Loc/')).map(f => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([]);
  });
});

describe('AccessGrant', () => {
  test('a prefix grant covers every object under it: S3SubPrefix "sales/*", no S3PrefixType (G16)', () => {
    // GIVEN
    const { stack, location } = locationStack();

    // WHEN
    const grant = location.grant('Analysts', {
      grantee: AccessGrantee.directoryGroup(GROUP_ID),
      permission: AccessGrantPermission.READ,
      prefix: 'sales/',
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::S3::AccessGrant', {
      AccessGrantsLocationId: { 'Fn::GetAtt': [logicalId(stack, location), 'AccessGrantsLocationId'] },
      AccessGrantsLocationConfiguration: { S3SubPrefix: 'sales/*' },
      Grantee: { GranteeType: 'DIRECTORY_GROUP', GranteeIdentifier: GROUP_ID },
      Permission: 'READ',
      S3PrefixType: Match.absent(),
      ApplicationArn: Match.absent(),
    });
    expect(grant.subPrefix).toEqual('sales/*');
  });

  test('a grant without prefix covers the whole location: S3SubPrefix "*"', () => {
    // GIVEN
    const { stack, location } = locationStack();

    // WHEN
    location.grant('Everyone', { grantee: AccessGrantee.directoryUser(USER_ID), permission: AccessGrantPermission.READWRITE });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::S3::AccessGrant', {
      AccessGrantsLocationConfiguration: { S3SubPrefix: '*' },
      Grantee: { GranteeType: 'DIRECTORY_USER', GranteeIdentifier: USER_ID },
      Permission: 'READWRITE',
      S3PrefixType: Match.absent(),
    });
  });

  test('a single-object grant names exactly the object and is typed Object', () => {
    // GIVEN
    const { stack, location } = locationStack();

    // WHEN
    const grant = new AccessGrant(stack, 'Report', {
      location,
      grantee: AccessGrantee.directoryGroup(GROUP_ID),
      permission: AccessGrantPermission.READ,
      objectKey: 'reports/q1.csv',
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::S3::AccessGrant', {
      AccessGrantsLocationConfiguration: { S3SubPrefix: 'reports/q1.csv' },
      S3PrefixType: 'Object',
    });
    expect(grant.subPrefix).toEqual('reports/q1.csv');
  });

  test('an IAM grantee is the role ARN; WRITE and the application ARN pass through', () => {
    // GIVEN
    const { stack, location } = locationStack();
    const role = new iam.Role(stack, 'Etl', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
    const applicationArn = 'arn:aws:sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/apl-1234567890abcdef';

    // WHEN
    location.grant('Etl', { grantee: AccessGrantee.iamPrincipal(role), permission: AccessGrantPermission.WRITE, prefix: 'etl/', applicationArn });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::S3::AccessGrant', {
      Grantee: { GranteeType: 'IAM', GranteeIdentifier: { 'Fn::GetAtt': [logicalId(stack, role), 'Arn'] } },
      Permission: 'WRITE',
      ApplicationArn: applicationArn,
      AccessGrantsLocationConfiguration: { S3SubPrefix: 'etl/*' },
    });
  });

  test('a directory grantee is allowed on an imported instance, whose association is unknown', () => {
    // GIVEN
    const { stack } = newStack();
    const instance = AccessGrantsInstance.fromInstanceArn(stack, 'Grants', INSTANCE_ARN);
    const location = new AccessGrantsLocation(stack, 'Loc', { instance, bucket: s3.Bucket.fromBucketName(stack, 'Data', 'sales-lake') });

    // WHEN
    location.grant('Analysts', { grantee: AccessGrantee.directoryGroup(GROUP_ID), permission: AccessGrantPermission.READ });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::S3::AccessGrant', 1);
  });

  describe('synth-time errors', () => {
    const cases: Array<[string, Partial<AccessGrantOptions>, RegExp]> = [
      ['a prefix and an objectKey together', { prefix: 'sales/', objectKey: 'sales/q1.csv' },
        /\[S\/Loc\/G\] prefix\/objectKey: "both" is not valid\. Give a prefix \(every object under it\) or an objectKey \(one object\), not both\./],
      ['a prefix with a wildcard (G16)', { prefix: 'sales/*' },
        /\[S\/Loc\/G\] prefix: "sales\/\*" is not valid\. Give the prefix without wildcards: everything under it is covered\./],
      ['an objectKey ending in "/"', { objectKey: 'reports/' },
        /\[S\/Loc\/G\] objectKey: "reports\/" is not valid\. A key ending in "\/" is a folder marker, not data: use `prefix`/],
      ['an empty prefix', { prefix: '' }, /\[S\/Loc\/G\] prefix: "" is not valid\. Omit the prefix/],
    ];
    test.each(cases)('fails when given %s', (_name, options, error) => {
      // GIVEN
      const { location } = locationStack();

      // WHEN / THEN
      expect(() => location.grant('G', { grantee: AccessGrantee.directoryGroup(GROUP_ID), permission: AccessGrantPermission.READ, ...options }))
        .toThrow(error);
    });

    test('fails when a directory grantee is given on an instance created without identityCenterArn', () => {
      // GIVEN
      const { location } = locationStack({ identityCenterArn: null });

      // WHEN / THEN
      expect(() => location.grant('G', { grantee: AccessGrantee.directoryGroup(GROUP_ID), permission: AccessGrantPermission.READ }))
        .toThrow(/\[S\/Loc\/G\] grantee: "DIRECTORY_GROUP" is not valid\. .*give identityCenterArn to the AccessGrantsInstance/);
      expect(() => location.grant('U', { grantee: AccessGrantee.directoryUser(USER_ID), permission: AccessGrantPermission.READ }))
        .toThrow(/\[S\/Loc\/U\] grantee: "DIRECTORY_USER" is not valid/);
    });

    test('an IAM grantee is fine on an instance created without identityCenterArn', () => {
      // GIVEN
      const { stack, location } = locationStack({ identityCenterArn: null });
      const role = iam.Role.fromRoleArn(stack, 'Etl', 'arn:aws:iam::111111111111:role/etl');

      // WHEN
      location.grant('G', { grantee: AccessGrantee.iamPrincipal(role), permission: AccessGrantPermission.READ });

      // THEN
      Template.fromStack(stack).hasResourceProperties('AWS::S3::AccessGrant', {
        Grantee: { GranteeType: 'IAM', GranteeIdentifier: 'arn:aws:iam::111111111111:role/etl' },
      });
    });

    test.each([AccessGrantPermission.WRITE, AccessGrantPermission.READWRITE])('fails when %s is granted on a read-only location', (permission) => {
      // GIVEN
      const { location } = locationStack({ readOnly: true });

      // WHEN / THEN
      expect(() => location.grant('G', { grantee: AccessGrantee.directoryGroup(GROUP_ID), permission }))
        .toThrow(new RegExp(`\\[S/Loc/G\\] permission: "${permission}" is not valid\\. The location role of a read-only location cannot write: use READ`));
    });

    test('fails when a directory id is a display name', () => {
      expect(() => AccessGrantee.directoryGroup('analysts'))
        .toThrow(/\[AccessGrantee\.directoryGroup\] groupId: "analysts" is not valid\. Give the identity store id .*not the display name/);
      expect(() => AccessGrantee.directoryUser('jane.doe'))
        .toThrow(/\[AccessGrantee\.directoryUser\] userId: "jane\.doe" is not valid/);
    });
  });
});
