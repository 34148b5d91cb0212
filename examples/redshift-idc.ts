// Seed 000: Amazon Redshift with IAM Identity Center. The article's console steps (IdC role,
// IdC application, role association, CREATE IDENTITY PROVIDER, CREATE ROLE "AWSIDC:<group>",
// grants, group assignment, Query Editor v2 permission set) as constructs, for a Serverless
// namespace defined in the app and for an existing provisioned cluster.
// Synthesize with `npx projen examples` (no AWS credentials needed).
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  DataApiAuth, DatabaseGrant, QueryEditorV2PermissionSet, RedshiftIdcApplication, RedshiftSql, RedshiftTarget, Sql, TablePrivilege,
} from '../src';

const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const ANALYSTS = { groupId: '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901', groupName: 'data analysts' };
const ENGINEERS = { groupId: '90677d4a4c-2c3d4e5f-6071-8293-a4b5-c6d7e8f90a12', groupName: 'data-engineers' };

/** A Serverless namespace created in this app, linked to IAM Identity Center. */
export class ServerlessIdcStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The admin credentials the deploy-time SQL signs in with (CREATE ROLE and GRANT need a superuser).
    const admin = new secretsmanager.Secret(this, 'AdminSecret', {
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'admin' }),
        generateStringKey: 'password',
        excludePunctuation: true,
      },
    });
    NagSuppressions.addResourceSuppressions(admin, [{
      id: 'AwsSolutions-SMG4',
      reason: 'Example: the admin password is set once when the namespace is created; rotate it with your own rotation Lambda in production.',
    }]);
    const namespace = new rs.CfnNamespace(this, 'Namespace', {
      namespaceName: 'analytics',
      dbName: 'dev',
      adminUsername: 'admin',
      adminUserPassword: admin.secretValueFromJson('password').unsafeUnwrap(),
    });
    const workgroup = new rs.CfnWorkgroup(this, 'Workgroup', { workgroupName: 'analytics-wg', namespaceName: 'analytics' });
    workgroup.addResourceDependency(namespace);
    const target = RedshiftTarget.serverless({ namespace, workgroup });

    // SQL of your own at deploy time: the schema the engineers' grants name must exist first.
    const stagingSchema = new RedshiftSql(this, 'StagingSchema', {
      target,
      auth: DataApiAuth.secret(admin),
      statements: [`CREATE SCHEMA IF NOT EXISTS ${Sql.identifier('staging')}`],
    });

    const idc = new RedshiftIdcApplication(this, 'Idc', {
      target,
      idcInstanceArn: IDC_INSTANCE_ARN,
      applicationName: 'analytics-idc',
      sqlAuth: DataApiAuth.secret(admin),
      groups: [
        // "AWSIDC:data analysts": read the public schema, including tables created later.
        { ...ANALYSTS, grants: [DatabaseGrant.readSchema('public')] },
        // "AWSIDC:data-engineers": read and write the staging schema.
        {
          ...ENGINEERS,
          grants: [
            DatabaseGrant.usageOnSchema('staging'),
            DatabaseGrant.onSchemaTables('staging', [TablePrivilege.SELECT, TablePrivilege.INSERT, TablePrivilege.UPDATE, TablePrivilege.DELETE]),
          ],
        },
      ],
    });
    idc.groupRoleSql.forEach((groupSql) => groupSql.node.addDependency(stagingSchema));

    // A BI tool's role may run SQL on this workgroup as itself (database user IAMR:<role name>), nothing more.
    const bi = new iam.Role(this, 'BiToolRole', { assumedBy: new iam.ArnPrincipal('arn:aws:iam::111111111111:role/bi-tool') });
    target.grantDataApi(bi, { database: 'dev', auth: DataApiAuth.iamIdentity() });
    NagSuppressions.addResourceSuppressions(bi, [{
      id: 'AwsSolutions-IAM5',
      reason: 'redshift-data DescribeStatement/GetStatementResult/ListStatements/CancelStatement have no resource type; they are limited to the role\'s own statements.',
      appliesTo: ['Resource::*'],
    }], true);
  }
}

/** An existing provisioned cluster: the role is associated by a custom resource, the IdP by SQL. */
export class ClusterIdcStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'reporting' });
    // The secret of the cluster's manageMasterPassword.
    const admin = secretsmanager.Secret.fromSecretCompleteArn(this, 'AdminSecret',
      'arn:aws:secretsmanager:us-east-1:111111111111:secret:redshift!reporting-admin-AbCdEf');

    new RedshiftIdcApplication(this, 'Idc', {
      target,
      idcInstanceArn: IDC_INSTANCE_ARN,
      applicationName: 'reporting-idc',
      identityProviderName: 'RedshiftQueryEditor',
      sqlAuth: DataApiAuth.secret(admin),
      groups: [{ ...ANALYSTS, grants: [DatabaseGrant.readSchema('reports')] }],
    });
  }
}

/** The IAM Identity Center account: a permission set that opens Query Editor v2. */
export class IdentityCenterStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new QueryEditorV2PermissionSet(this, 'QueryEditor', {
      idcInstanceArn: IDC_INSTANCE_ARN,
      region: 'us-east-1',
      groupIds: [ANALYSTS.groupId, ENGINEERS.groupId],
      accounts: ['111111111111'],
      // Query Editor v2's own permissions: the read-only policy AWS documents for this permission set.
      managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonRedshiftQueryEditorV2ReadSharing'],
    });
  }
}

/** Builds the example app; placeholder account ids, nothing is looked up. */
export function buildRedshiftIdcApp(app: App): Stack[] {
  const env = { account: '111111111111', region: 'us-east-1' };
  return [
    new ServerlessIdcStack(app, 'RedshiftIdcServerless', { env }),
    new ClusterIdcStack(app, 'RedshiftIdcCluster', { env }),
    new IdentityCenterStack(app, 'RedshiftIdcIdentityCenter', { env: { account: '999999999999', region: 'us-east-1' } }),
  ];
}

if (require.main === module) {
  const app = new App();
  buildRedshiftIdcApp(app);
  app.synth();
}
