import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AccessGrantsInstance } from './access-grants-instance';
import type { AccessGrantsLocation } from './access-grants-location';
import { checkIdentityStoreId } from '../core/private/identity-center';
import { checkS3KeyPrefix } from '../core/private/s3-prefix';
import { check, validationError } from '../core/private/validation';

/**
 * What an access grant allows.
 */
export enum AccessGrantPermission {
  READ = 'READ',
  WRITE = 'WRITE',
  READWRITE = 'READWRITE',
}

/** The identity store id format of IAM Identity Center users and groups. */

/**
 * Who an access grant is for.
 */
export class AccessGrantee {
  /** An IAM Identity Center user, by identity store user id. */
  public static directoryUser(userId: string): AccessGrantee {
    checkIdentityStoreId('AccessGrantee.directoryUser', 'userId', userId);
    return new AccessGrantee('DIRECTORY_USER', userId);
  }

  /** An IAM Identity Center group, by identity store group id. */
  public static directoryGroup(groupId: string): AccessGrantee {
    checkIdentityStoreId('AccessGrantee.directoryGroup', 'groupId', groupId);
    return new AccessGrantee('DIRECTORY_GROUP', groupId);
  }

  /** An IAM user or role. */
  public static iamPrincipal(principal: iam.IPrincipal): AccessGrantee {
    const arns = ([] as string[]).concat(principal.policyFragment.principalJson.AWS ?? []);
    check(arns.length === 1, 'AccessGrantee.iamPrincipal', 'principal', principal.toString(), 'Give one IAM user or role.');
    return new AccessGrantee('IAM', arns[0]);
  }

  /** `IAM`, `DIRECTORY_USER` or `DIRECTORY_GROUP`. */
  public readonly granteeType: string;
  /** The IAM ARN or the identity store id. */
  public readonly granteeIdentifier: string;

  private constructor(type: string, identifier: string) {
    this.granteeType = type;
    this.granteeIdentifier = identifier;
  }

  /** Whether the grantee is an IAM Identity Center user or group. */
  public get isDirectoryIdentity(): boolean {
    return this.granteeType !== 'IAM';
  }
}

/**
 * What an access grant covers within its location, and for whom.
 */
export interface AccessGrantOptions {
  /** Who. */
  readonly grantee: AccessGrantee;

  /** What they may do. */
  readonly permission: AccessGrantPermission;

  /**
   * A key prefix under the location, such as `sales/`; the grant covers every object under it
   * (the grant's sub-prefix is `sales/*`, gotcha G16). Give neither `prefix` nor `objectKey` for
   * the whole location.
   *
   * @default - the whole location
   */
  readonly prefix?: string;

  /**
   * A single object under the location instead of a prefix.
   *
   * @default - not a single object
   */
  readonly objectKey?: string;

  /**
   * Only through this IAM Identity Center application (its ARN).
   *
   * @default - any application
   */
  readonly applicationArn?: string;
}

/**
 * Properties of an `AccessGrant`.
 */
export interface AccessGrantProps extends AccessGrantOptions {
  /** The location the grant is in. */
  readonly location: AccessGrantsLocation;
}

/**
 * An S3 access grant that covers what it says: a prefix grant always ends in `*` and is never
 * typed as an object, a single-object grant names the object (gotcha G16, whose absence gave
 * Athena's "results bucket does not exist"). Combinations that would grant nothing fail at synth.
 *
 * @example
 * declare const location: AccessGrantsLocation;
 * new AccessGrant(this, 'AnalystsRead', {
 *   location,
 *   grantee: AccessGrantee.directoryGroup('a1b2c3d4-5f60-7182-93a4-b5c6d7e8f901'),
 *   permission: AccessGrantPermission.READ,
 *   prefix: 'sales/',
 * });
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-grants-grant-create.html
 */
export class AccessGrant extends Construct {
  /** The grant. */
  public readonly resource: s3.CfnAccessGrant;
  /** The grant's sub-prefix under the location (ends in `*` unless a single object). */
  public readonly subPrefix: string;

  constructor(scope: Construct, id: string, props: AccessGrantProps) {
    super(scope, id);
    if (props.prefix !== undefined && props.objectKey !== undefined) {
      throw validationError(this, 'prefix/objectKey', 'both', 'Give a prefix (every object under it) or an objectKey (one object), not both.');
    }
    if (props.prefix !== undefined) {
      checkS3KeyPrefix(this, 'prefix', props.prefix, false);
    }
    if (props.objectKey !== undefined) {
      checkS3KeyPrefix(this, 'objectKey', props.objectKey, false);
      check(!props.objectKey.endsWith('/'), this, 'objectKey', props.objectKey,
        'A key ending in "/" is a folder marker, not data: use `prefix` to grant everything under it.');
    }
    check(props.location.readOnly === false || props.permission === AccessGrantPermission.READ, this, 'permission', props.permission,
      'The location role of a read-only location cannot write: use READ, or a location that is not readOnly.');
    // A directory grantee on an instance without IAM Identity Center matches no request.
    const instance = props.location.instance;
    check(!(props.grantee.isDirectoryIdentity && instance instanceof AccessGrantsInstance && instance.identityCenterArn === undefined),
      this, 'grantee', props.grantee.granteeType,
      'IAM Identity Center users and groups need the Access Grants instance associated with IAM Identity Center: give identityCenterArn to the AccessGrantsInstance.');

    this.subPrefix = props.objectKey ?? `${props.prefix ?? ''}*`;
    this.resource = new s3.CfnAccessGrant(this, 'Resource', {
      accessGrantsLocationId: props.location.locationId,
      accessGrantsLocationConfiguration: { s3SubPrefix: this.subPrefix },
      grantee: { granteeType: props.grantee.granteeType, granteeIdentifier: props.grantee.granteeIdentifier },
      permission: props.permission,
      // G16: only a single object is typed as one; a prefix typed as an object matches nothing.
      s3PrefixType: props.objectKey !== undefined ? 'Object' : undefined,
      applicationArn: props.applicationArn,
    });
  }
}
