// Seed 002: Athena with trusted identity propagation. The Lake Formation location role that may
// set context (the article's "please allow sts:SetContext"), Lake Formation connected to IAM
// Identity Center with a grant to an IdC group, the IdC-enabled Athena workgroup, and S3 Access
// Grants for the group on the data and on the query results (the article's "results bucket does
// not exist").
// Synthesize with `npx projen examples` (no AWS credentials needed).
import { App, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  AccessGrantee, AccessGrantPermission, AccessGrantsInstance, AccessGrantsLocation, AthenaIdcWorkGroup, AthenaTrustedIdentityPropagation,
  EmrIdcStudio, LakeFormationContextRole, LakeFormationGrant, LakeFormationIdentityCenter, LakeFormationPermission, LakeFormationPrincipal,
  LakeFormationResource, LakeFormationSettings,
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

    // Connect Lake Formation to IAM Identity Center, then grant the analysts group the sales
    // tables: Lake Formation decides per IdC group what Athena may read.
    const lakeFormationIdc = new LakeFormationIdentityCenter(this, 'LakeFormationIdc', { instanceArn: IDC_INSTANCE_ARN });
    new LakeFormationGrant(this, 'AnalystsSalesTables', {
      principal: LakeFormationPrincipal.directoryGroup(ANALYSTS_GROUP_ID),
      resource: LakeFormationResource.allTables('sales'),
      permissions: [LakeFormationPermission.SELECT, LakeFormationPermission.DESCRIBE],
      identityCenter: lakeFormationIdc,
    });

    // S3 Access Grants, associated with IAM Identity Center so grants can name IdC groups.
    const instance = new AccessGrantsInstance(this, 'AccessGrants', { identityCenterArn: IDC_INSTANCE_ARN });
    // The Athena workgroup with IAM Identity Center: its execution role may set context (G17),
    // results go under a prefix per user, and the analysts group is assigned and granted the
    // results prefix, the grant whose absence made Athena say the results bucket "does not
    // exist" (every object under athena-results/, a "*" prefix, G16).
    const resultsLocation = new AccessGrantsLocation(this, 'ResultsLocation', { instance, bucket: results, prefix: 'athena-results/' });
    const workGroup = new AthenaIdcWorkGroup(this, 'AnalystsWorkGroup', {
      identityCenterInstanceArn: IDC_INSTANCE_ARN,
      resultsLocation,
      groupIds: [ANALYSTS_GROUP_ID],
    });
    // Read access to the sales data for the same group.
    const dataLocation = new AccessGrantsLocation(this, 'DataLocation', { instance, bucket: data, prefix: 'warehouse/', readOnly: true });
    dataLocation.grant('AnalystsSales', {
      grantee: AccessGrantee.directoryGroup(ANALYSTS_GROUP_ID),
      permission: AccessGrantPermission.READ,
      prefix: 'sales/',
    });

    // EMR Studio with IAM Identity Center and trusted identity propagation, in an existing VPC:
    // the analysts group (by display name) may open it and query the workgroup.
    const vpc = existingVpc(this);
    const studio = new EmrIdcStudio(this, 'Studio', {
      identityCenterInstanceArn: IDC_INSTANCE_ARN,
      vpc,
      workspaceBucket: results,
      workspacePrefix: 'emr-studio/',
      groupNames: ['analysts'],
    });
    studio.grantAthenaQueries(workGroup.workGroupArn);
  }
}

/** The whole walkthrough in one construct, in another account. */
export class AthenaTipWiredStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const logs = new s3.Bucket(this, 'AccessLogs', {
      enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = (name: string) => new s3.Bucket(this, name, {
      enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsBucket: logs, serverAccessLogsPrefix: `${name}/`,
    });
    const [data, results, workspaces] = [bucket('Data'), bucket('Results'), bucket('Workspaces')];

    // Every step of the article: Lake Formation with IdC and a grant per group, the data
    // location role that may set context, Access Grants for the results, the IdC workgroup
    // and the EMR Studio, wired together.
    new AthenaTrustedIdentityPropagation(this, 'Tip', {
      identityCenterInstanceArn: IDC_INSTANCE_ARN,
      dataLocations: [{ bucket: data, prefix: 'warehouse/' }],
      resultsBucket: results,
      groups: [{
        groupId: ANALYSTS_GROUP_ID,
        displayName: 'analysts',
        resources: [LakeFormationResource.allTables('sales')],
      }],
      studio: { vpc: existingVpc(this), workspaceBucket: workspaces },
    });
  }
}

/** An existing VPC with two private subnets (placeholder ids; nothing is looked up). */
function existingVpc(scope: Construct): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, 'ExistingVpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1c2d3e4f5a60718'],
  });
}

/** Builds the example app; placeholder account ids, nothing is looked up. */
export function buildAthenaTipApp(app: App): Stack[] {
  return [
    new AthenaTipDataStack(app, 'AthenaTipData', { env: { account: '111111111111', region: 'us-east-1' } }),
    new AthenaTipWiredStack(app, 'AthenaTipWired', { env: { account: '222222222222', region: 'us-east-1' } }),
  ];
}

if (require.main === module) {
  const app = new App();
  buildAthenaTipApp(app);
  app.synth();
}
