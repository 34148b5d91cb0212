import { App, Stack } from 'aws-cdk-lib';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import { RedshiftTarget, RedshiftTargetKind } from '../../src';

const env = { account: '111111111111', region: 'us-east-1' };
const WG_ID = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

describe('RedshiftTarget', () => {
  test('an imported cluster names dbuser/dbname/dbgroup ARNs in the cluster owner account, cluster first', () => {
    // GIVEN a cluster in account 222222222222 used from a stack in 111111111111
    const stack = new Stack(new App(), 'S', { env });
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics', account: '222222222222', region: 'eu-west-1' });

    // THEN the ARNs carry the cluster owner's account and the dbuser:<cluster>/<user> order (G10)
    expect(target.kind).toBe(RedshiftTargetKind.PROVISIONED);
    expect(stack.resolve(target.dbUserArn('awsuser'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:eu-west-1:222222222222:dbuser:analytics/awsuser']],
    });
    expect(stack.resolve(target.dbNameArn('dev'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:eu-west-1:222222222222:dbname:analytics/dev']],
    });
    expect(stack.resolve(target.dbGroupArn('loaders'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:eu-west-1:222222222222:dbgroup:analytics/loaders']],
    });
    expect(stack.resolve(target.dataApiArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:eu-west-1:222222222222:cluster:analytics']],
    });
  });

  test('an imported cluster without account uses the account of the stack that renders it', () => {
    const stack = new Stack(new App(), 'S');
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });
    expect(stack.resolve(target.dataApiArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cluster:analytics']],
    });
  });

  test('an imported workgroup ARN uses the workgroup id, not its name', () => {
    const stack = new Stack(new App(), 'S', { env });
    const target = RedshiftTarget.fromServerlessAttributes({
      namespaceName: 'sales', workgroupName: 'sales-wg', workgroupId: WG_ID, account: '111111111111', region: 'us-east-1',
    });
    expect(target.kind).toBe(RedshiftTargetKind.SERVERLESS);
    expect(stack.resolve(target.dataApiArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:redshift-serverless:us-east-1:111111111111:workgroup/${WG_ID}`]],
    });
    expect(target.namespaceArn).toBeUndefined();
  });

  test('a workgroup defined in the app uses its WorkgroupId and WorkgroupArn attributes', () => {
    const stack = new Stack(new App(), 'S', { env });
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'sales' });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'sales-wg', namespaceName: 'sales' });
    const target = RedshiftTarget.serverless({ namespace, workgroup });
    expect(stack.resolve(target.dataApiArn)).toEqual({ 'Fn::GetAtt': ['Wg', 'Workgroup.WorkgroupArn'] });
    expect(stack.resolve(target.workgroupId)).toEqual({ 'Fn::GetAtt': ['Wg', 'Workgroup.WorkgroupId'] });
    expect(stack.resolve(target.namespaceName)).toEqual({ Ref: 'Ns' });
    expect(target.definedInApp).toBe(true);
  });

  test('a cluster defined in the app is named by its Ref', () => {
    const stack = new Stack(new App(), 'S', { env });
    const cluster = new redshift.CfnCluster(stack, 'C', { clusterType: 'single-node', dbName: 'dev', masterUsername: 'admin', nodeType: 'ra3.large', manageMasterPassword: true });
    const target = RedshiftTarget.provisioned({ cluster });
    expect(stack.resolve(target.dbUserArn('etl'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':redshift:us-east-1:111111111111:dbuser:', { Ref: 'C' }, '/etl']],
    });
  });

  test('fails when a workgroup name is given where the workgroup id belongs', () => {
    expect(() => RedshiftTarget.fromServerlessAttributes({ namespaceName: 'sales', workgroupName: 'sales-wg', workgroupId: 'sales-wg' }))
      .toThrow(/workgroupId: "sales-wg" is not valid\. It is the workgroup id \(a UUID/);
  });

  test('fails when a cluster identifier is not a valid identifier', () => {
    expect(() => RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'Analytics_1' }))
      .toThrow(/clusterIdentifier: "Analytics_1" is not valid/);
    expect(() => RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'a--b' })).toThrow(/no "--"/);
  });

  test('fails when a db user contains "/" or ":" (malformed GetClusterCredentials ARN, G10)', () => {
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });
    expect(() => target.dbUserArn('awsuser/dev')).toThrow(/dbUser: "awsuser\/dev" is not valid.*must not contain ":" or "\/"/);
    expect(() => target.dbNameArn('dev:1')).toThrow(/database: "dev:1" is not valid/);
  });

  test('fails when dbuser ARNs are asked of a Serverless target (G13)', () => {
    const target = RedshiftTarget.fromServerlessAttributes({ namespaceName: 'sales', workgroupName: 'sales-wg', workgroupId: WG_ID });
    expect(() => target.dbUserArn('awsuser')).toThrow(/provisioned clusters only.*redshift-serverless:GetCredentials/);
  });
});
