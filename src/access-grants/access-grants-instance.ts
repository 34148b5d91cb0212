import { Resource, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { identityCenterInstanceId } from '../core/private/identity-center';
import { check } from '../core/private/validation';

/**
 * An S3 Access Grants instance (one per account and Region).
 */
export interface IAccessGrantsInstance {
  /** `arn:<partition>:s3:<region>:<account>:access-grants/default`. */
  readonly instanceArn: string;
  /**
   * The IAM Identity Center instance it is associated with, which `DIRECTORY_USER` and
   * `DIRECTORY_GROUP` grants need.
   *
   * @default - unknown (imported) or not associated
   */
  readonly identityCenterArn?: string;
}

/**
 * Properties of an `AccessGrantsInstance`.
 */
export interface AccessGrantsInstanceProps {
  /**
   * The IAM Identity Center instance ARN (`arn:<partition>:sso:::instance/ssoins-...`), for grants
   * to IdC users and groups (trusted identity propagation).
   *
   * @default - not associated: only IAM grantees
   */
  readonly identityCenterArn?: string;
}

/**
 * The S3 Access Grants instance of this account and Region, optionally associated with IAM
 * Identity Center so that grants can name IdC users and groups.
 *
 * @example
 * const instance = new AccessGrantsInstance(this, 'Grants', {
 *   identityCenterArn: 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0',
 * });
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-grants-instance.html
 */
export class AccessGrantsInstance extends Resource implements IAccessGrantsInstance {
  /**
   * An existing instance, by ARN.
   *
   * @param identityCenterArn the IAM Identity Center instance it is associated with, if any
   */
  public static fromInstanceArn(scope: Construct, id: string, instanceArn: string, identityCenterArn?: string): IAccessGrantsInstance {
    check(Token.isUnresolved(instanceArn) || /^arn:aws[a-z-]*:s3:[a-z0-9-]+:\d{12}:access-grants\/default$/.test(instanceArn),
      `${scope.node.path}/${id}`, 'instanceArn', instanceArn, 'Give arn:<partition>:s3:<region>:<account>:access-grants/default.');
    class Import extends Resource implements IAccessGrantsInstance {
      public readonly instanceArn = instanceArn;
      public readonly identityCenterArn = identityCenterArn;
    }
    return new Import(scope, id);
  }

  public readonly instanceArn: string;
  public readonly identityCenterArn?: string;
  /** The instance. */
  public readonly resource: s3.CfnAccessGrantsInstance;

  constructor(scope: Construct, id: string, props: AccessGrantsInstanceProps = {}) {
    super(scope, id);
    if (props.identityCenterArn !== undefined) {
      identityCenterInstanceId(this, 'identityCenterArn', props.identityCenterArn);
    }
    this.resource = new s3.CfnAccessGrantsInstance(this, 'Resource', { identityCenterArn: props.identityCenterArn });
    this.instanceArn = this.resource.attrAccessGrantsInstanceArn;
    this.identityCenterArn = props.identityCenterArn;
  }
}
