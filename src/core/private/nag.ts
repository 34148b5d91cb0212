import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledge a cdk-nag rule on a construct and the CloudFormation resources under it, with the
 * reason, the way cdk-nag's `NagSuppressions` records it (`cdk_nag` resource metadata), so the
 * library needs no runtime dependency on cdk-nag.
 */
export function suppressNag(scope: IConstruct, id: string, reason: string): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof CfnResource) {
      const existing = (child.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
      child.addMetadata('cdk_nag', { rules_to_suppress: [...existing, { id, reason }] });
    }
  }
}
