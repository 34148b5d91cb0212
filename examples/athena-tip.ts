// Seed 002 (first part): the data-access pieces of Athena with trusted identity propagation.
// The Lake Formation location role that may set context (the article's "please allow
// sts:SetContext"), and S3 Access Grants for IAM Identity Center groups on the data and on the
// Athena query results (the article's "results bucket does not exist").
// Synthesize with `npx projen examples` (no AWS credentials needed).
import { App, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  AccessGrantee, AccessGrantPermission, AccessGrantsInstance, AccessGrantsLocation, LakeFormationContextRole, LakeFormationSettings,
} from '../src';

const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const ANALYSTS_GROUP_ID = '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';

/** The data lake account: data and results buckets, Lake Formation location, Access Grants. */
export class AthenaTipDataStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const logs = new s3.Bucket(this, 'AccessLogs', {
      enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
    });
    const key = new kms.Key(this, 'DataKey', { enableKeyRotation: true });
    const data = new s3.Bucket(this, 'Data', {
      encryptionKey: key, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'data/',
    });
    const results = new s3.Bucket(this, 'Results', {
      enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'results/',
    });

    // Lake Formation vends credentials for the sales tables with a role that allows
    // sts:SetContext, never the service-linked role (G14).
    new LakeFormationContextRole(this, 'SalesLocation', { bucket: data, prefix: 'warehouse/sales/', readOnly: true });
    // Add the data admin and turn on identity context in S3 data events, keeping the
    // administrators and settings made elsewhere (DataLakeSettings would replace them).
    const dataAdmin = iam.Role.fromRoleArn(this, 'DataAdmin', 'arn:aws:iam::111111111111:role/data-lake-admin', { mutable: false });
    new LakeFormationSettings(this, 'LakeSettings', { admins: [dataAdmin], parameters: { SET_CONTEXT: 'TRUE' } });

    // S3 Access Grants, associated with IAM Identity Center so grants can name IdC groups.
    const instance = new AccessGrantsInstance(this, 'AccessGrants', { identityCenterArn: IDC_INSTANCE_ARN });
    // The query results location, and the grant whose absence made Athena say the results
    // bucket "does not exist": every object under athena-results/ (a "*" prefix, G16).
    const resultsLocation = new AccessGrantsLocation(this, 'ResultsLocation', { instance, bucket: results, prefix: 'athena-results/' });
    resultsLocation.grant('AnalystsResults', {
      grantee: AccessGrantee.directoryGroup(ANALYSTS_GROUP_ID),
      permission: AccessGrantPermission.READWRITE,
    });
    // Read access to the sales data for the same group.
    const dataLocation = new AccessGrantsLocation(this, 'DataLocation', { instance, bucket: data, prefix: 'warehouse/', readOnly: true });
    dataLocation.grant('AnalystsSales', {
      grantee: AccessGrantee.directoryGroup(ANALYSTS_GROUP_ID),
      permission: AccessGrantPermission.READ,
      prefix: 'sales/',
    });
  }
}

/** Builds the example app; placeholder account ids, nothing is looked up. */
export function buildAthenaTipApp(app: App): Stack[] {
  return [new AthenaTipDataStack(app, 'AthenaTipData', { env: { account: '111111111111', region: 'us-east-1' } })];
}

if (require.main === module) {
  const app = new App();
  buildAthenaTipApp(app);
  app.synth();
}
