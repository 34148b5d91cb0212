import { CfnResource, Reference, Stack, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One statement of a policy document, resolved, with Action/Resource/Principal normalized. */
export interface Statement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
  readonly principals: Record<string, string[]>;
  readonly conditions: Record<string, unknown>;
}

/** A resource as it is rendered in the template: type and resolved properties. */
export interface RenderedResource {
  readonly node: CfnResource;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, any>;
}

const RENDERED = new WeakMap<CfnResource, RenderedResource>();

/**
 * The resource as CloudFormation will receive it (overrides included), resolved. The rules read
 * any resource type the same way, custom resources included, instead of one L1 class each.
 */
export function rendered(node: CfnResource): RenderedResource {
  let view = RENDERED.get(node);
  if (!view) {
    const stack = Stack.of(node);
    // _toCloudFormation is what the synthesizer writes: the only view with overrides applied.
    type Fragment = { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };
    const fragment = stack.resolve((node as any)._toCloudFormation()) as Fragment;
    const [logicalId, resource] = Object.entries(fragment.Resources)[0];
    view = { node, logicalId, type: resource.Type, properties: resource.Properties ?? {} };
    RENDERED.set(node, view);
  }
  return view;
}

/** The CloudFormation resources of an app (or stack) of one type. */
export function resourcesOfType(scope: IConstruct, type: string): RenderedResource[] {
  return scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === type).map(rendered);
}

/** The whole app's resources of one type, wherever the node is. */
export function appResourcesOfType(node: IConstruct, type: string): RenderedResource[] {
  return resourcesOfType(node.node.root, type);
}

/**
 * The IAM role a resolved ARN value points at (`Fn::GetAtt [Role, Arn]`); `undefined` for literal
 * ARNs and imports, which a template check cannot see into. Before synthesis a reference to a
 * role of another stack still renders as a GetAtt of that stack's logical id, so the role is
 * found through the references the resource's properties hold; a GetAtt written by hand names
 * a role of the resource's own stack.
 */
export function roleOfArn(node: CfnResource, arn: unknown): RenderedResource | undefined {
  const logicalId = getAttLogicalId(arn);
  if (!logicalId) {
    return undefined;
  }
  const referenced = referencedResources(node).map(rendered)
    .filter((target) => target.type === 'AWS::IAM::Role' && target.logicalId === logicalId);
  if (referenced.length > 0) {
    return referenced.length === 1 ? referenced[0] : undefined;
  }
  return resourcesOfType(Stack.of(node), 'AWS::IAM::Role').find((role) => role.logicalId === logicalId);
}

/** The CloudFormation resources that the (unresolved) properties of a resource reference. */
function referencedResources(node: CfnResource): CfnResource[] {
  const targets = new Set<CfnResource>();
  const collect = (token: unknown) => {
    if (Reference.isReference(token) && CfnResource.isCfnResource(token.target)) {
      targets.add(token.target);
    }
  };
  const visit = (value: unknown, depth: number): void => {
    if (depth > 20) {
      return;
    }
    if (typeof value === 'string') {
      Tokenization.reverseString(value).tokens.forEach(collect);
    } else if (Array.isArray(value)) {
      value.forEach((v) => visit(v, depth + 1));
    } else if (Tokenization.isResolvable(value)) {
      collect(value);
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach((v) => visit(v, depth + 1));
    }
  };
  // cfnProperties: the properties as given, tokens unresolved (protected on CfnResource).
  visit((node as any).cfnProperties, 0);
  return [...targets];
}

/** `X` of `{ Fn::GetAtt: [X, attr] }` or `{ Ref: X }`. */
export function getAttLogicalId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['Fn::GetAtt'])) {
      return String((v['Fn::GetAtt'] as unknown[])[0]);
    }
    if (typeof v.Ref === 'string') {
      return v.Ref;
    }
  }
  return undefined;
}

