import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
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
