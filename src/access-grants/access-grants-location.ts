import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AccessGrant, AccessGrantOptions } from './access-grant';
import { IAccessGrantsInstance } from './access-grants-instance';
import { grantS3Prefix, s3KeyPattern } from '../core/private/s3-prefix';
import { ServiceTrust } from '../core/service-trust';

/** Object reads S3 Access Grants documents for a location role. */
const OBJECT_READ = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAcl', 's3:GetObjectVersionAcl', 's3:ListMultipartUploadParts'];
/** Object writes S3 Access Grants documents for a location role. */
const OBJECT_WRITE = ['s3:PutObject', 's3:PutObjectAcl', 's3:PutObjectVersionAcl', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload'];

/**
 * Properties of an `AccessGrantsLocation`.
 */
export interface AccessGrantsLocationProps {
  /** The Access Grants instance. */
  readonly instance: IAccessGrantsInstance;

  /** The bucket of the location. */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix of the location, such as `athena-results/`.
   *
   * @default - the whole bucket
   */
  readonly prefix?: string;

  /**
   * Grants on this location can only read: the location role gets no write permission.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * An S3 Access Grants location and its role (gotcha G15): the role trusts
 * `access-grants.s3.amazonaws.com` with `sts:AssumeRole` + `sts:SetSourceIdentity` (from this
 * account and this instance only) and `sts:SetContext` (with IAM Identity Center as the context
 * provider), and may use exactly the objects of this location, only through the instance.
 *
 * @example
 * declare const instance: IAccessGrantsInstance;
 * declare const bucket: s3.IBucket;
 * const results = new AccessGrantsLocation(this, 'Results', { instance, bucket, prefix: 'athena-results/' });
 * results.grant('Analysts', {
 *   grantee: AccessGrantee.directoryGroup('a1b2c3d4-5f60-7182-93a4-b5c6d7e8f901'),
 *   permission: AccessGrantPermission.READWRITE,
 * });
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-grants-location-register.html
 */
export class AccessGrantsLocation extends Construct {
  /** The instance. */
  public readonly instance: IAccessGrantsInstance;
  /** The role S3 Access Grants assumes to vend credentials for this location. */
  public readonly role: iam.Role;
  /** The location. */
  public readonly resource: s3.CfnAccessGrantsLocation;
  /** The location id. */
  public readonly locationId: string;
  /** The location scope (`s3://<bucket>/<prefix>`). */
  public readonly locationScope: string;
  /** Whether grants on this location can only read. */
  public readonly readOnly: boolean;
  /** The bucket. */
  public readonly bucket: s3.IBucket;
  /**
   * The key prefix of the location.
   *
   * @default - the whole bucket
   */
  public readonly prefix?: string;

  constructor(scope: Construct, id: string, props: AccessGrantsLocationProps) {
    super(scope, id);
    this.instance = props.instance;
    this.readOnly = props.readOnly ?? false;
    this.bucket = props.bucket;
    this.prefix = props.prefix;
    const keyPattern = s3KeyPattern(this, 'prefix', props.prefix);
    this.locationScope = `s3://${props.bucket.bucketName}${props.prefix === undefined ? '' : `/${props.prefix}`}`;

    this.role = new iam.Role(this, 'Role', {
      assumedBy: ServiceTrust.accessGrants({ instanceArn: props.instance.instanceArn }),
      description: 'S3 Access Grants location role (cdk-analytics-access)',
    });
    // As documented: every S3 permission only through this instance, on this account's buckets.
    const throughInstance = {
      StringEquals: { 'aws:ResourceAccount': Stack.of(this).account },
      ArnEquals: { 's3:AccessGrantsInstanceArn': props.instance.instanceArn },
    };
    grantS3Prefix(this.role, props.bucket, props.prefix, keyPattern,
      this.readOnly ? OBJECT_READ : [...OBJECT_READ, ...OBJECT_WRITE],
      this.readOnly ? 'S3 Access Grants vends read credentials for' : 'S3 Access Grants vends credentials for',
      throughInstance);
    if (props.bucket.encryptionKey) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: this.readOnly ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.bucket.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }));
    }

    this.resource = new s3.CfnAccessGrantsLocation(this, 'Resource', {
      iamRoleArn: this.role.roleArn,
      locationScope: this.locationScope,
    });
    this.locationId = this.resource.attrAccessGrantsLocationId;
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      this.resource.node.addDependency(policy);
    }
  }

  /**
   * Grant a user, group or IAM principal access under this location.
   */
  public grant(id: string, options: AccessGrantOptions): AccessGrant {
    return new AccessGrant(this, id, { ...options, location: this });
  }
}
