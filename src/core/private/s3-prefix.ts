import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { escapeRegExp, suppressNag } from './nag';
import { check } from './validation';

/** Longest S3 object key, in bytes of UTF-8. */
const MAX_S3_KEY_BYTES = 1024;

/**
 * The one rule for an S3 key prefix that a grant or a COPY/UNLOAD statement names: no leading
 * "/" (S3 keys have none), no wildcard (a grant already covers every key under the prefix, and
 * in SQL a "*" would be a literal key character), no control characters, at most an S3 key's
 * length. Empty means "the whole bucket": omit the prefix instead.
 *
 * @param allowToken whether a deploy-time value may pass unchecked (IAM resources may hold one;
 * SQL text may not, since it cannot be checked or escaped)
 */
export function checkS3KeyPrefix(scope: IConstruct | string, prop: string, prefix: string, allowToken: boolean): void {
  if (Token.isUnresolved(prefix)) {
    check(allowToken, scope, prop, prefix, 'The prefix must be known at synth time; pass a literal string, not a CDK token.');
    return;
  }
  check(prefix.length > 0, scope, prop, prefix, 'Omit the prefix for the whole bucket, or give one such as "incoming/".');
  check(!prefix.startsWith('/'), scope, prop, prefix, `An S3 key prefix has no leading '/'; pass ${JSON.stringify(prefix.replace(/^\/+/, ''))}.`);
  check(!/[*?]/.test(prefix), scope, prop, prefix, 'Give the prefix without wildcards: everything under it is covered.');
  check(!/[\u0000-\u001f\u007f-\u009f]/u.test(prefix), scope, prop, prefix, 'Remove control characters (such as newline or NUL) from the S3 key prefix.');
  check(Buffer.byteLength(prefix, 'utf8') <= MAX_S3_KEY_BYTES, scope, prop, prefix,
    `An S3 key is at most ${MAX_S3_KEY_BYTES} bytes of UTF-8; use a shorter prefix.`);
}

/** The object-key pattern a grant covers: `<prefix>*`, or `*` for the whole bucket. */
export function s3KeyPattern(scope: IConstruct | string, prop: string, prefix: string | undefined): string {
  if (prefix === undefined) {
    return '*';
  }
  checkS3KeyPrefix(scope, prop, prefix, true);
  return `${prefix}*`;
}

/**
 * Grant a role of this library `objectActions` on the objects under one prefix of a bucket and
 * `s3:ListBucket` for that prefix only. The object ARN ends in "*" because a grant covers every
 * key under the prefix; the cdk-nag acknowledgement names exactly that prefix, so any other
 * wildcard on the role still surfaces.
 *
 * @param doing what the role does there, for the acknowledgement ("COPY/UNLOAD reads or writes")
 * @param conditions conditions every statement carries (such as the Access Grants instance)
 */
export function grantS3Prefix(role: iam.IRole, bucket: s3.IBucket, prefix: string | undefined, keyPattern: string,
  objectActions: string[], doing: string, conditions: Record<string, Record<string, unknown>> = {}): iam.Grant {
  const listConditions = prefix ? { ...conditions, StringLike: { ...conditions.StringLike, 's3:prefix': [`${prefix}*`] } } : conditions;
  const list = iam.Grant.addToPrincipal({
    grantee: role,
    actions: ['s3:ListBucket'],
    resourceArns: [bucket.bucketArn],
    conditions: Object.keys(listConditions).length > 0 ? listConditions : undefined,
  });
  const objects = iam.Grant.addToPrincipal({
    grantee: role,
    actions: objectActions,
    resourceArns: [bucket.arnForObjects(keyPattern)],
    conditions: Object.keys(conditions).length > 0 ? conditions : undefined,
  });
  suppressNag(role, 'AwsSolutions-IAM5', `${doing} every object under the granted prefix "${keyPattern}" and nothing outside it.`,
    [new RegExp(`^Resource::.*/${escapeRegExp(keyPattern)}$`)]);
  return list.combine(objects);
}
