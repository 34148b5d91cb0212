import { App, Fn, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as redshiftserverless from 'aws-cdk-lib/aws-redshiftserverless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessCase, AccessMatrix } from './access-matrix';

const REDSHIFT = 'redshift.amazonaws.com';
const CONSUMER = 'arn:aws:iam::222222222222:role/consumer';

describe('trust policies (canAssume)', () => {
  const app = new App();
  const stack = new Stack(app, 'Trust');
  const serviceRole = new iam.Role(stack, 'ServiceRole', { assumedBy: new iam.ServicePrincipal(REDSHIFT) });
  const crossAccountRole = new iam.Role(stack, 'CrossAccountRole', { assumedBy: new iam.ArnPrincipal(CONSUMER) });
  const conditionedRole = new iam.Role(stack, 'ConditionedRole', {
    assumedBy: new iam.ServicePrincipal(REDSHIFT).withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }),
  });
  // Trusts one role of the same account by ARN (resolved from Fn::GetAtt).
  const sameAccountRole = new iam.Role(stack, 'SameAccountRole', { assumedBy: new iam.ArnPrincipal(serviceRole.roleArn) });
  // Trusts the account: delegates to the callers' identity policies.
  const accountRole = new iam.Role(stack, 'AccountRole', { assumedBy: new iam.AccountRootPrincipal() });
  const contextRole = new iam.Role(stack, 'ContextRole', { assumedBy: new iam.ServicePrincipal(REDSHIFT) });
  contextRole.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:SetContext'], principals: [new iam.ServicePrincipal(REDSHIFT)] }));
  const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  caller.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [accountRole.roleArn] }));
  const m = AccessMatrix.fromStack(stack);

  test('roles get concrete ARNs in the fake account', () => {
    expect(m.roleArn(serviceRole)).toMatch(/^arn:aws:iam::111111111111:role\/Trust-ServiceRole[0-9A-F]{8}$/);
    expect(m.roleArn(crossAccountRole)).not.toBe(m.roleArn(serviceRole));
  });

  test('a service principal: only that service', async () => {
    expect(await m.canAssume(REDSHIFT, serviceRole)).toBe('Allowed');
    expect(await m.canAssume('glue.amazonaws.com', serviceRole)).toBe('Denied');
    expect(await m.canAssume(CONSUMER, serviceRole)).toBe('Denied');
    expect(await m.canAssume(m.roleArn(caller), serviceRole)).toBe('Denied');
  });

  test('a role of another account: only that role, only with its own identity grant', async () => {
    expect(await m.canAssume(CONSUMER, crossAccountRole)).toBe('Allowed');
    expect(await m.canAssume('arn:aws:sts::222222222222:assumed-role/consumer/session-1', crossAccountRole)).toBe('Allowed');
    expect(await m.canAssume('arn:aws:iam::222222222222:role/other', crossAccountRole)).toBe('Denied');
    expect(await m.canAssume('arn:aws:iam::333333333333:role/consumer', crossAccountRole)).toBe('Denied');
    expect(await m.canAssume('arn:aws:iam::222222222222:root', crossAccountRole)).toBe('Denied');
    expect(await m.canAssume(REDSHIFT, crossAccountRole)).toBe('Denied');
    // Cross-account, AWS needs the caller's identity policy as well as the trust.
    expect(await m.canAssume(CONSUMER, crossAccountRole, { callerIdentity: 'none' })).toBe('Denied');
  });

  test('a condition on the trust: only with the right context', async () => {
    expect(await m.canAssume(REDSHIFT, conditionedRole, { context: { 'aws:SourceAccount': '111111111111' } })).toBe('Allowed');
    expect(await m.canAssume(REDSHIFT, conditionedRole)).toBe('Denied');
    expect(await m.canAssume(REDSHIFT, conditionedRole, { context: { 'aws:SourceAccount': '222222222222' } })).toBe('Denied');
    expect(await m.canAssume('glue.amazonaws.com', conditionedRole, { context: { 'aws:SourceAccount': '111111111111' } })).toBe('Denied');
  });

  test('same account: a principal named in the trust needs nothing else, the account root delegates to identity policies', async () => {
    const callerArn = m.roleArn(serviceRole);
    expect(await m.canAssume(callerArn, sameAccountRole, { callerIdentity: 'none' })).toBe('Allowed');
    expect(await m.canAssume(m.roleArn(caller), sameAccountRole)).toBe('Denied');
    expect(await m.canAssume(callerArn, accountRole, { callerIdentity: 'none' })).toBe('Denied');
    expect(await m.canAssume(callerArn, accountRole)).toBe('Allowed');
    expect(await m.canAssume('arn:aws:iam::222222222222:role/x', accountRole)).toBe('Denied');
  });

  test("callerIdentity 'template' uses the caller role's real policies", async () => {
    expect(await m.canAssume(caller, accountRole, { callerIdentity: 'template' })).toBe('Allowed');
    expect(await m.canAssume(serviceRole, accountRole, { callerIdentity: 'template' })).toBe('Denied');
  });

  test('sts:SetContext needs its own trust statement', async () => {
    expect(await m.canAssume(REDSHIFT, contextRole, { action: 'sts:SetContext' })).toBe('Allowed');
    expect(await m.canAssume(REDSHIFT, serviceRole, { action: 'sts:SetContext' })).toBe('Denied');
    expect(await m.canAssume(REDSHIFT, serviceRole, { action: 'sts:TagSession' })).toBe('Denied');
  });

  test('roles can be named by construct, logical id or ARN', async () => {
    const logicalId = stack.resolve((serviceRole.node.defaultChild as iam.CfnRole).logicalId);
    expect(m.roleLogicalId(serviceRole)).toBe(logicalId);
    expect(m.roleLogicalId(m.roleArn(serviceRole))).toBe(logicalId);
    expect(await m.canAssume(REDSHIFT, logicalId)).toBe('Allowed');
    expect(() => m.roleArn('arn:aws:iam::111111111111:role/nope')).toThrow(/no AWS::IAM::Role of the template has the ARN/);
    expect(() => m.roleArn(iam.Role.fromRoleArn(stack, 'Imported', CONSUMER))).toThrow(/is not \(and does not wrap\) AWS::IAM::Role/);
  });

  test('bad input throws instead of answering', async () => {
    await expect(m.canAssume('222222222222', serviceRole)).rejects.toThrow(/arn:aws:iam::222222222222:root/);
    await expect(m.canAssume(REDSHIFT, serviceRole, { action: 's3:GetObject' })).rejects.toThrow(/not an sts action/);
    await expect(m.canAssume(REDSHIFT, serviceRole, { action: 'sts:AssumeRol' })).rejects.toThrow(/invalid.action/);
    // A misspelt key would be ignored silently by the simulator.
    await expect(m.canAssume(REDSHIFT, conditionedRole, { context: { 'aws:SourceAcount': '111111111111' } })).rejects.toThrow(/aws:SourceAcount/);
  });
});

