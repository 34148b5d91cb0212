import { Annotations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** Roles that AWS recommends using for one purpose only, and that purpose. */
const dedicatedRoles = new WeakMap<iam.IRole, string>();

/** Record that `role` should serve only `purpose` (G2: the IdC application role). */
export function markDedicatedRole(role: iam.IRole, purpose: string): void {
  dedicatedRoles.set(role, purpose);
}

/** Warn when a dedicated role is used for `otherPurpose` too. */
export function warnIfDedicated(scope: IConstruct, role: iam.IRole, otherPurpose: string): void {
  const purpose = dedicatedRoles.get(role);
  if (purpose !== undefined) {
    Annotations.of(scope).addWarningV2('cdk-analytics-access:idc-role-reused',
      `${role.node.path} is ${purpose} and is also used as ${otherPurpose}. AWS recommends a role used for nothing else (gotcha G2): use another role.`);
  }
}
