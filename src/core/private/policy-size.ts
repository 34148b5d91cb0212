import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * IAM's default quota for a role trust policy, in characters other than whitespace (gotcha G19).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const DEFAULT_TRUST_POLICY_QUOTA = 2048;

/** Longest likely value of a CloudFormation pseudo parameter, for estimates. */
const PSEUDO_PARAMETER_LENGTH: Record<string, number> = {
  'AWS::Partition': 'aws-us-gov'.length,
  'AWS::AccountId': 12,
  'AWS::Region': 'ap-southeast-2'.length,
  'AWS::URLSuffix': 'amazonaws.com.cn'.length,
};
/** `arn:aws:iam::123456789012:role/` plus a 64-character name: an IAM user or role ARN without a path. */
const PRINCIPAL_ARN_LENGTH = 95;
const OTHER_VALUE_LENGTH = 64;

/**
 * The length IAM will count for a policy document of a stack: its JSON without whitespace, with
 * each deploy-time value (references, attributes, pseudo parameters) replaced by the longest
 * value it is likely to have, so the estimate errs on the large side.
 */
export function estimatedPolicyLength(stack: Stack, document: iam.PolicyDocument): number {
  return estimatedJsonLength(stack, document);
}

/** The same estimate for any value of a policy, such as one principal ARN (with its quotes). */
export function estimatedJsonLength(stack: Stack, value: unknown): number {
  return JSON.stringify(withPlaceholders(stack.resolve(value))).length;
}

function withPlaceholders(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withPlaceholders);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0];
    if (key === 'Ref') {
      return 'x'.repeat(PSEUDO_PARAMETER_LENGTH[String(arg)] ?? OTHER_VALUE_LENGTH);
    }
    if (key === 'Fn::GetAtt' || key === 'Fn::ImportValue') {
      const attribute = Array.isArray(arg) ? String(arg[1]) : 'Arn';
      return 'x'.repeat(attribute.endsWith('Arn') ? PRINCIPAL_ARN_LENGTH : OTHER_VALUE_LENGTH);
    }
    if (key === 'Fn::Join' && Array.isArray(arg)) {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((part) => {
        const placeholder = withPlaceholders(part);
        return typeof placeholder === 'string' ? placeholder : JSON.stringify(placeholder);
      }).join(separator);
    }
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, withPlaceholders(inner)]));
}
