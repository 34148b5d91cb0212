import { Token } from 'aws-cdk-lib';
import { validationError } from './validation';

/** Control characters other than tab, line feed and carriage return. */
const CONTROL_CHARACTERS_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** A UTF-16 surrogate that is not part of a pair: it has no UTF-8 encoding. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Builds a string literal from text the user passed and values this library read from
 * constructs. Library-internal: not part of the public API, never re-exported for users.
 *
 * Why unresolved tokens are allowed here and nowhere else: a token's value is decided at
 * deploy time, so it can be neither checked nor escaped at synth time. `Sql.literal` therefore
 * refuses every token. This function accepts a token only in a `libraryValue` part, which the
 * library fills with attributes of AWS resources whose naming rules exclude the characters
 * that could end or alter a literal (`'`, `\`, control characters):
 * - S3 bucket names: lowercase letters, digits, `.` and `-`;
 * - DynamoDB table names: letters, digits, `_`, `-` and `.`;
 * - IAM role ARNs: `arn:<partition>:iam::<account>:role/` plus `[\w+=,.@/-]`;
 * - KMS key ids: a UUID or `mrk-` followed by hex digits;
 * - IAM Identity Center application ARNs: `arn:<partition>:sso::<account>:application/` plus
 *   `ssoins-`/`ins-` and `apl-` ids of letters, digits, `-` and `.`.
 * A resolved `libraryValue` (an imported bucket name, say) is escaped like any other text, and
 * every `text` part goes through the same checks and escaping as `Sql.literal`.
 *
 * @param parts the literal's pieces, in order.
 * @returns the quoted literal; it may contain tokens that resolve in the template.
 */
export function libraryLiteral(...parts: Array<{ readonly text: string } | { readonly libraryValue: string }>): string {
  const where = 'Sql.literal';
  const body = parts.map((part) => {
    if ('libraryValue' in part) {
      return Token.isUnresolved(part.libraryValue) ? part.libraryValue : escapeLiteralText(where, part.libraryValue);
    }
    requireKnownString(where, part.text);
    return escapeLiteralText(where, part.text);
  }).join('');
  return `'${body}'`;
}

/** Checks `value` and returns it with `'` and `\` doubled, without the surrounding quotes. */
export function escapeLiteralText(where: string, value: string): string {
  if (CONTROL_CHARACTERS_EXCEPT_WHITESPACE.test(value)) {
    throw sqlError(where, value, 'String literals may not contain NUL or other control characters (tab, line feed and carriage return are allowed); remove them.');
  }
  if (LONE_SURROGATE.test(value)) {
    throw sqlError(where, value, 'The text is not valid Unicode (it has an unpaired surrogate); pass well-formed text.');
  }
  return value.replace(/\\/g, '\\\\').replace(/'/g, "''");
}

export function requireKnownString(where: string, value: string): void {
  if (typeof value !== 'string') {
    throw sqlError(where, value, 'Pass a string.');
  }
  if (Token.isUnresolved(value)) {
    throw sqlError(where, value, 'The value must be known at synth time: pass a literal string, not a CDK token (such as a CloudFormation parameter or attribute), because a token cannot be checked or escaped before deployment.');
  }
}

/**
 * SQL helpers are static and have no construct scope: the message names the method instead of
 * a construct path.
 */
export function sqlError(where: string, value: unknown, fix: string): Error {
  return validationError(where, 'value', value, fix);
}
