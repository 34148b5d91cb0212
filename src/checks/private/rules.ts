import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import {
  accountOf, allows, appResourcesOfType, flatten, getAttLogicalId, identityStatementsOfRole, policyDocumentsOf, rendered, RenderedResource,
  resourcesOfType, roleOfArn, statementsOf, trustedActions,
} from './template-view';
import { DEFAULT_TRUST_POLICY_QUOTA, estimatedJsonLength, INLINE_POLICIES_QUOTA, MANAGED_POLICY_QUOTA } from '../../core/private/policy-size';

/** IAM's quotas in characters without whitespace (reference_iam-quotas). */
/** Roles per Redshift cluster or namespace (default quota). */
const ROLES_PER_WAREHOUSE_QUOTA = 50;

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

/** A rule: the resource types it reads, and the check. */
type Rule = (node: CfnResource) => NagRuleResult;

function ofType(types: string[], check: (view: RenderedResource) => NagRuleResult): Rule {
  return (node) => (types.includes(node.cfnResourceType) ? check(rendered(node)) : NOT_APPLICABLE);
}

const listOf = (value: unknown): unknown[] => ([] as unknown[]).concat(value ?? []);
const sameValue = (a: unknown, b: unknown) => flatten(a) === flatten(b);

/** Whether the app uses trusted identity propagation (some IAM Identity Center integration). */
function appUsesTrustedIdentityPropagation(node: CfnResource): boolean {
  const any = (type: string, test: (r: RenderedResource) => boolean = () => true) => appResourcesOfType(node, type).some(test);
  return any('AWS::Redshift::RedshiftIdcApplication')
    || any('Custom::AthenaIdcWorkGroup')
    || any('Custom::LakeFormationIdentityCenter')
    || any('AWS::EMR::Studio', (r) => r.properties.TrustedIdentityPropagationEnabled === true || r.properties.TrustedIdentityPropagationEnabled === 'true')
    || any('AWS::S3::AccessGrantsInstance', (r) => r.properties.IdentityCenterArn !== undefined);
}

/** Trust check of the role an ARN property names (when the role is in the stack). */
function roleTrustAllows(node: CfnResource, roleArn: unknown, service: string, actions: string[]): NagRuleResult {
  const role = roleOfArn(node, roleArn);
  if (!role) {
    return NOT_APPLICABLE;
  }
  const trusted = trustedActions(role, service);
  const missing = actions.filter((action) => !allows(trusted, action));
  return missing.length === 0 ? COMPLIANT : missing.map((action) => `${service}:${action}`);
}

/** G1: the IdC application's role is in a role list of its stack (namespace, cluster or a role association). */
export const idcRoleAssociated: Rule = ofType(['AWS::Redshift::RedshiftIdcApplication'], (idc) => {
  const roleArn = idc.properties.IamRoleArn;
  if (roleArn === undefined) {
    return NOT_APPLICABLE;
  }
  const stack = Stack.of(idc.node);
  const lists = [
    ...resourcesOfType(stack, 'AWS::RedshiftServerless::Namespace').map((r) => r.properties.IamRoles),
    ...resourcesOfType(stack, 'AWS::Redshift::Cluster').map((r) => r.properties.IamRoles),
    ...resourcesOfType(stack, 'Custom::RedshiftRoleAssociation').map((r) => r.properties.RoleArns),
  ];
  return lists.some((list) => listOf(list).some((arn) => sameValue(arn, roleArn))) ? COMPLIANT : NON_COMPLIANT;
});

/** G5: the IdC application's role may be assumed with sts:SetContext by Redshift. */
export const idcRoleSetsContext: Rule = ofType(['AWS::Redshift::RedshiftIdcApplication'], (idc) => {
  const role = roleOfArn(idc.node, idc.properties.IamRoleArn);
  if (!role) {
    return NOT_APPLICABLE;
  }
  const ok = ['redshift.amazonaws.com', 'redshift-serverless.amazonaws.com'].some((service) => {
    const trusted = trustedActions(role, service);
    return allows(trusted, 'sts:AssumeRole') && allows(trusted, 'sts:SetContext');
  });
  return ok ? COMPLIANT : NON_COMPLIANT;
});

/** G7: a Serverless namespace's default role is in its role list. */
export const serverlessDefaultRoleListed: Rule = ofType(['AWS::RedshiftServerless::Namespace'], (namespace) => {
  const defaultRole = namespace.properties.DefaultIamRoleArn;
  if (defaultRole === undefined) {
    return NOT_APPLICABLE;
  }
  return listOf(namespace.properties.IamRoles).some((arn) => sameValue(arn, defaultRole)) ? COMPLIANT : NON_COMPLIANT;
});

