import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledge a cdk-nag rule on the CloudFormation resources under a construct, with the
 * reason, the way cdk-nag's `NagSuppressions` records it (`cdk_nag` resource metadata), so the
 * library needs no runtime dependency on cdk-nag.
 *
 * @param appliesTo regular expressions of the findings covered (e.g. one granted S3 prefix);
 * without them the whole rule is acknowledged, so give them wherever the rule is granular.
 */
export function suppressNag(scope: IConstruct, id: string, reason: string, appliesTo?: RegExp[]): void {
  const rule: Record<string, unknown> = { id, reason };
  if (appliesTo) {
    rule.applies_to = appliesTo.map(regex => ({ regex: regex.toString() }));
  }
  for (const child of scope.node.findAll()) {
    if (child instanceof CfnResource) {
      const existing = (child.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
      child.addMetadata('cdk_nag', { rules_to_suppress: [...existing, rule] });
    }
  }
}

/** Escape text for use inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
