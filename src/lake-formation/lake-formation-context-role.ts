import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantS3Prefix, s3KeyPattern } from '../core/private/s3-prefix';
import { ServiceTrust } from '../core/service-trust';

/**
 * Properties of a `LakeFormationContextRole`.
 */
export interface LakeFormationContextRoleProps {
  /** The bucket of the data location. */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix of the data location, such as `warehouse/sales/`.
   *
   * @default - the whole bucket
   */
  readonly prefix?: string;

  /**
   * Only read the location (Lake Formation vends read credentials only, for example for
   * Athena queries without writes).
   *
   * @default false
   */
  readonly readOnly?: boolean;

  /**
   * Register the location with Lake Formation with this role (`AWS::LakeFormation::Resource`,
   * never the service-linked role).
   *
   * @default true
   */
  readonly registerLocation?: boolean;

  /**
   * Hybrid access mode: IAM permissions keep working for the location next to Lake Formation's.
   *
   * @default false
   */
  readonly hybridAccessEnabled?: boolean;

  /**
   * Register the location for federated catalogs.
   *
   * @default false
   */
  readonly withFederation?: boolean;

  /**
   * The role name.
   *
   * @default - CloudFormation names it
   */
  readonly roleName?: string;

  /**
   * A description.
   *
   * @default - names the location
   */
  readonly description?: string;

  /**
   * The maximum session duration.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/**
 * The role Lake Formation assumes to vend credentials for one registered S3 location, usable
 * with trusted identity propagation: trusted by `lakeformation.amazonaws.com` with
 * `sts:AssumeRole` **and `sts:SetContext`**, which the service-linked role cannot allow (gotcha
 * G14: "please allow sts:SetContext"). It may read (and by default write) exactly the objects
 * under the location, and use the bucket's key; the location is registered with it.
 *
 * @example
 * declare const bucket: s3.IBucket;
 * const role = new LakeFormationContextRole(this, 'SalesLocation', { bucket, prefix: 'warehouse/sales/' });
 *
 * @see https://docs.aws.amazon.com/lake-formation/latest/dg/registration-role.html
 */
export class LakeFormationContextRole extends iam.Role {
  /** The S3 ARN of the location (`arn:<partition>:s3:::<bucket>/<prefix>`). */
  public readonly locationArn: string;
  /** The registration of the location. @default - not registered by this construct */
  public readonly registration?: lakeformation.CfnResource;

  constructor(scope: Construct, id: string, props: LakeFormationContextRoleProps) {
    super(scope, id, {
      assumedBy: ServiceTrust.lakeFormation(),
      roleName: props.roleName,
      maxSessionDuration: props.maxSessionDuration,
      // The prefix stays out of the description: IAM allows only Latin-1 there, S3 keys any Unicode.
      description: props.description ?? 'Lake Formation data location role, with sts:SetContext (cdk-analytics-access)',
    });
    const keyPattern = s3KeyPattern(this, 'prefix', props.prefix);
    // A location ARN names the prefix without a trailing wildcard or slash.
    this.locationArn = props.prefix === undefined ? props.bucket.bucketArn : `${props.bucket.bucketArn}/${props.prefix.replace(/\/+$/, '')}`;

    const readOnly = props.readOnly ?? false;
    grantS3Prefix(this, props.bucket, props.prefix, keyPattern,
      readOnly ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      readOnly ? 'Lake Formation reads' : 'Lake Formation reads and writes');
    if (props.bucket.encryptionKey) {
      props.bucket.encryptionKey.grant(this, ...(readOnly ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey']));
    }

    if (props.registerLocation ?? true) {
      this.registration = new lakeformation.CfnResource(this, 'Registration', {
        resourceArn: this.locationArn,
        roleArn: this.roleArn,
        // G14: the service-linked role cannot allow sts:SetContext.
        useServiceLinkedRole: false,
        hybridAccessEnabled: props.hybridAccessEnabled,
        withFederation: props.withFederation,
      });
      // The role's permissions exist before Lake Formation vends credentials with it.
      const policy = this.node.tryFindChild('DefaultPolicy');
      if (policy) {
        this.registration.node.addDependency(policy);
      }
    }
  }
}