/** G8: a role association does not fight over a role list that the template also sets. */
export const oneRoleListOwner: Rule = ofType(['Custom::RedshiftRoleAssociation'], (association) => {
  const target = association.properties.TargetName;
  const stack = Stack.of(association.node);
  const clusters = association.properties.TargetType === 'cluster'
    ? resourcesOfType(stack, 'AWS::Redshift::Cluster').filter((c) => c.properties.IamRoles !== undefined
      && (sameValue(c.properties.ClusterIdentifier, target) || getAttLogicalId(target) === c.logicalId))
    : resourcesOfType(stack, 'AWS::RedshiftServerless::Namespace').filter((n) => n.properties.IamRoles !== undefined
      && (sameValue(n.properties.NamespaceName, target) || getAttLogicalId(target) === n.logicalId));
  return clusters.length > 0 ? NON_COMPLIANT : COMPLIANT;
});

/** G9: at most 50 roles per cluster or namespace. */
export const rolesPerWarehouse: Rule = ofType(['AWS::Redshift::Cluster', 'AWS::RedshiftServerless::Namespace'], (warehouse) =>
  (listOf(warehouse.properties.IamRoles).length > ROLES_PER_WAREHOUSE_QUOTA ? NON_COMPLIANT : COMPLIANT));

/**
 * G10: `redshift:GetClusterCredentials` names `dbuser:<cluster>/<user>` (not `<user>/<db>`) in the
 * cluster's account (not the caller's).
 */
export const getClusterCredentialsResources: Rule = (node) => {
  const documents = policyDocumentsOf(node);
  if (documents.length === 0) {
    return NOT_APPLICABLE;
  }
  const clusters = new Map<string, string | undefined>();
  for (const cluster of appResourcesOfType(node, 'AWS::Redshift::Cluster')) {
    const id = cluster.properties.ClusterIdentifier;
    if (typeof id === 'string') {
      clusters.set(id.toLowerCase(), accountOf(cluster.node));
    }
  }
  const findings = new Set<string>();
  for (const statement of documents.flatMap(statementsOf)) {
    if (statement.effect !== 'Allow' || !allows(statement.actions, 'redshift:GetClusterCredentials')) {
      continue;
    }
    for (const resource of statement.resources.map(flatten)) {
      // Deploy-time parts read as <AWS::Partition>, <AWS::AccountId> (see flatten), colons included.
      const match = /^arn:(?:<[^>]+>|[^:]+):redshift:(?:<[^>]+>|[^:]*):(<[^>]+>|[^:]*):(dbuser|dbname|dbgroup):([^/]+)\/(.+)$/.exec(resource);
      if (!match) {
        continue;
      }
      const [, account, kind, first, second] = match;
      if (!clusters.has(first.toLowerCase()) && clusters.has(second.toLowerCase())) {
        findings.add(`${kind}:${first}/${second} names the cluster second: use ${kind}:${second}/${first}`);
      }
      const clusterAccount = clusters.get(first.toLowerCase());
      const resourceAccount = account === '<AWS::AccountId>' ? accountOf(node) : account;
      if (clusterAccount && resourceAccount && /^\d{12}$/.test(resourceAccount) && resourceAccount !== clusterAccount) {
        findings.add(`${kind}:${first} in account ${resourceAccount}, but cluster ${first} is in ${clusterAccount}`);
      }
    }
  }
  return findings.size > 0 ? [...findings] : COMPLIANT;
};

/** G12: the role of a Redshift Data API rule target trusts EventBridge. */
export const scheduledQueryRoleTrustsEvents: Rule = ofType(['AWS::Events::Rule'], (rule) => {
  const targets = listOf(rule.properties.Targets) as Array<Record<string, unknown>>;
  const results = targets.filter((t) => t.RedshiftDataParameters !== undefined)
    .map((t) => roleTrustAllows(rule.node, t.RoleArn, 'events.amazonaws.com', ['sts:AssumeRole']));
  if (results.length === 0 || results.every((r) => r === NOT_APPLICABLE)) {
    return NOT_APPLICABLE;
  }
  const findings = results.filter((r): r is string[] => Array.isArray(r)).flat();
  return findings.length > 0 ? findings : COMPLIANT;
});

/** G13: a role that runs Data API statements on a Serverless workgroup can get credentials for it. */
export const serverlessDataApiCredentials: Rule = ofType(['AWS::IAM::Role'], (role) => {
  const statements = identityStatementsOfRole(role).filter((s) => s.effect === 'Allow');
  const onWorkgroup = statements.some((s) => (allows(s.actions, 'redshift-data:ExecuteStatement') || allows(s.actions, 'redshift-data:BatchExecuteStatement'))
    && s.resources.map(flatten).some((r) => r.includes(':workgroup/')));
  if (!onWorkgroup) {
    return NOT_APPLICABLE;
  }
  const credentials = statements.some((s) => allows(s.actions, 'redshift-serverless:GetCredentials') || allows(s.actions, 'secretsmanager:GetSecretValue'));
  return credentials ? COMPLIANT : NON_COMPLIANT;
});

