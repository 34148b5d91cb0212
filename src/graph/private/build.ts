import { Resource, StackTemplate } from './assembly';
import type { AccessGraphEdge, AccessGraphNode } from '../access-graph';

// String values of the public enums (a private module must not import the public module's values:
// it would be a cycle).
const ROLE = 'role';
const USER = 'user';
const SERVICE = 'service';
const ACCOUNT = 'account';
const EXTERNAL = 'external-principal';
const IDC_GROUP = 'idc-group';
const IDC_USER = 'idc-user';
const RESOURCE = 'resource';
const ASSUME = 'assume';
const ACCESS = 'access';
const GRANT = 'grant';

/** The services whose permissions the graph shows: analytics data and the roles that reach it. */
const ANALYTICS_SERVICES = new Set(['redshift', 'redshift-serverless', 'redshift-data', 'secretsmanager', 's3', 'dynamodb', 'lakeformation', 'athena', 'glue']);

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly actions: Set<string>;
  readonly conditions: Set<string>;
}

const list = (value: unknown): unknown[] => ([] as unknown[]).concat(value ?? []);

/** Build the nodes and edges of an app's templates. */
export function buildGraph(templates: StackTemplate[]): { nodes: AccessGraphNode[]; edges: AccessGraphEdge[] } {
  const graph = new GraphBuilder(templates);
  return graph.build();
}

class GraphBuilder {
  private readonly nodes = new Map<string, AccessGraphNode>();
  private readonly edges = new Map<string, Edge>();
  private readonly exports = new Map<string, { stack: StackTemplate; value: unknown }>();
  /** `<account>:<path><name>` of the roles and users with a literal name, to join ARNs across stacks. */
  private readonly principalsByArn = new Map<string, string>();

  constructor(private readonly templates: StackTemplate[]) {}