/** The statements of a resolved policy document. */
export function statementsOf(document: unknown): Statement[] {
  const list = (document as { Statement?: unknown } | undefined)?.Statement;
  return ([] as unknown[]).concat(list ?? []).map((raw) => {
    const s = raw as Record<string, any>;
    const principals: Record<string, string[]> = {};
    if (s.Principal && typeof s.Principal === 'object') {
      for (const [kind, value] of Object.entries(s.Principal as Record<string, unknown>)) {
        principals[kind] = ([] as unknown[]).concat(value).map((p) => flatten(p));
      }
    }
    return {
      effect: String(s.Effect ?? 'Allow'),
      actions: ([] as unknown[]).concat(s.Action ?? []).map(String),
      resources: ([] as unknown[]).concat(s.Resource ?? []),
      principals,
      conditions: (s.Condition ?? {}) as Record<string, unknown>,
    };
  });
}

/** The trust statements of a role. */
export function trustOf(role: RenderedResource): Statement[] {
  return statementsOf(role.properties.AssumeRolePolicyDocument);
}

/**
 * The session actions a service may use on a role, by its trust (Allow statements only).
 * `service` matches the global principal and the regional ones (`redshift.<region>.amazonaws.com`).
 */
export function trustedActions(role: RenderedResource, service: string): Set<string> {
  const [name, ...domain] = service.split('.');
  const matches = (principal: string) => principal === service || new RegExp(`^${name}\\.[a-z0-9-]+\\.${domain.join('\\.')}$`).test(principal);
  const actions = new Set<string>();
  for (const statement of trustOf(role)) {
    if (statement.effect === 'Allow' && (statement.principals.Service ?? []).some(matches)) {
      statement.actions.forEach((action) => actions.add(action));
    }
  }
  return actions;
}

/** Whether `actions` (as a policy lists them, wildcards included) allow `action`. */
export function allows(actions: Iterable<string>, action: string): boolean {
  for (const pattern of actions) {
    const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    if (regex.test(action)) {
      return true;
    }
  }
  return false;
}

/**
 * Every identity-policy statement that applies to a role: its inline policies, and the
 * AWS::IAM::Policy / ManagedPolicy resources of its stack that name it.
 */
export function identityStatementsOfRole(role: RenderedResource): Statement[] {
  const stack = Stack.of(role.node);
  const statements: Statement[] = [];
  for (const policy of ([] as any[]).concat(role.properties.Policies ?? [])) {
    statements.push(...statementsOf(policy.PolicyDocument));
  }
  const namesRole = (roles: unknown) => ([] as unknown[]).concat(roles ?? []).some((r) => getAttLogicalId(r) === role.logicalId);
  for (const policy of [...resourcesOfType(stack, 'AWS::IAM::Policy'), ...resourcesOfType(stack, 'AWS::IAM::ManagedPolicy')]) {
    if (namesRole(policy.properties.Roles)) {
      statements.push(...statementsOf(policy.properties.PolicyDocument));
    }
  }
  for (const arn of ([] as unknown[]).concat(role.properties.ManagedPolicyArns ?? [])) {
    const managed = resourcesOfType(stack, 'AWS::IAM::ManagedPolicy').find((p) => p.logicalId === getAttLogicalId(arn));
    if (managed && !namesRole(managed.properties.Roles)) {
      statements.push(...statementsOf(managed.properties.PolicyDocument));
    }
  }
  return statements;
}

/** Every policy document of the stack's IAM resources (identity policies), with the resource holding it. */
export function policyDocumentsOf(node: CfnResource): unknown[] {
  const view = rendered(node);
  switch (view.type) {
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return ([] as any[]).concat(view.properties.Policies ?? []).map((p) => p.PolicyDocument);
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      return [view.properties.PolicyDocument];
    default:
      return [];
  }
}

/**
 * A resolved value as text, with each deploy-time part shown as `<Ref>` or `<Logical.Attr>`:
 * enough to read a literal ARN's shape and to compare two references.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(flatten).join(',');
  }
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') {
      return `<${v.Ref}>`;
    }
    if (Array.isArray(v['Fn::GetAtt'])) {
      return `<${(v['Fn::GetAtt'] as unknown[]).join('.')}>`;
    }
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/** The account of a stack, or `undefined` when the stack is environment-agnostic. */
export function accountOf(node: IConstruct): string | undefined {
  const account = Stack.of(node).account;
  return /^\d{12}$/.test(account) ? account : undefined;
}