/** G14: with trusted identity propagation, Lake Formation locations use a role that allows sts:SetContext. */
export const lakeFormationLocationSetsContext: Rule = ofType(['AWS::LakeFormation::Resource'], (location) => {
  if (!appUsesTrustedIdentityPropagation(location.node)) {
    return NOT_APPLICABLE;
  }
  const serviceLinked = location.properties.UseServiceLinkedRole;
  if (serviceLinked === true || serviceLinked === 'true' || location.properties.RoleArn === undefined) {
    return ['the service-linked role cannot allow sts:SetContext'];
  }
  return roleTrustAllows(location.node, location.properties.RoleArn, 'lakeformation.amazonaws.com', ['sts:AssumeRole', 'sts:SetContext']);
});

/** G15: an Access Grants location role allows AssumeRole and SetSourceIdentity (and SetContext with IAM Identity Center). */
export const accessGrantsLocationTrust: Rule = ofType(['AWS::S3::AccessGrantsLocation'], (location) => {
  const withIdentityCenter = appResourcesOfType(location.node, 'AWS::S3::AccessGrantsInstance').some((i) => i.properties.IdentityCenterArn !== undefined);
  const actions = ['sts:AssumeRole', 'sts:SetSourceIdentity', ...(withIdentityCenter ? ['sts:SetContext'] : [])];
  return roleTrustAllows(location.node, location.properties.IamRoleArn, 'access-grants.s3.amazonaws.com', actions);
});

/** G16: a prefix grant ends in `*`; only a single object is typed Object. */
export const accessGrantScope: Rule = ofType(['AWS::S3::AccessGrant'], (grant) => {
  const subPrefix = grant.properties.AccessGrantsLocationConfiguration?.S3SubPrefix;
  if (grant.properties.S3PrefixType === 'Object') {
    return typeof subPrefix === 'string' && !subPrefix.endsWith('*') && !subPrefix.endsWith('/')
      ? COMPLIANT : [`S3PrefixType Object on ${subPrefix === undefined ? 'the whole location' : `"${subPrefix}"`}`];
  }
  return subPrefix === undefined || typeof subPrefix !== 'string' || subPrefix.endsWith('*') ? COMPLIANT : [`S3SubPrefix "${subPrefix}" without "*"`];
});

/** G17: the execution role of an IdC Athena workgroup allows Athena AssumeRole and SetContext. */
export const athenaIdcExecutionRoleTrust: Rule = ofType(['Custom::AthenaIdcWorkGroup'], (workGroup) =>
  roleTrustAllows(workGroup.node, workGroup.properties.ExecutionRoleArn, 'athena.amazonaws.com', ['sts:AssumeRole', 'sts:SetContext']));

/** G19: IAM's size quotas (trust policy 2,048 by default, inline policies 10,240 per role, managed policy 6,144). */
export const policySizes: Rule = ofType(['AWS::IAM::Role', 'AWS::IAM::ManagedPolicy'], (resource) => {
  const stack = Stack.of(resource.node);
  const findings: string[] = [];
  if (resource.type === 'AWS::IAM::ManagedPolicy') {
    const size = estimatedJsonLength(stack, resource.properties.PolicyDocument);
    if (size > MANAGED_POLICY_QUOTA) {
      findings.push(`managed policy about ${size} characters > ${MANAGED_POLICY_QUOTA}`);
    }
  } else {
    const trust = estimatedJsonLength(stack, resource.properties.AssumeRolePolicyDocument);
    if (trust > DEFAULT_TRUST_POLICY_QUOTA) {
      findings.push(`trust policy about ${trust} characters > ${DEFAULT_TRUST_POLICY_QUOTA}`);
    }
    const namesRole = (roles: unknown) => listOf(roles).some((r) => getAttLogicalId(r) === resource.logicalId);
    const inline = [
      ...listOf(resource.properties.Policies).map((p) => (p as { PolicyDocument: unknown }).PolicyDocument),
      ...resourcesOfType(stack, 'AWS::IAM::Policy').filter((p) => namesRole(p.properties.Roles)).map((p) => p.properties.PolicyDocument),
    ].reduce((sum: number, document) => sum + estimatedJsonLength(stack, document), 0);
    if (inline > INLINE_POLICIES_QUOTA) {
      findings.push(`inline policies about ${inline} characters > ${INLINE_POLICIES_QUOTA}`);
    }
  }
  return findings.length > 0 ? findings : COMPLIANT;
});

/** G21: no AWS-managed `*FullAccess` or `AdministratorAccess` policy. */
export const noFullAccessPolicies: Rule = ofType(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::SSO::PermissionSet'], (holder) => {
  const arns = listOf(holder.type === 'AWS::SSO::PermissionSet' ? holder.properties.ManagedPolicies : holder.properties.ManagedPolicyArns).map(flatten);
  const findings = arns.map((arn) => /:iam::aws:policy\/(?:.*\/)?([^/]*FullAccess[^/]*|AdministratorAccess)$/.exec(arn)?.[1])
    .filter((name): name is string => name !== undefined);
  return findings.length > 0 ? findings : COMPLIANT;
});
