import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { check } from './validation';

/**
 * IAM's default quota for a role trust policy, in characters other than whitespace (gotcha G19).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const DEFAULT_TRUST_POLICY_QUOTA = 2048;
/** IAM's quota for all inline policies of one role together, in characters other than whitespace. */
export const INLINE_POLICIES_QUOTA = 10_240;
/** IAM's quota for one customer-managed policy, in characters other than whitespace. */
export const MANAGED_POLICY_QUOTA = 6_144;

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

/** What makes a role's trust policy grow: one entry per trusted principal or external id. */
export interface TrustGrowth {
  /** The prop the entries come from, e.g. `creators`. */
  readonly property: string;
  /** What they are, e.g. `named creators`. */
  readonly noun: string;
  /** Each entry as the trust policy holds it (a principal ARN, an external id). */
  readonly entries: string[];
  /** How to trust them without the growth. */
  readonly fix: string;
}

/**
 * The `trustPolicySizeQuota` of a role: the account's quota for trust policies, checked to be a
 * whole number of characters no smaller than IAM's default (gotcha G19).
 */
export function trustPolicySizeQuota(scope: IConstruct, quota: number | undefined): number {
  const value = quota ?? DEFAULT_TRUST_POLICY_QUOTA;
  check(Number.isInteger(value) && value >= DEFAULT_TRUST_POLICY_QUOTA, scope, 'trustPolicySizeQuota', value,
    `Give the account's quota in characters, at least the default ${DEFAULT_TRUST_POLICY_QUOTA}.`);
  return value;
}

/**
 * Fail the synth when the role's trust policy is over the quota, instead of the deploy failing
 * with "Cannot exceed quota for ACLSizePerRole" (gotcha G19): the estimated size, how many entries
 * would fit, and the fix. An entry listed by several statements counts once per statement.
 */
export function checkTrustPolicySize(role: iam.Role, quota: number, growth: TrustGrowth): void {
  role.node.addValidation({
    validate: () => {
      const stack = Stack.of(role);
      const length = estimatedPolicyLength(stack, role.assumeRolePolicy!);
      if (length <= quota) {
        return [];
      }
      const statements = ([] as unknown[]).concat(stack.resolve(role.assumeRolePolicy!.toJSON()).Statement ?? []).map((s) => JSON.stringify(s));
      const costs = growth.entries.map((entry) => {
        const text = JSON.stringify(stack.resolve(entry));
        const occurrences = Math.max(1, statements.filter((statement) => statement.includes(text)).length);
        // The entry in quotes and a comma, in each statement that lists it.
        return occurrences * (estimatedJsonLength(stack, entry) + 1);
      });
      const withoutEntries = length - costs.reduce((a, b) => a + b, 0);
      const perEntry = costs.length > 0 ? Math.max(...costs) : 1;
      const fits = Math.max(0, Math.floor((quota - withoutEntries) / perEntry));
      return [`${growth.property}: the trust policy is about ${length} characters with ${growth.entries.length} ${growth.noun}; `
        + `IAM allows ${quota} (not counting whitespace; gotcha G19), so about ${fits} fit. ${growth.fix}`];
    },
  });
}

/**
 * Fail the synth when the policies of a role are over IAM's quotas, instead of the deploy failing
 * (gotcha G19): its inline policies together (its own `Policies` and every `AWS::IAM::Policy`
 * attached to it in its stack) over 10,240 characters, or a customer-managed policy attached to
 * it over 6,144 — where CDK moves statements that do not fit the role's DefaultPolicy, one
 * statement too large to split included.
 */
export function checkRolePolicySizes(role: iam.Role, what: string, fix: string): void {
  role.node.addValidation({
    validate: () => {
      const stack = Stack.of(role);
      const roleRef = JSON.stringify(stack.resolve(role.roleName));
      const attached = (roles: unknown) => ([] as unknown[]).concat(stack.resolve(roles) ?? []).some((r) => JSON.stringify(r) === roleRef);
      const constructs = stack.node.findAll().filter((c) => Stack.of(c) === stack);
      const inline = constructs.filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy && attached(c.roles))
        .map((policy) => policy.policyDocument);
      const own = ([] as unknown[]).concat(stack.resolve((role.node.defaultChild as iam.CfnRole).policies) ?? []);
      inline.push(...own.map((policy) => (policy as { PolicyDocument?: unknown }).PolicyDocument));
      const inlineSize = inline.reduce((sum: number, document) => sum + estimatedJsonLength(stack, document), 0);
      const errors = inlineSize > INLINE_POLICIES_QUOTA
        ? [`${what}: the role's inline policies are about ${inlineSize} characters; IAM allows ${INLINE_POLICIES_QUOTA} per role `
          + `(not counting whitespace; gotcha G19). ${fix}`]
        : [];
      for (const managed of constructs.filter((c): c is iam.CfnManagedPolicy => c instanceof iam.CfnManagedPolicy && attached(c.roles))) {
        const size = estimatedJsonLength(stack, managed.policyDocument);
        if (size > MANAGED_POLICY_QUOTA) {
          const path = managed.node.id === 'Resource' && managed.node.scope ? managed.node.scope.node.path : managed.node.path;
          errors.push(`${what}: the role's managed policy ${path} is about ${size} characters; IAM allows `
            + `${MANAGED_POLICY_QUOTA} per managed policy (not counting whitespace; gotcha G19). ${fix}`);
        }
      }
      return errors;
    },
  });
}
