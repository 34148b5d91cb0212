// The rule pack on code that does not use this library: S3 Access Grants written with L1
// constructs, the way the console wizard of seed 002 does it, but with the trust and the grant
// scope fixed. With the wizard's role (AssumeRole only) or a grant on "athena-results/" without
// "*", `cdk synth` stops with AnalyticsAccess-G15 / -G16 errors instead of Athena failing later.
// Synthesize with `npx projen examples` (no AWS credentials needed).
import { App, Aspects, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { AnalyticsAccessChecks } from '../src';

const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const ANALYSTS_GROUP_ID = '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';
const RESULTS_BUCKET = 'athena-results-111111111111';

/** Access Grants for Athena results, written by hand with L1 constructs. */
export class HandWrittenGrantsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const instance = new s3.CfnAccessGrantsInstance(this, 'Instance', { identityCenterArn: IDC_INSTANCE_ARN });
    // The trust of the S3 Access Grants tutorial: the wizard's role has sts:AssumeRole only (G15).
    const source = { StringEquals: { 'aws:SourceAccount': this.account }, ArnEquals: { 'aws:SourceArn': instance.attrAccessGrantsInstanceArn } };
    const role = new iam.CfnRole(this, 'LocationRole', {
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
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
            Condition: { ...source, 'ForAllValues:ArnEquals': { 'sts:RequestContextProviders': 'arn:aws:iam::aws:contextProvider/IdentityCenter' } },
          },
        ],
      },
    });
    // What S3 Access Grants may vend: the results objects, only through this instance.
    const objects = `arn:aws:s3:::${RESULTS_BUCKET}/athena-results/*`;
    const policy = new iam.CfnPolicy(this, 'LocationPolicy', {
      policyName: 'results-location',
      roles: [role.ref],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          Resource: objects,
          Condition: { ArnEquals: { 's3:AccessGrantsInstanceArn': instance.attrAccessGrantsInstanceArn } },
        }],
      },
    });
    NagSuppressions.addResourceSuppressions(policy, [{
      id: 'AwsSolutions-IAM5', reason: 'Every object under the granted results prefix, and nothing outside it.', appliesTo: [`Resource::${objects}`],
    }]);
    const location = new s3.CfnAccessGrantsLocation(this, 'Results', {
      iamRoleArn: role.attrArn,
      locationScope: `s3://${RESULTS_BUCKET}/`,
    });
    location.addDependency(instance);
    // Every object under athena-results/: the "*" that the article had to find (G16).
    new s3.CfnAccessGrant(this, 'AnalystsResults', {
      accessGrantsLocationId: location.attrAccessGrantsLocationId,
      accessGrantsLocationConfiguration: { s3SubPrefix: 'athena-results/*' },
      grantee: { granteeType: 'DIRECTORY_GROUP', granteeIdentifier: ANALYSTS_GROUP_ID },
      permission: 'READWRITE',
    });
  }
}

/** Builds the example app and checks all of it; placeholder account id, nothing is looked up. */
export function buildAnalyticsAccessChecksApp(app: App): Stack[] {
  const stack = new HandWrittenGrantsStack(app, 'HandWrittenGrants', { env: { account: '111111111111', region: 'us-east-1' } });
  // Check the whole app, not only what this library built, before `cdk deploy`.
  Aspects.of(app).add(new AnalyticsAccessChecks());
  return [stack];
}

if (require.main === module) {
  const app = new App();
  buildAnalyticsAccessChecksApp(app);
  app.synth();
}
