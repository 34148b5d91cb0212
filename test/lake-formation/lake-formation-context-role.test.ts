import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LakeFormationContextRole, LakeFormationContextRoleProps } from '../../src';
import { allPolicyStatements, logicalId, newStack } from '../template-helpers';


function bucketArn(stack: Stack, bucket: s3.IBucket) {
  return { 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] };
}

describe('LakeFormationContextRole', () => {
  test('is trusted by Lake Formation only, with sts:AssumeRole and sts:SetContext in one statement (G14)', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN
    new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/' });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lakeformation.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
        ],
      },
      ManagedPolicyArns: Match.absent(),
      Description: 'Lake Formation data location role, with sts:SetContext (cdk-analytics-access)',
    });
  });

  test('reads, writes and deletes exactly the objects under the prefix and lists only that prefix', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN
    new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/' });

    // THEN
    expect(allPolicyStatements(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: bucketArn(stack, bucket),
        Condition: { StringLike: { 's3:prefix': ['warehouse/sales/*'] } },
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: { 'Fn::Join': ['', [bucketArn(stack, bucket), '/warehouse/sales/*']] },
      },
    ]);
  });

  test('read-only gives s3:GetObject only, and kms:Decrypt only on the bucket key', () => {
    // GIVEN
    const { stack } = newStack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Data', { encryptionKey: key });

    // WHEN
    new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/', readOnly: true });

    // THEN
    const statements = allPolicyStatements(stack);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [bucketArn(stack, bucket), '/warehouse/sales/*']] },
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] } });
    const actions = statements.flatMap(s => [s.Action].flat());
    expect(actions).not.toContain('s3:PutObject');
    expect(actions).not.toContain('s3:DeleteObject');
    expect(actions).not.toContain('kms:GenerateDataKey');
  });

  test('read-write uses the bucket key for kms:Decrypt and kms:GenerateDataKey, on that key only', () => {
    // GIVEN
    const { stack } = newStack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Data', { encryptionKey: key });

    // WHEN
    new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/' });

    // THEN
    const kmsStatements = allPolicyStatements(stack).filter(s => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
    expect(kmsStatements).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] } },
    ]);
  });

  test('without a prefix covers the whole bucket: no s3:prefix condition, objects "*"', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN
    const role = new LakeFormationContextRole(stack, 'Whole', { bucket });

    // THEN
    expect(allPolicyStatements(stack)).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn(stack, bucket) },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: { 'Fn::Join': ['', [bucketArn(stack, bucket), '/*']] },
      },
    ]);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::LakeFormation::Resource', { ResourceArn: bucketArn(stack, bucket) });
    expect(stack.resolve(role.locationArn)).toEqual(bucketArn(stack, bucket));
  });

  test('registers the location without a trailing slash, with this role and never the service-linked role, after its policy', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN
    const role = new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/' });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::LakeFormation::Resource', 1);
    const policyId = stack.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as any);
    template.hasResource('AWS::LakeFormation::Resource', {
      Properties: {
        ResourceArn: { 'Fn::Join': ['', [bucketArn(stack, bucket), '/warehouse/sales']] },
        RoleArn: { 'Fn::GetAtt': [logicalId(stack, role), 'Arn'] },
        UseServiceLinkedRole: false,
        HybridAccessEnabled: Match.absent(),
        WithFederation: Match.absent(),
      },
      DependsOn: Match.arrayWith([policyId]),
    });
    expect(role.registration).toBeDefined();
    expect(stack.resolve(role.locationArn)).toEqual({ 'Fn::Join': ['', [bucketArn(stack, bucket), '/warehouse/sales']] });
  });

  test('passes hybrid access and federation to the registration', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN
    new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/', hybridAccessEnabled: true, withFederation: true });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::LakeFormation::Resource', {
      HybridAccessEnabled: true,
      WithFederation: true,
      UseServiceLinkedRole: false,
    });
  });

  test('registerLocation false creates no registration but keeps the role and its permissions', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');

    // WHEN
    const role = new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/', registerLocation: false });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::LakeFormation::Resource', 0);
    template.resourceCountIs('AWS::IAM::Role', 1);
    expect(role.registration).toBeUndefined();
    expect(allPolicyStatements(stack)).toHaveLength(2);
  });

  test('works with an imported bucket', () => {
    // GIVEN
    const { stack } = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Data', 'sales-lake');

    // WHEN
    new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/', readOnly: true, roleName: 'lf-sales' });

    // THEN
    const template = Template.fromStack(stack);
    const bucketArnJson = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::sales-lake']] };
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'lf-sales' });
    template.hasResourceProperties('AWS::LakeFormation::Resource', {
      ResourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::sales-lake/warehouse/sales']] },
    });
    expect(allPolicyStatements(stack)).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArnJson, Condition: { StringLike: { 's3:prefix': ['warehouse/sales/*'] } } },
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::sales-lake/warehouse/sales/*']] },
      },
    ]);
  });

  describe('synth-time errors', () => {
    const cases: Array<[string, Partial<LakeFormationContextRoleProps>, RegExp]> = [
      ['a prefix with a leading "/"', { prefix: '/warehouse/sales/' },
        /\[S\/Sales\] prefix: "\/warehouse\/sales\/" is not valid\. An S3 key prefix has no leading '\/'; pass "warehouse\/sales\/"/],
      ['a prefix with a wildcard', { prefix: 'warehouse/sales/*' },
        /\[S\/Sales\] prefix: "warehouse\/sales\/\*" is not valid\. Give the prefix without wildcards/],
      ['an empty prefix', { prefix: '' },
        /\[S\/Sales\] prefix: "" is not valid\. Omit the prefix for the whole bucket/],
    ];
    test.each(cases)('fails when given %s', (_name, props, error) => {
      // GIVEN
      const { stack } = newStack();
      const bucket = new s3.Bucket(stack, 'Data');

      // WHEN / THEN
      expect(() => new LakeFormationContextRole(stack, 'Sales', { bucket, ...props })).toThrow(error);
    });
  });

  test('has no unsuppressed cdk-nag AwsSolutions finding on the role, and acknowledges exactly the prefix', () => {
    // GIVEN
    const { app, stack } = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'Data', { encryptionKey: key });
    new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/' });
    new LakeFormationContextRole(stack, 'Whole', { bucket, readOnly: true });

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].filter(f => /^\/S\/(Sales|Whole)\//.test(f.id)).map(f => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([]);
    const policy = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const reasons = Object.values<any>(policy).map(p => p.Metadata.cdk_nag.rules_to_suppress[0].reason);
    expect(reasons.sort()).toEqual([
      'Lake Formation reads and writes every object under the granted prefix "warehouse/sales/*" and nothing outside it.',
      'Lake Formation reads every object under the granted prefix "*" and nothing outside it.',
    ]);
  });

  test('the nag acknowledgement does not hide a wildcard the user adds to the role', () => {
    // GIVEN
    const { app, stack } = newStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const other = s3.Bucket.fromBucketName(stack, 'Other', 'other-bucket');
    const role = new LakeFormationContextRole(stack, 'Sales', { bucket, prefix: 'warehouse/sales/' });
    other.grantRead(role, 'private/*');

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = Annotations.fromStack(stack).findError('/S/Sales/DefaultPolicy/Resource', Match.stringLikeRegexp('AwsSolutions-IAM5'));
    expect(findings.map(f => String(f.entry.data)).join('\n')).toMatch(/other-bucket\/private\/\*/);
  });

  test('a prefix in any script keeps the description within the characters IAM allows', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'data');

    // WHEN
    new LakeFormationContextRole(stack, 'Jp', { bucket, prefix: '売上/' });

    // THEN
    const role = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0];
    expect(role.Properties.Description).toMatch(/^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/);
  });
});