describe('identity policies (can)', () => {
  const app = new App();
  const stack = new Stack(app, 'Identity');
  const bucket = new s3.Bucket(stack, 'Data');
  const otherBucket = new s3.Bucket(stack, 'Other');
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const key = new kms.Key(stack, 'Key');
  const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal(REDSHIFT) });
  bucket.grantRead(role, 'in/*');
  role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:GetObject'], resources: [bucket.arnForObjects('in/secret/*')] }));
  key.grantDecrypt(role);
  new iam.Policy(stack, 'Extra', {
    roles: [role],
    statements: [new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn] })],
  });
  const bystander = new iam.Role(stack, 'Bystander', {
    assumedBy: new iam.ServicePrincipal(REDSHIFT),
    inlinePolicies: {
      inline: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [otherBucket.arnForObjects('out/*')] })] }),
    },
  });
  const managed = new iam.ManagedPolicy(stack, 'Managed', {
    statements: [new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [table.tableArn] })],
  });
  bystander.addManagedPolicy(managed);
  const m = AccessMatrix.fromStack(stack);
  const dataArn = m.arn(bucket);

  test('resources get deterministic concrete ARNs', () => {
    expect(dataArn).toMatch(/^arn:aws:s3:::identity-data[a-z0-9-]+$/);
    expect(m.arn(table)).toMatch(/^arn:aws:dynamodb:us-east-1:111111111111:table\/Identity-Table/);
    expect(m.arn(key)).toBe(`arn:aws:kms:us-east-1:111111111111:key/${m.ref(key)}`);
  });

  test('a prefix grant allows the prefix only', async () => {
    expect(await m.can(role, 's3:GetObject', `${dataArn}/in/file.csv`)).toBe('Allowed');
    expect(await m.can(role, 's3:ListBucket', dataArn)).toBe('Allowed');
    expect(await m.can(role, 's3:GetObject', `${dataArn}/input-other/x`)).toBe('Denied');
    expect(await m.can(role, 's3:GetObject', `${m.arn(otherBucket)}/in/file.csv`)).toBe('Denied');
    expect(await m.can(role, 's3:PutObject', `${dataArn}/in/file.csv`)).toBe('Denied');
    expect(await m.can(bystander, 's3:GetObject', `${dataArn}/in/file.csv`)).toBe('Denied');
  });

  test('an explicit Deny wins over the Allow', async () => {
    expect(await m.evaluateIdentity(role, 's3:GetObject', `${dataArn}/in/secret/x`)).toBe('ExplicitlyDenied');
    expect(await m.evaluateIdentity(role, 's3:GetObject', `${dataArn}/input-other/x`)).toBe('ImplicitlyDenied');
    expect(await m.can(role, 's3:GetObject', `${dataArn}/in/secret/x`)).toBe('Denied');
  });

  test('a separate AWS::IAM::Policy, inline policies and a customer-managed policy are all evaluated', async () => {
    expect(await m.can(role, 'dynamodb:GetItem', table)).toBe('Allowed');
    expect(await m.can(bystander, 'dynamodb:GetItem', table)).toBe('Denied');
    expect(await m.can(bystander, 's3:PutObject', `${m.arn(otherBucket)}/out/x`)).toBe('Allowed');
    expect(await m.can(bystander, 'dynamodb:Query', table)).toBe('Allowed');
    expect(await m.can(role, 'dynamodb:Query', table)).toBe('Denied');
  });

  test('a KMS key is evaluated with its key policy', async () => {
    expect(await m.can(role, 'kms:Decrypt', key)).toBe('Allowed');
    expect(await m.can(role, 'kms:Encrypt', key)).toBe('Denied');
    expect(await m.can(bystander, 'kms:Decrypt', key)).toBe('Denied');
    // A key policy that does not delegate to IAM makes the identity grant useless.
    const noDelegation = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: CONSUMER }, Action: 'kms:*', Resource: '*' }] };
    expect(await m.can(role, 'kms:Decrypt', key, { resourcePolicy: noDelegation })).toBe('Denied');
  });

  test('requests the simulator cannot evaluate exactly throw', async () => {
    await expect(m.can(role, 's3:GetObject', dataArn)).rejects.toThrow(/no.resource.types/);
    await expect(m.can(role, 's3:GetObject', `${dataArn}/in/*`)).rejects.toThrow(/wildcard/);
    await expect(m.can(role, 's3:GetObject', `${dataArn}/in/x`, { context: { 'sts:ExternalId': 'x' } })).rejects.toThrow(/sts:ExternalId/);
  });
});

describe('policy sources the helper refuses', () => {
  test('an AWS-managed policy throws', async () => {
    const stack = new Stack(new App(), 'AwsManaged');
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal(REDSHIFT),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')],
    });
    const m = AccessMatrix.fromStack(stack);
    await expect(m.can(role, 's3:GetObject', 'arn:aws:s3:::b/x')).rejects.toThrow(/AWS-managed policy arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess/);
    // The trust policy alone does not involve managed policies.
    expect(await m.canAssume(REDSHIFT, role)).toBe('Allowed');
  });

  test('a customer-managed policy outside the template throws', async () => {
    const stack = new Stack(new App(), 'Outside');
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal(REDSHIFT),
      managedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Ext', 'arn:aws:iam::111111111111:policy/elsewhere')],
    });
    await expect(AccessMatrix.fromStack(stack).can(role, 's3:GetObject', 'arn:aws:s3:::b/x')).rejects.toThrow(/not an AWS::IAM::ManagedPolicy of the template/);
  });

  test('an intrinsic the resolver does not know throws, naming it', async () => {
    const stack = new Stack(new App(), 'Unknown');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal(REDSHIFT) });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [Fn.join('', ['arn:aws:s3:::', Fn.select(0, Fn.getAzs()), '/*'])] }));
    const m = AccessMatrix.fromStack(stack);
    await expect(m.can(role, 's3:GetObject', 'arn:aws:s3:::us-east-1a/x')).rejects.toThrow(/unsupported intrinsic Fn::GetAZs/);
    expect(() => m.resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, '8'] })).toThrow(/unsupported intrinsic Fn::Cidr/);
    expect(() => m.resolve({ Ref: 'AWS::Nope' })).toThrow(/unsupported pseudo parameter Ref AWS::Nope/);
    expect(() => m.resolve({ Ref: 'Missing' })).toThrow(/no resource with logical id Missing/);
  });
});

describe('template resolution', () => {
  const app = new App();
  const stack = new Stack(app, 'Resolve');
  const named = new iam.Role(stack, 'Named', { roleName: 'analytics-loader', assumedBy: new iam.ServicePrincipal(REDSHIFT) });
  const computed = new iam.Role(stack, 'Computed', { roleName: Fn.join('-', ['loader', stack.region]), assumedBy: new iam.ServicePrincipal(REDSHIFT) });
  const pathed = new iam.Role(stack, 'Pathed', { path: '/analytics/', assumedBy: new iam.ServicePrincipal(REDSHIFT) });
  const namespace = new redshiftserverless.CfnNamespace(stack, 'Ns', { namespaceName: 'analytics' });
  const workgroup = new redshiftserverless.CfnWorkgroup(stack, 'Wg', { workgroupName: 'analytics-wg', namespaceName: namespace.namespaceName });
  named.addToPolicy(new iam.PolicyStatement({ actions: ['redshift-serverless:GetCredentials'], resources: [workgroup.attrWorkgroupWorkgroupArn] }));
  const m = AccessMatrix.fromStack(stack);

  test('explicit, computed and pathed role names', () => {
    expect(m.roleArn(named)).toBe('arn:aws:iam::111111111111:role/analytics-loader');
    expect(m.roleArn(computed)).toBe('arn:aws:iam::111111111111:role/loader-us-east-1');
    expect(m.roleArn(pathed)).toMatch(/^arn:aws:iam::111111111111:role\/analytics\/Resolve-Pathed/);
  });

  test('Redshift Serverless attributes are deterministic and usable in requests', async () => {
    const wgId = m.getAtt(workgroup, 'Workgroup.WorkgroupId');
    expect(wgId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(m.getAtt(workgroup, 'Workgroup.WorkgroupId')).toBe(wgId);
    expect(m.arn(workgroup)).toBe(`arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/${wgId}`);
    expect(m.getAtt(namespace, 'Namespace.NamespaceId')).not.toBe(wgId);
    expect(m.arn(namespace)).toMatch(/^arn:aws:redshift-serverless:us-east-1:111111111111:namespace\//);
    expect(m.ref(workgroup)).toBe('analytics-wg');
    expect(await m.can(named, 'redshift-serverless:GetCredentials', workgroup)).toBe('Allowed');
    expect(await m.can(named, 'redshift-serverless:GetCredentials',
      'arn:aws:redshift-serverless:us-east-1:111111111111:workgroup/00000000-0000-4000-a000-000000000000')).toBe('Denied');
  });

  test('pseudo parameters and intrinsic functions', () => {
    const wgId = m.getAtt(workgroup, 'Workgroup.WorkgroupId');
    const namedId = m.roleLogicalId(named);
    expect(m.resolve({ 'Fn::Join': [':', [{ Ref: 'AWS::Partition' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::URLSuffix' }, { Ref: 'AWS::StackName' }]] }))
      .toBe('aws:us-east-1:111111111111:amazonaws.com:Resolve');
    expect(m.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${' + namedId + '}/${Wg.Workgroup.WorkgroupId}/${!Literal}' }))
      .toBe(`arn:aws:iam::111111111111:role/analytics-loader/${wgId}/\${Literal}`);
    expect(m.resolve({ 'Fn::Sub': ['${A}-${B}', { A: 'x', B: { Ref: 'AWS::Region' } }] })).toBe('x-us-east-1');
    expect(m.resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('b');
    expect(m.resolve({ 'Fn::ImportValue': 'SharedBucketArn' })).toBe('imported-SharedBucketArn');
    expect(m.resolve({ 'Fn::GetAtt': ['Wg', 'Workgroup.WorkgroupArn'] })).toBe(m.arn(workgroup));
    expect(m.resolve({ 'Fn::GetAtt': `${namedId}.Arn` })).toBe('arn:aws:iam::111111111111:role/analytics-loader');
    expect(m.resolve({ 'Fn::GetAtt': [namedId, 'SomethingElse'] })).toBe(`${namedId}.SomethingElse`);
    expect(m.resolve([{ Ref: 'AWS::NoValue' }, 'kept'])).toEqual(['kept']);
    expect(() => m.resolve({ 'Fn::Select': [5, ['a']] })).toThrow(/out of range/);
  });

  test('fromTemplate with another environment', async () => {
    const other = AccessMatrix.fromTemplate(Template.fromStack(stack).toJSON(), { account: '999999999999', region: 'cn-north-1', partition: 'aws-cn' });
    expect(other.roleArn(m.roleLogicalId(named))).toBe('arn:aws-cn:iam::999999999999:role/analytics-loader');
    expect(other.roleArn(computed)).toBe('arn:aws-cn:iam::999999999999:role/loader-cn-north-1');
    expect(other.resolve({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com.cn');
    expect(await other.canAssume(REDSHIFT, m.roleLogicalId(named))).toBe('Allowed');
  });
});

describe('check() and expectMatrix()', () => {
  const app = new App();
  const stack = new Stack(app, 'Matrix');
  const bucket = new s3.Bucket(stack, 'Data');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ArnPrincipal(CONSUMER) });
  bucket.grantRead(role, 'in/*');
  const m = AccessMatrix.fromStack(stack);
  const obj = (k: string) => `${m.arn(bucket)}/${k}`;
  const cases: AccessCase[] = [
    { description: 'consumer assumes', kind: 'assume', principal: CONSUMER, action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
    { description: 'redshift cannot assume', kind: 'assume', principal: REDSHIFT, action: 'sts:AssumeRole', resource: m.roleArn(role), expect: 'Denied' },
    { description: 'reads in/', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj('in/a'), expect: 'Allowed' },
    { description: 'no write', kind: 'identity', principal: m.roleArn(role), action: 's3:PutObject', resource: obj('in/a'), expect: 'Denied' },
  ];

  test('a matching matrix passes and reports every case', async () => {
    const results = await m.expectMatrix(cases);
    expect(results.map(r => [r.description, r.decision, r.pass])).toEqual([
      ['consumer assumes', 'Allowed', true],
      ['redshift cannot assume', 'Denied', true],
      ['reads in/', 'Allowed', true],
      ['no write', 'Denied', true],
    ]);
    expect(results[2].principal).toBe(m.roleArn(role));
    expect(AccessMatrix.format(results).split('\n')).toHaveLength(4);
  });

  test('every mismatching or failing case is reported by description', async () => {
    const wrong: AccessCase[] = [
      ...cases,
      { description: 'neighbour prefix wrongly expected', kind: 'identity', principal: role, action: 's3:GetObject', resource: obj('input-other/x'), expect: 'Allowed' },
      { description: 'other account wrongly expected', kind: 'assume', principal: 'arn:aws:iam::333333333333:role/consumer', action: 'sts:AssumeRole', resource: role, expect: 'Allowed' },
      { description: 'bucket ARN for an object action', kind: 'identity', principal: role, action: 's3:GetObject', resource: m.arn(bucket), expect: 'Denied' },
    ];
    const results = await m.check(wrong);
    expect(results.filter(r => !r.pass).map(r => r.description)).toEqual([
      'neighbour prefix wrongly expected', 'other account wrongly expected', 'bucket ARN for an object action',
    ]);
    expect(results[6]).toMatchObject({ decision: 'Error', error: expect.stringMatching(/no.resource.types/) });

    const error = await m.expectMatrix(wrong).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/^3 of 7 access-matrix case\(s\) differ/);
    expect(error?.message).toContain('FAIL neighbour prefix wrongly expected: expected Allowed, got Denied (ImplicitlyDenied)');
    expect(error?.message).toContain('FAIL other account wrongly expected: expected Allowed, got Denied');
    expect(error?.message).toContain('FAIL bucket ARN for an object action: expected Denied, got Error');
    expect(error?.message).not.toContain('consumer assumes');
  });
});