  public build(): { nodes: AccessGraphNode[]; edges: AccessGraphEdge[] } {
    for (const stack of this.templates) {
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        if (typeof output.Export?.Name === 'string') {
          this.exports.set(output.Export.Name, { stack, value: output.Value });
        }
      }
      for (const [logicalId, resource] of this.resources(stack)) {
        if (resource.Type === 'AWS::IAM::Role' || resource.Type === 'AWS::IAM::User') {
          this.addPrincipal(stack, logicalId, resource);
        }
      }
    }
    for (const stack of this.templates) {
      for (const [logicalId, resource] of this.resources(stack)) {
        this.readResource(stack, logicalId, resource);
      }
    }
    const nodes = [...this.nodes.values()].sort((a, b) => compare(a.id, b.id));
    const edges = [...this.edges.values()]
      .map((e) => ({ from: e.from, to: e.to, kind: e.kind as AccessGraphEdge['kind'], actions: [...e.actions].sort(compare), conditions: [...e.conditions].sort(compare) }))
      .sort((a, b) => compare(`${a.from}\u0000${a.to}\u0000${a.kind}`, `${b.from}\u0000${b.to}\u0000${b.kind}`));
    return { nodes, edges };
  }

  private resources(stack: StackTemplate): Array<[string, Resource]> {
    return Object.entries(stack.template.Resources ?? {}).sort(([a], [b]) => compare(a, b));
  }

  private addPrincipal(stack: StackTemplate, logicalId: string, resource: Resource): void {
    const isRole = resource.Type === 'AWS::IAM::Role';
    const name = resource.Properties?.[isRole ? 'RoleName' : 'UserName'];
    const id = `${stack.name}/${logicalId}`;
    this.addNode({ id, kind: (isRole ? ROLE : USER) as AccessGraphNode['kind'], label: typeof name === 'string' ? name : logicalId, stack: stack.name });
    if (typeof name === 'string' && stack.account) {
      const pathPart = typeof resource.Properties?.Path === 'string' ? resource.Properties.Path : '/';
      this.principalsByArn.set(`${stack.account}:${isRole ? 'role' : 'user'}${pathPart}${name}`, id);
    }
  }

  private readResource(stack: StackTemplate, logicalId: string, resource: Resource): void {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Role':
        this.readTrust(stack, `${stack.name}/${logicalId}`, props.AssumeRolePolicyDocument);
        this.readPolicies(stack, [`${stack.name}/${logicalId}`], list(props.Policies).map((p: any) => p.PolicyDocument));
        break;
      case 'AWS::IAM::User':
        this.readPolicies(stack, [`${stack.name}/${logicalId}`], list(props.Policies).map((p: any) => p.PolicyDocument));
        break;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy': {
        const holders = [...list(props.Roles), ...list(props.Users)]
          .map((ref) => this.appPrincipal(stack, ref))
          .filter((h): h is string => h !== undefined);
        for (const [holderId, holder] of this.resources(stack)) {
          // A managed policy attached by a role's or user's ManagedPolicyArns (groups are not nodes).
          const isPrincipal = holder.Type === 'AWS::IAM::Role' || holder.Type === 'AWS::IAM::User';
          if (isPrincipal && list(holder.Properties?.ManagedPolicyArns).some((arn) => refOf(arn) === logicalId)) {
            holders.push(`${stack.name}/${holderId}`);
          }
        }
        this.readPolicies(stack, holders, [props.PolicyDocument]);
        break;
      }
      case 'AWS::S3::AccessGrant':
        this.readAccessGrant(stack, props);
        break;
      case 'AWS::LakeFormation::PrincipalPermissions':
        this.readLakeFormationGrant(stack, props);
        break;
      case 'AWS::SSO::ApplicationAssignment': {
        const target = refOf(props.ApplicationArn);
        const principal = this.directoryIdentity(props.PrincipalType, props.PrincipalId);
        if (target && principal) {
          const application = this.resourceNode(stack, target);
          this.addEdge(principal, application, GRANT, ['assigned'], []);
        }
        break;
      }
      case 'AWS::LakeFormation::Resource': {
        // A registered data location: Lake Formation vends credentials for it with this role.
        const role = this.appPrincipal(stack, props.RoleArn);
        const label = `Lake Formation location ${this.text(stack, props.ResourceArn)}`;
        const location = this.addNode({ id: `${stack.name}/${label}`, kind: RESOURCE as AccessGraphNode['kind'], label, stack: stack.name });
        const service = this.addNode({ id: 'service:lakeformation.amazonaws.com', kind: SERVICE as AccessGraphNode['kind'], label: 'lakeformation.amazonaws.com' });
        this.addEdge(role ?? service, location, GRANT, [role ? 'registered with this role' : 'registered with the service-linked role'], []);
        break;
      }
      case 'AWS::SSO::Assignment': {
        const principal = this.directoryIdentity(props.PrincipalType, props.PrincipalId);
        if (principal) {
          const permissionSet = refOf(props.PermissionSetArn);
          const label = `permission set ${permissionSet ?? this.text(stack, props.PermissionSetArn)} in account ${this.text(stack, props.TargetId)}`;
          const target = this.addNode({ id: `${stack.name}/${label}`, kind: RESOURCE as AccessGraphNode['kind'], label, stack: stack.name });
          this.addEdge(principal, target, GRANT, ['assigned'], []);
        }
        break;
      }
      case 'AWS::EMR::StudioSessionMapping': {
        const studio = refOf(props.StudioId);
        if (studio && typeof props.IdentityName === 'string') {
          const kind = props.IdentityType === 'USER' ? IDC_USER : IDC_GROUP;
          const principal = this.addNode({ id: `${kind}:name:${props.IdentityName}`, kind: kind as AccessGraphNode['kind'], label: `${props.IdentityName} (IdC ${kind === IDC_USER ? 'user' : 'group'})` });
          this.addEdge(principal, this.resourceNode(stack, studio), GRANT, ['session'], []);
        }
        break;
      }
      default:
        break;
    }
  }

  private readTrust(stack: StackTemplate, roleId: string, document: unknown): void {
    for (const statement of list((document as any)?.Statement) as Array<Record<string, any>>) {
      if (statement.Effect !== 'Allow') {
        continue;
      }
      const actions = list(statement.Action).map(String).filter((a) => a.startsWith('sts:'));
      for (const [kind, values] of Object.entries((statement.Principal ?? {}) as Record<string, unknown>)) {
        for (const value of list(values)) {
          const principal = this.principalNode(stack, kind, value);
          this.addEdge(principal, roleId, ASSUME, actions, conditionKeys(statement.Condition));
        }
      }
    }
  }

  private readPolicies(stack: StackTemplate, holders: string[], documents: unknown[]): void {
    for (const document of documents) {
      for (const statement of list((document as any)?.Statement) as Array<Record<string, any>>) {
        if (statement.Effect !== 'Allow') {
          continue;
        }
        const actions = list(statement.Action).map(String);
        const analytics = actions.filter((a) => ANALYTICS_SERVICES.has(a.split(':')[0]));
        const assume = actions.filter((a) => a === 'sts:AssumeRole');
        for (const resource of list(statement.Resource)) {
          const role = assume.length > 0 ? this.principalByArnValue(stack, resource) : undefined;
          for (const holder of holders) {
            if (role) {
              this.addEdge(holder, role, ACCESS, assume, conditionKeys(statement.Condition));
            }
            if (analytics.length > 0) {
              this.addEdge(holder, this.valueNode(stack, resource), ACCESS, analytics, conditionKeys(statement.Condition));
            }
          }
        }
      }
    }
  }

  private readAccessGrant(stack: StackTemplate, props: Record<string, any>): void {
    const locationId = refOf(props.AccessGrantsLocationId);
    const location = locationId ? stack.template.Resources?.[locationId] : undefined;
    const scope = location ? this.text(stack, location.Properties?.LocationScope) : `location ${this.text(stack, props.AccessGrantsLocationId)}`;
    const subPrefix = this.text(stack, props.AccessGrantsLocationConfiguration?.S3SubPrefix ?? '');
    const label = `Access Grant ${scope}${scope.endsWith('/') || subPrefix === '' ? '' : '/'}${subPrefix}${props.S3PrefixType === 'Object' ? ' (object)' : ''}`;
    const target = this.addNode({ id: `${stack.name}/${label}`, kind: RESOURCE as AccessGraphNode['kind'], label, stack: stack.name });
    const grantee = props.Grantee ?? {};
    const principal = grantee.GranteeType === 'IAM'
      ? this.principalNode(stack, 'AWS', grantee.GranteeIdentifier)
      : this.directoryIdentity(grantee.GranteeType === 'DIRECTORY_USER' ? 'USER' : 'GROUP', grantee.GranteeIdentifier);
    if (principal) {
      this.addEdge(principal, target, GRANT, [String(props.Permission)], []);
    }
  }

  private readLakeFormationGrant(stack: StackTemplate, props: Record<string, any>): void {
    const identifier = this.text(stack, props.Principal?.DataLakePrincipalIdentifier);
    const directory = /identitystore:::(group|user)\/(.+)$/.exec(identifier);
    const principal = directory
      ? this.directoryIdentity(directory[1] === 'user' ? 'USER' : 'GROUP', directory[2])
      : this.principalNode(stack, 'AWS', props.Principal?.DataLakePrincipalIdentifier);
    const resource = props.Resource ?? {};
    const database = resource.Database ?? resource.Table;
    if (!database || !principal) {
      return;
    }
    const table = resource.Table ? (resource.Table.Name !== undefined ? this.text(stack, resource.Table.Name) : '*') : undefined;
    const name = `${this.text(stack, database.Name ?? database.DatabaseName)}${table ? `.${table}` : ''}`;
    const label = `Lake Formation ${resource.Table ? 'table' : 'database'} ${name}`;
    const target = this.addNode({ id: `lakeformation:${this.text(stack, database.CatalogId)}:${name}`, kind: RESOURCE as AccessGraphNode['kind'], label, stack: stack.name });
    this.addEdge(principal, target, GRANT, list(props.Permissions).map(String), []);
  }

  /** The node of a trust principal. */
  private principalNode(stack: StackTemplate, kind: string, value: unknown): string {
    if (kind === 'Service') {
      const service = this.text(stack, value);
      return this.addNode({ id: `service:${service}`, kind: SERVICE as AccessGraphNode['kind'], label: service });
    }
    const app = this.principalByArnValue(stack, value);
    if (app) {
      return app;
    }
    const text = this.text(stack, value);
    const account = /^(\d{12})$/.exec(text) ?? /^arn:[^:]+:iam::(\d{12}):root$/.exec(text);
    if (account) {
      return this.addNode({ id: `account:${account[1]}`, kind: ACCOUNT as AccessGraphNode['kind'], label: `account ${account[1]}` });
    }
    return this.addNode({ id: text, kind: EXTERNAL as AccessGraphNode['kind'], label: text });
  }

  /** The app role or user an ARN value names: a reference, an export, or a literal ARN of a stack's account. */
  private principalByArnValue(stack: StackTemplate, value: unknown): string | undefined {
    const direct = this.appPrincipal(stack, value);
    if (direct) {
      return direct;
    }
    const match = /^arn:[^:]+:iam::(\d{12}):(role|user)(\/.*)$/.exec(this.text(stack, value));
    return match ? this.principalsByArn.get(`${match[1]}:${match[2]}${match[3]}`) : undefined;
  }

  /** The app role or user a `Ref`/`GetAtt`/`ImportValue` names. */
  private appPrincipal(stack: StackTemplate, value: unknown): string | undefined {
    const imported = this.importOf(value);
    if (imported) {
      return this.appPrincipal(imported.stack, imported.value);
    }
    const logicalId = refOf(value);
    const resource = logicalId ? stack.template.Resources?.[logicalId] : undefined;
    return resource && (resource.Type === 'AWS::IAM::Role' || resource.Type === 'AWS::IAM::User') ? `${stack.name}/${logicalId}` : undefined;
  }

  private importOf(value: unknown): { stack: StackTemplate; value: unknown } | undefined {
    const name = (value as any)?.['Fn::ImportValue'];
    return typeof name === 'string' ? this.exports.get(name) : undefined;
  }

  private directoryIdentity(type: unknown, id: unknown): string | undefined {
    if (typeof id !== 'string') {
      return undefined;
    }
    const kind = type === 'USER' ? IDC_USER : IDC_GROUP;
    return this.addNode({ id: `${kind}:${id}`, kind: kind as AccessGraphNode['kind'], label: `IdC ${kind === IDC_USER ? 'user' : 'group'} ${id}` });
  }

  /** The node of a resource the app defines (by logical id). */
  private resourceNode(stack: StackTemplate, logicalId: string): string {
    const type = stack.template.Resources?.[logicalId]?.Type ?? 'resource';
    return this.addNode({ id: `${stack.name}/${logicalId}`, kind: RESOURCE as AccessGraphNode['kind'], label: `${shortType(type)} ${logicalId}`, stack: stack.name });
  }

  /** The node of a policy's resource value. */
  private valueNode(stack: StackTemplate, value: unknown): string {
    const text = this.text(stack, value);
    // References, and "*" (every resource of the stack's account), belong to their stack: the
    // exporting one for a value imported from another stack.
    const owner = this.exportingStack(value) ?? stack;
    const local = text === '*' || /\{[^}]+\}/.test(text);
    const label = text === '*' ? '* (every resource)' : text;
    return this.addNode({ id: local ? `${owner.name}:${text}` : text, kind: RESOURCE as AccessGraphNode['kind'], label, stack: local ? owner.name : undefined });
  }

  /** The stack that exports a value imported by `value` (directly or inside a join), if any. */
  private exportingStack(value: unknown): StackTemplate | undefined {
    const imported = this.importOf(value);
    if (imported) {
      return this.exportingStack(imported.value) ?? imported.stack;
    }
    if (Array.isArray(value)) {
      return value.map((v) => this.exportingStack(v)).find((s) => s !== undefined);
    }
    if (value && typeof value === 'object') {
      return Object.values(value).map((v) => this.exportingStack(v)).find((s) => s !== undefined);
    }
    return undefined;
  }

  /** A template value as text: references to resources as `{Logical}`/`{Logical.Attr}`, pseudo parameters filled in where the stack knows them. */
  private text(stack: StackTemplate, value: unknown): string {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      return String(value);
    }
    if (Array.isArray(value)) {
      return value.map((v) => this.text(stack, v)).join(',');
    }
    const imported = this.importOf(value);
    if (imported) {
      return this.text(imported.stack, imported.value);
    }
    const v = (value ?? {}) as Record<string, any>;
    if (typeof v.Ref === 'string') {
      if (v.Ref === 'AWS::AccountId' && stack.account) {
        return stack.account;
      }
      if (v.Ref === 'AWS::Region' && stack.region) {
        return stack.region;
      }
      if (v.Ref === 'AWS::Partition') {
        return 'aws';
      }
      return v.Ref.startsWith('AWS::') ? `\${${v.Ref}}` : `{${v.Ref}}`;
    }
    if (Array.isArray(v['Fn::GetAtt'])) {
      return `{${v['Fn::GetAtt'].join('.')}}`;
    }
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => this.text(stack, p)).join(separator);
    }
    return JSON.stringify(value);
  }

  private addNode(node: AccessGraphNode): string {
    if (!this.nodes.has(node.id)) {
      this.nodes.set(node.id, node);
    }
    return node.id;
  }

  private addEdge(from: string, to: string, kind: string, actions: string[], conditions: string[]): void {
    const key = `${from}\u0000${to}\u0000${kind}`;
    const edge = this.edges.get(key) ?? { from, to, kind, actions: new Set<string>(), conditions: new Set<string>() };
    actions.forEach((a) => edge.actions.add(a));
    conditions.forEach((c) => edge.conditions.add(c));
    this.edges.set(key, edge);
  }
}

/** `X` of `{ Ref: X }` / `{ Fn::GetAtt: [X, ...] }`. */
function refOf(value: unknown): string | undefined {
  const v = value as Record<string, unknown> | undefined;
  if (v && typeof v.Ref === 'string' && !v.Ref.startsWith('AWS::')) {
    return v.Ref;
  }
  if (v && Array.isArray(v['Fn::GetAtt'])) {
    return String(v['Fn::GetAtt'][0]);
  }
  return undefined;
}

/** The condition keys of a statement (`aws:SourceArn`, `sts:ExternalId`, ...). */
function conditionKeys(condition: unknown): string[] {
  return Object.values((condition ?? {}) as Record<string, Record<string, unknown>>).flatMap((byKey) => Object.keys(byKey ?? {}));
}

/** `AWS::Athena::WorkGroup` → `Athena WorkGroup`; custom types keep their name. */
function shortType(type: string): string {
  return type.startsWith('Custom::') ? type.slice('Custom::'.length) : type.split('::').slice(1).join(' ');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
