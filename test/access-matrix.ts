/**
 * Access-matrix test helper (DESIGN.md §4): evaluates (principal, action, resource) requests against the
 * IAM policies of a synthesized CDK stack with a real IAM policy simulator (`@cloud-copilot/iam-simulate`).
 *
 * Test-only: the simulator is AGPL-licensed and a devDependency; nothing under `src/` may import this file.
 *
 * How it works
 * - The template is read as JSON and every CloudFormation intrinsic in the policies it needs is resolved to a
 *   concrete value in a fake environment (default account 111111111111, region us-east-1, partition aws).
 *   Resolution is lazy (only the properties a question needs) and strict: an intrinsic, pseudo parameter or
 *   logical id the resolver does not know throws an error naming it — nothing is guessed silently.
 * - `canAssume()` evaluates a role's TRUST policy as the resource policy of an sts request on the role.
 * - `can()` evaluates a role's IDENTITY policies (inline, AWS::IAM::Policy, AWS::IAM::RolePolicy,
 *   customer-managed AWS::IAM::ManagedPolicy from the template, and its permissions boundary).
 */
import { createHash } from 'crypto';
import { runSimulation, type EvaluationResult, type Simulation, type SimulationIdentityPolicy } from '@cloud-copilot/iam-simulate';
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';

/** The two answers a test asserts on. */
export type Decision = 'Allowed' | 'Denied';

/** Request context keys (aws:SourceAccount, sts:ExternalId, sts:RequestContextProviders, ...). */
export type ContextValues = Record<string, string | string[]>;

/** A role of the template: its construct (iam.Role, CfnRole, ...), its logical id, or its ARN as assigned by the helper. */
export type RoleRef = IConstruct | string;

/** The fake environment intrinsics resolve against. */
export interface AccessMatrixOptions {
  /** @default '111111111111' (or the stack's concrete account, if it has one) */
  readonly account?: string;
  /** @default 'us-east-1' (or the stack's concrete region, if it has one) */
  readonly region?: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** Used for `AWS::StackName` and generated physical names. @default the stack's name, or 'TestStack' */
  readonly stackName?: string;
}

/**
 * Whose identity policies the caller of an sts request has.
 * - 'allow' (default): the caller's own account grants it the action on the role, so the answer is the trust
 *   policy's (the question a trust test asks, for any account). Needed because for a cross-account caller AWS
 *   requires both the trust policy and the caller's identity policy.
 * - 'none': the caller has no identity policy: only a trust that names the principal itself (not just its
 *   account) can allow, and only in the same account.
 * - 'template': the caller is a role of this template; its real identity policies are used.
 */
export type CallerIdentity = 'allow' | 'none' | 'template';

export interface AssumeOptions {
  /** sts:AssumeRole (default), sts:SetContext, sts:SetSourceIdentity, sts:TagSession, ... */
  readonly action?: string;
  readonly context?: ContextValues;
  /** @default 'allow' */
  readonly callerIdentity?: CallerIdentity;
}

export interface CanOptions {
  readonly context?: ContextValues;
  /**
   * A resource policy to evaluate together with the identity policies. By default there is none, except for KMS keys
   * (whose key policy must delegate to IAM): a key of this template uses its KeyPolicy, any other key the default
   * key policy that delegates to its account.
   */
  readonly resourcePolicy?: object;
}

export interface AccessCase {
  readonly description: string;
  /** 'assume': the role's trust policy; 'identity': the role's identity policies. */
  readonly kind: 'assume' | 'identity';
  /** assume: the caller (service principal or ARN); identity: the role (construct, logical id or ARN). */
  readonly principal: string | IConstruct;
  readonly action: string;
  /** assume: the role (construct, logical id or ARN); identity: the resource ARN (or a construct of the template). */
  readonly resource: string | IConstruct;
  readonly context?: ContextValues;
  readonly expect: Decision;
}

export interface AccessResult {
  readonly description: string;
  readonly kind: 'assume' | 'identity';
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly expect: Decision;
  /** 'Error' when the request could not be evaluated (see `error`). */
  readonly decision: Decision | 'Error';
  /** The simulator's result: Allowed, ImplicitlyDenied or ExplicitlyDenied. */
  readonly result?: EvaluationResult;
  readonly error?: string;
  readonly pass: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: JsonObject;
}

interface Environment {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
  readonly stackName: string;
}

/** Marks `Ref: AWS::NoValue` while resolving: the property or list element disappears. */
const NO_VALUE = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

const AWS_MANAGED_POLICY = /^arn:[^:]+:iam::aws:policy\//;
const SERVICE_PRINCIPAL = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
const IAM_PRINCIPAL = /^arn:[a-z-]+:iam::\d{12}:(root|role\/.+|user\/.+)$/;
const STS_PRINCIPAL = /^arn:[a-z-]+:sts::\d{12}:(assumed-role\/[^/]+\/.+|federated-user\/.+)$/;

const SIMULATOR_HINTS: Record<string, string> = {
  'invalid.action': 'the action does not exist in the simulator\'s IAM action data',
  'no.resource.types': 'the resource ARN matches none of the action\'s resource types (e.g. s3:GetObject needs an object ARN bucket/key, not a bucket ARN)',
};

/** Evaluates requests against the IAM policies of one synthesized template. */
export class AccessMatrix {
  /** Synthesizes the stack (Template.fromStack) and evaluates against its template. */
  public static fromStack(stack: Stack, options: AccessMatrixOptions = {}): AccessMatrix {
    const template = Template.fromStack(stack).toJSON();
    return new AccessMatrix(template, {
      account: options.account ?? (Token.isUnresolved(stack.account) ? undefined : stack.account),
      region: options.region ?? (Token.isUnresolved(stack.region) ? undefined : stack.region),
      partition: options.partition,
      stackName: options.stackName ?? (Token.isUnresolved(stack.stackName) ? undefined : stack.stackName),
    }, stack);
  }

  /** Evaluates against a template given as JSON (e.g. `Template.fromStack(stack).toJSON()`). */
  public static fromTemplate(template: object, options: AccessMatrixOptions = {}): AccessMatrix {
    return new AccessMatrix(template as Record<string, unknown>, options);
  }

  /** A compact one-line-per-case table of results. */
  public static format(results: readonly AccessResult[]): string {
    return results.map(r => {
      const mark = r.pass ? 'ok  ' : 'FAIL';
      const got = r.decision === 'Error' ? `Error: ${r.error}` : `${r.decision}${r.result && r.result !== r.decision ? ` (${r.result})` : ''}`;
      return `${mark} ${r.description}: expected ${r.expect}, got ${got}  [${r.kind}: ${r.principal} ${r.action} ${r.resource}]`;
    }).join('\n');
  }

  /** The fake environment the template resolves against. */
  public readonly env: Environment;
  private readonly resources: Record<string, CfnResourceJson>;
  private readonly parameters: Record<string, JsonObject>;
  private readonly conditions: Record<string, Json>;
  private readonly mappings: Record<string, Record<string, Record<string, Json>>>;
  private readonly inProgress = new Set<string>();

  private constructor(template: Record<string, unknown>, options: AccessMatrixOptions, private readonly stack?: Stack) {
    const partition = options.partition ?? 'aws';
    this.env = {
      account: options.account ?? '111111111111',
      region: options.region ?? 'us-east-1',
      partition,
      urlSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
      stackName: options.stackName ?? 'TestStack',
    };
    this.resources = (template.Resources ?? {}) as Record<string, CfnResourceJson>;
    this.parameters = (template.Parameters ?? {}) as Record<string, JsonObject>;
    this.conditions = (template.Conditions ?? {}) as Record<string, Json>;
    this.mappings = (template.Mappings ?? {}) as Record<string, Record<string, Record<string, Json>>>;
  }

  /** The logical id of a role (construct, logical id or helper-assigned ARN) of this template. */
  public roleLogicalId(role: RoleRef): string {
    if (typeof role !== 'string') {
      return this.logicalIdOf(role, 'AWS::IAM::Role');
    }
    if (role.startsWith('arn:')) {
      const id = Object.keys(this.resources).find(lid => this.resources[lid].Type === 'AWS::IAM::Role' && this.roleArnById(lid) === role);
      if (!id) {
        throw new Error(`AccessMatrix: no AWS::IAM::Role of the template has the ARN ${role} (roles: ${this.roleArns().join(', ') || 'none'})`);
      }
      return id;
    }
    this.requireResource(role, 'AWS::IAM::Role');
    return role;
  }

  /** The concrete ARN the helper assigned to a role of this template. */
  public roleArn(role: RoleRef): string {
    return this.roleArnById(this.roleLogicalId(role));
  }

  /** The value of `Ref` to a resource (construct or logical id) of this template. */
  public ref(target: IConstruct | string): string {
    return this.asString(this.refValue(this.targetId(target)), `Ref ${this.targetId(target)}`);
  }

  /** The value of `Fn::GetAtt` on a resource (construct or logical id) of this template. */
  public getAtt(target: IConstruct | string, attribute: string): string {
    return this.getAttValue(this.targetId(target), attribute);
  }

  /** The ARN of a resource (construct or logical id) of this template, for the types the helper knows. */
  public arn(target: IConstruct | string): string {
    const id = this.targetId(target);
    const type = this.requireResource(id).Type;
    const attr = ARN_ATTRIBUTES[type];
    if (attr === undefined) {
      throw new Error(`AccessMatrix: no known ARN for ${id} of type ${type}; use getAtt()/ref() or a literal ARN`);
    }
    return attr === 'Ref' ? this.ref(id) : this.getAtt(id, attr);
  }

  /** Resolves any template value (intrinsics included) in the fake environment. */
  public resolve(value: unknown): unknown {
    const out = this.resolveValue(value as Json, '(value)');
    return out === NO_VALUE ? undefined : out;
  }

  /** Evaluates the role's TRUST policy: may `principal` perform `action` (default sts:AssumeRole) on the role? */
  public async canAssume(principal: string | IConstruct, role: RoleRef, options: AssumeOptions = {}): Promise<Decision> {
    return toDecision(await this.evaluateAssume(principal, role, options));
  }

  /** Evaluates the role's IDENTITY policies (and permissions boundary): may it perform `action` on `resource`? */
  public async can(role: RoleRef, action: string, resource: string | IConstruct, options: CanOptions = {}): Promise<Decision> {
    return toDecision(await this.evaluateIdentity(role, action, resource, options));
  }

  /** The simulator's full result (Allowed / ImplicitlyDenied / ExplicitlyDenied) of a trust-policy request. */
  public async evaluateAssume(principal: string | IConstruct, role: RoleRef, options: AssumeOptions = {}): Promise<EvaluationResult> {
    const action = options.action ?? 'sts:AssumeRole';
    if (!/^sts:/i.test(action)) {
      throw new Error(`AccessMatrix.canAssume: ${action} is not an sts action; trust policies only govern sts:* requests`);
    }
    const roleId = this.roleLogicalId(role);
    const roleArn = this.roleArnById(roleId);
    const caller = typeof principal === 'string' ? principal : this.roleArn(principal);
    const isService = validatePrincipal(caller);
    const trust = this.resolveProperty(roleId, 'AssumeRolePolicyDocument');
    if (trust === undefined) {
      throw new Error(`AccessMatrix: role ${roleId} has no AssumeRolePolicyDocument`);
    }

    let identityPolicies: SimulationIdentityPolicy[] = [];
    let permissionBoundaryPolicies: SimulationIdentityPolicy[] | undefined;
    const callerIdentity = options.callerIdentity ?? 'allow';
    if (isService) {
      if (callerIdentity === 'template') {
        throw new Error(`AccessMatrix.canAssume: callerIdentity 'template' needs a role of the template as caller, not ${caller}`);
      }
    } else if (callerIdentity === 'allow') {
      identityPolicies = [{
        name: 'caller-identity-grant',
        policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: roleArn }] },
      }];
    } else if (callerIdentity === 'template') {
      const callerPolicies = this.identityPoliciesOf(this.roleLogicalId(caller));
      identityPolicies = callerPolicies.identity;
      permissionBoundaryPolicies = callerPolicies.boundary;
    }

    return this.simulate({
      request: { principal: caller, action, resource: { resource: roleArn, accountId: this.env.account }, contextVariables: { ...options.context } },
      identityPolicies,
      permissionBoundaryPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
    });
  }

  /** The simulator's full result (Allowed / ImplicitlyDenied / ExplicitlyDenied) of an identity-policy request. */
  public async evaluateIdentity(role: RoleRef, action: string, resource: string | IConstruct, options: CanOptions = {}): Promise<EvaluationResult> {
    const roleId = this.roleLogicalId(role);
    const resourceArn = typeof resource === 'string' ? resource : this.arn(resource);
    const policies = this.identityPoliciesOf(roleId);
    return this.simulate({
      request: {
        principal: this.roleArnById(roleId),
        action,
        // The resource is placed in the role's account: without a resource policy the identity policies decide.
        resource: { resource: resourceArn, accountId: this.env.account },
        contextVariables: { ...options.context },
      },
      identityPolicies: policies.identity,
      permissionBoundaryPolicies: policies.boundary,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: options.resourcePolicy ?? this.kmsKeyPolicy(resourceArn),
    });
  }

  /** Runs every case and reports each decision; never throws for a single case (errors are reported as 'Error'). */
  public async check(cases: readonly AccessCase[]): Promise<AccessResult[]> {
    const results: AccessResult[] = [];
    for (const c of cases) {
      let principal = typeof c.principal === 'string' ? c.principal : '(construct)';
      let resource = typeof c.resource === 'string' ? c.resource : '(construct)';
      try {
        let result: EvaluationResult;
        if (c.kind === 'assume') {
          principal = typeof c.principal === 'string' ? c.principal : this.roleArn(c.principal);
          resource = this.roleArn(c.resource);
          result = await this.evaluateAssume(principal, resource, { action: c.action, context: c.context });
        } else {
          principal = this.roleArn(c.principal);
          resource = typeof c.resource === 'string' ? c.resource : this.arn(c.resource);
          result = await this.evaluateIdentity(principal, c.action, resource, { context: c.context });
        }
        const decision = toDecision(result);
        results.push({ ...caseFields(c), principal, resource, decision, result, pass: decision === c.expect });
      } catch (e) {
        results.push({ ...caseFields(c), principal, resource, decision: 'Error', error: (e as Error).message, pass: false });
      }
    }
    return results;
  }

  /** Runs every case and throws one error listing every case whose decision differs from `expect`. */
  public async expectMatrix(cases: readonly AccessCase[]): Promise<AccessResult[]> {
    const results = await this.check(cases);
    const failures = results.filter(r => !r.pass);
    if (failures.length > 0) {
      throw new Error(`${failures.length} of ${results.length} access-matrix case(s) differ from the expectation:\n${AccessMatrix.format(failures)}`);
    }
    return results;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Simulation

  private async simulate(simulation: Simulation): Promise<EvaluationResult> {
    const { action, principal } = simulation.request;
    const resource = simulation.request.resource.resource;
    const what = `${String(principal)} ${action} ${resource}`;
    const response = await runSimulation(simulation, {});
    if (response.resultType === 'error') {
      const hint = SIMULATOR_HINTS[response.errors.message];
      throw new Error(`AccessMatrix: the simulator rejected ${what}: ${response.errors.message}${hint ? ` (${hint})` : ''}\n${JSON.stringify(response.errors, null, 2)}`);
    }
    if (response.resultType === 'wildcard') {
      throw new Error(`AccessMatrix: ${what}: the resource contains a wildcard; ask about one concrete ARN`);
    }
    const ignored = response.result.ignoredContextKeys ?? [];
    if (ignored.length > 0) {
      throw new Error(`AccessMatrix: ${what}: context key(s) ${ignored.join(', ')} do not apply to this action/resource and would be ignored silently; check the spelling or remove them`);
    }
    return response.overallResult;
  }

  /** A KMS key ARN gets its key policy: the template's, or the default one delegating to the account. */
  private kmsKeyPolicy(resourceArn: string): Json | undefined {
    const match = /^arn:[^:]+:kms:[^:]*:(\d{12}):key\/.+$/.exec(resourceArn);
    if (!match) return undefined;
    const keyId = Object.keys(this.resources).find(id => this.resources[id].Type === 'AWS::KMS::Key' && this.getAttValue(id, 'Arn') === resourceArn);
    if (keyId !== undefined) {
      const policy = this.resolveProperty(keyId, 'KeyPolicy');
      if (policy === undefined) throw new Error(`AccessMatrix: KMS key ${keyId} has no KeyPolicy`);
      return policy;
    }
    return {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${this.env.partition}:iam::${match[1]}:root` }, Action: 'kms:*', Resource: '*' }],
    };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Identity policies

  private identityPoliciesOf(roleId: string): { identity: SimulationIdentityPolicy[]; boundary?: SimulationIdentityPolicy[] } {
    const roleName = this.roleNameById(roleId);
    const identity: SimulationIdentityPolicy[] = [];

    const inline = this.resolveProperty(roleId, 'Policies');
    for (const [i, p] of asArray(inline, `${roleId}.Policies`).entries()) {
      const policy = p as JsonObject;
      identity.push({ name: `${roleId}/${String(policy.PolicyName ?? i)}`, policy: policy.PolicyDocument });
    }

    const managedIds = new Set<string>();
    for (const [id, res] of Object.entries(this.resources)) {
      if (res.Type === 'AWS::IAM::Policy' || res.Type === 'AWS::IAM::ManagedPolicy') {
        const roles = asArray(this.resolveProperty(id, 'Roles'), `${id}.Roles`);
        if (!roles.includes(roleName)) continue;
        if (res.Type === 'AWS::IAM::ManagedPolicy') {
          managedIds.add(id);
        } else {
          identity.push({ name: id, policy: this.resolveProperty(id, 'PolicyDocument') });
        }
      } else if (res.Type === 'AWS::IAM::RolePolicy') {
        if (this.resolveProperty(id, 'RoleName') === roleName) {
          identity.push({ name: id, policy: this.resolveProperty(id, 'PolicyDocument') });
        }
      }
    }

    for (const arn of asArray(this.resolveProperty(roleId, 'ManagedPolicyArns'), `${roleId}.ManagedPolicyArns`)) {
      managedIds.add(this.managedPolicyIdByArn(String(arn), `${roleId}.ManagedPolicyArns`));
    }
    for (const id of managedIds) {
      identity.push({ name: id, policy: this.resolveProperty(id, 'PolicyDocument') });
    }

    const boundaryArn = this.resolveProperty(roleId, 'PermissionsBoundary');
    const boundary = boundaryArn === undefined ? undefined : [{
      name: 'boundary',
      policy: this.resolveProperty(this.managedPolicyIdByArn(String(boundaryArn), `${roleId}.PermissionsBoundary`), 'PolicyDocument'),
    }];
    return { identity, boundary };
  }

  private managedPolicyIdByArn(arn: string, where: string): string {
    if (AWS_MANAGED_POLICY.test(arn)) {
      throw new Error(`AccessMatrix: ${where} uses the AWS-managed policy ${arn}; the library must not use AWS-managed policies`);
    }
    const id = Object.keys(this.resources).find(lid => this.resources[lid].Type === 'AWS::IAM::ManagedPolicy' && this.managedPolicyArn(lid) === arn);
    if (id === undefined) {
      throw new Error(`AccessMatrix: ${where} references the managed policy ${arn}, which is not an AWS::IAM::ManagedPolicy of the template; it cannot be evaluated`);
    }
    return id;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Names and ARNs

  private roleArns(): string[] {
    return Object.keys(this.resources).filter(id => this.resources[id].Type === 'AWS::IAM::Role').map(id => this.roleArnById(id));
  }

  private roleNameById(id: string): string {
    return this.nameProperty(id, 'RoleName', () => this.generatedName(id, 64));
  }

  private roleArnById(id: string): string {
    return `arn:${this.env.partition}:iam::${this.env.account}:role/${this.pathOf(id)}${this.roleNameById(id)}`;
  }

  private managedPolicyArn(id: string): string {
    const name = this.nameProperty(id, 'ManagedPolicyName', () => this.generatedName(id, 128));
    return `arn:${this.env.partition}:iam::${this.env.account}:policy/${this.pathOf(id)}${name}`;
  }

  private pathOf(id: string): string {
    const path = this.resolveProperty(id, 'Path');
    return path === undefined ? '' : String(path).replace(/^\//, '');
  }

  /** A deterministic stand-in for a CloudFormation-generated physical name. */
  private generatedName(id: string, maxLength: number, lowercase = false): string {
    const name = `${this.env.stackName}-${id}`.slice(0, maxLength);
    return lowercase ? name.toLowerCase().replace(/[^a-z0-9.-]/g, '-') : name;
  }

  /** A property holding a physical name (resolved, it may itself be an intrinsic), or the generated name. */
  private nameProperty(id: string, property: string, generated: () => string): string {
    const value = this.resolveProperty(id, property);
    return value === undefined ? generated() : this.asString(value, `${id}.${property}`);
  }

  private refValue(id: string): Json {
    if (id.startsWith('AWS::')) return this.pseudoParameter(id);
    if (id in this.parameters) {
      const def = this.parameters[id].Default;
      if (def === undefined) throw new Error(`AccessMatrix: Ref to parameter ${id}, which has no Default`);
      return def;
    }
    const res = this.requireResource(id);
    const { account, region, partition, urlSuffix } = this.env;
    switch (res.Type) {
      case 'AWS::IAM::Role': return this.roleNameById(id);
      case 'AWS::IAM::User': return this.nameProperty(id, 'UserName', () => this.generatedName(id, 64));
      case 'AWS::IAM::Group': return this.nameProperty(id, 'GroupName', () => this.generatedName(id, 128));
      case 'AWS::IAM::ManagedPolicy': return this.managedPolicyArn(id);
      case 'AWS::S3::Bucket': return this.bucketName(id);
      case 'AWS::DynamoDB::Table': return this.nameProperty(id, 'TableName', () => this.generatedName(id, 255));
      case 'AWS::KMS::Key': return id;
      case 'AWS::KMS::Alias': return this.nameProperty(id, 'AliasName', () => `alias/${id}`);
      case 'AWS::Redshift::Cluster': return this.clusterIdentifier(id);
      case 'AWS::RedshiftServerless::Workgroup': return this.nameProperty(id, 'WorkgroupName', () => this.generatedName(id, 64, true));
      case 'AWS::RedshiftServerless::Namespace': return this.nameProperty(id, 'NamespaceName', () => this.generatedName(id, 64, true));
      case 'AWS::Lambda::Function': return this.nameProperty(id, 'FunctionName', () => this.generatedName(id, 64));
      case 'AWS::Logs::LogGroup': return this.nameProperty(id, 'LogGroupName', () => this.generatedName(id, 512));
      case 'AWS::SNS::Topic': return `arn:${partition}:sns:${region}:${account}:${this.nameProperty(id, 'TopicName', () => this.generatedName(id, 256))}`;
      case 'AWS::SQS::Queue': return `https://sqs.${region}.${urlSuffix}/${account}/${this.nameProperty(id, 'QueueName', () => this.generatedName(id, 80))}`;
      case 'AWS::SecretsManager::Secret': return this.secretArn(id);
      case 'AWS::Athena::WorkGroup': return this.nameProperty(id, 'Name', () => id);
      case 'AWS::Glue::Database': return this.nestedName(id, 'DatabaseInput');
      case 'AWS::Glue::Table': return this.nestedName(id, 'TableInput');
      default: return id;
    }
  }

  private getAttValue(id: string, attribute: string): string {
    const res = this.requireResource(id);
    const { account, region, partition, urlSuffix } = this.env;
    const key = `${res.Type}#${attribute}`;
    switch (key) {
      case 'AWS::IAM::Role#Arn': return this.roleArnById(id);
      case 'AWS::IAM::Role#RoleId': return `AROA${fakeId(id, 17)}`;
      case 'AWS::IAM::User#Arn': return `arn:${partition}:iam::${account}:user/${this.pathOf(id)}${this.ref(id)}`;
      case 'AWS::IAM::ManagedPolicy#PolicyArn': return this.managedPolicyArn(id);
      case 'AWS::S3::Bucket#Arn': return `arn:${partition}:s3:::${this.bucketName(id)}`;
      case 'AWS::S3::Bucket#DomainName': return `${this.bucketName(id)}.s3.${urlSuffix}`;
      case 'AWS::S3::Bucket#RegionalDomainName': return `${this.bucketName(id)}.s3.${region}.${urlSuffix}`;
      case 'AWS::DynamoDB::Table#Arn': return `arn:${partition}:dynamodb:${region}:${account}:table/${this.ref(id)}`;
      case 'AWS::DynamoDB::Table#StreamArn': return `arn:${partition}:dynamodb:${region}:${account}:table/${this.ref(id)}/stream/2020-01-01T00:00:00.000`;
      case 'AWS::KMS::Key#Arn': return `arn:${partition}:kms:${region}:${account}:key/${id}`;
      case 'AWS::KMS::Key#KeyId': return id;
      case 'AWS::Redshift::Cluster#Endpoint.Address': return `${this.clusterIdentifier(id)}.${fakeId(id, 12).toLowerCase()}.${region}.redshift.${urlSuffix}`;
      case 'AWS::Redshift::Cluster#Endpoint.Port': return String(this.resolveProperty(id, 'Port') ?? 5439);
      case 'AWS::Redshift::Cluster#ClusterNamespaceArn': return `arn:${partition}:redshift:${region}:${account}:namespace:${fakeUuid(id)}`;
      case 'AWS::RedshiftServerless::Workgroup#Workgroup.WorkgroupId': return fakeUuid(id);
      case 'AWS::RedshiftServerless::Workgroup#Workgroup.WorkgroupArn': return `arn:${partition}:redshift-serverless:${region}:${account}:workgroup/${fakeUuid(id)}`;
      case 'AWS::RedshiftServerless::Workgroup#Workgroup.WorkgroupName': return this.ref(id);
      case 'AWS::RedshiftServerless::Workgroup#Workgroup.NamespaceName': return this.asString(this.resolveProperty(id, 'NamespaceName') ?? null, `${id}.NamespaceName`);
      case 'AWS::RedshiftServerless::Workgroup#Workgroup.Endpoint.Address': return `${this.ref(id)}.${account}.${region}.redshift-serverless.${urlSuffix}`;
      case 'AWS::RedshiftServerless::Workgroup#Workgroup.Endpoint.Port': return String(this.resolveProperty(id, 'Port') ?? 5439);
      case 'AWS::RedshiftServerless::Namespace#Namespace.NamespaceId': return fakeUuid(id);
      case 'AWS::RedshiftServerless::Namespace#Namespace.NamespaceArn': return `arn:${partition}:redshift-serverless:${region}:${account}:namespace/${fakeUuid(id)}`;
      case 'AWS::RedshiftServerless::Namespace#Namespace.NamespaceName': return this.ref(id);
      case 'AWS::Lambda::Function#Arn': return `arn:${partition}:lambda:${region}:${account}:function:${this.ref(id)}`;
      case 'AWS::Logs::LogGroup#Arn': return `arn:${partition}:logs:${region}:${account}:log-group:${this.ref(id)}:*`;
      case 'AWS::SNS::Topic#TopicArn': return this.ref(id);
      case 'AWS::SQS::Queue#Arn': return `arn:${partition}:sqs:${region}:${account}:${this.nameProperty(id, 'QueueName', () => this.generatedName(id, 80))}`;
      case 'AWS::SQS::Queue#QueueUrl': return this.ref(id);
      case 'AWS::SecretsManager::Secret#Id': return this.secretArn(id);
      case 'AWS::Glue::Database#DatabaseName': return this.ref(id);
      case 'AWS::S3::AccessGrantsInstance#AccessGrantsInstanceArn': return `arn:${partition}:s3:${region}:${account}:access-grants/default`;
      default: return `${id}.${attribute}`; // deterministic placeholder for attributes the helper does not model
    }
  }

  private bucketName(id: string): string {
    return this.nameProperty(id, 'BucketName', () => this.generatedName(id, 63, true));
  }

  private clusterIdentifier(id: string): string {
    return this.nameProperty(id, 'ClusterIdentifier', () => this.generatedName(id, 63, true)).toLowerCase();
  }

  private secretArn(id: string): string {
    const name = this.nameProperty(id, 'Name', () => this.generatedName(id, 512));
    return `arn:${this.env.partition}:secretsmanager:${this.env.region}:${this.env.account}:secret:${name}-${fakeId(id, 6)}`;
  }

  private nestedName(id: string, property: string): string {
    const input = this.resolveProperty(id, property) as JsonObject | undefined;
    return input?.Name === undefined ? id : this.asString(input.Name, `${id}.${property}.Name`);
  }

  private pseudoParameter(name: string): Json {
    const { account, region, partition, urlSuffix, stackName } = this.env;
    switch (name) {
      case 'AWS::AccountId': return account;
      case 'AWS::Region': return region;
      case 'AWS::Partition': return partition;
      case 'AWS::URLSuffix': return urlSuffix;
      case 'AWS::StackName': return stackName;
      case 'AWS::StackId': return `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/${fakeUuid(stackName)}`;
      case 'AWS::NotificationARNs': return [];
      default: throw new Error(`AccessMatrix: unsupported pseudo parameter Ref ${name}`);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Template access and intrinsic resolution

  private requireResource(id: string, type?: string): CfnResourceJson {
    const res = this.resources[id];
    if (res === undefined) {
      throw new Error(`AccessMatrix: no resource with logical id ${id} in the template`);
    }
    if (type !== undefined && res.Type !== type) {
      throw new Error(`AccessMatrix: ${id} is a ${res.Type}, not a ${type}`);
    }
    return res;
  }

  private targetId(target: IConstruct | string): string {
    if (typeof target !== 'string') return this.logicalIdOf(target);
    this.requireResource(target);
    return target;
  }

  /** The logical id of a construct's CloudFormation resource (itself, its defaultChild or its 'Resource' child). */
  private logicalIdOf(construct: IConstruct, type?: string): string {
    const candidates = [construct, construct.node.defaultChild, construct.node.tryFindChild('Resource')];
    const cfn = candidates.find((c): c is CfnResource =>
      c !== undefined && CfnResource.isCfnResource(c) && (type === undefined || c.cfnResourceType === type));
    if (cfn === undefined) {
      throw new Error(`AccessMatrix: ${construct.node.path} is not (and does not wrap) ${type ?? 'a CloudFormation resource'} of this template (imported?)`);
    }
    if (this.stack !== undefined && Stack.of(cfn) !== this.stack) {
      throw new Error(`AccessMatrix: ${construct.node.path} belongs to stack ${Stack.of(cfn).node.path}, not to ${this.stack.node.path}`);
    }
    const id = Stack.of(cfn).resolve(cfn.logicalId) as string;
    this.requireResource(id, cfn.cfnResourceType);
    return id;
  }

  /** A resolved property of a resource, or undefined when it is absent (or AWS::NoValue). */
  private resolveProperty(id: string, property: string): Json | undefined {
    const raw = this.requireResource(id).Properties?.[property];
    if (raw === undefined) return undefined;
    const key = `${id}.${property}`;
    if (this.inProgress.has(key)) {
      throw new Error(`AccessMatrix: circular reference while resolving ${key}`);
    }
    this.inProgress.add(key);
    try {
      const out = this.resolveValue(raw, key);
      return out === NO_VALUE ? undefined : out;
    } finally {
      this.inProgress.delete(key);
    }
  }

  private resolveValue(value: Json, path: string): Resolved {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      return value.map((v, i) => this.resolveValue(v, `${path}[${i}]`)).filter((v): v is Json => v !== NO_VALUE);
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(keys[0], value[keys[0]], `${path}.${keys[0]}`);
    }
    const out: JsonObject = {};
    for (const k of keys) {
      const v = this.resolveValue(value[k], `${path}.${k}`);
      if (v !== NO_VALUE) out[k] = v;
    }
    return out;
  }

  private intrinsic(name: string, arg: Json, path: string): Resolved {
    switch (name) {
      case 'Ref': {
        if (typeof arg !== 'string') throw new Error(`AccessMatrix: Ref needs a string at ${path}`);
        if (arg === 'AWS::NoValue') return NO_VALUE;
        return this.refValue(arg);
      }
      case 'Fn::GetAtt': {
        let id: Json;
        let attr: Json;
        if (typeof arg === 'string') {
          const dot = arg.indexOf('.');
          [id, attr] = [arg.slice(0, dot), arg.slice(dot + 1)];
        } else {
          [id, attr] = this.args(arg, 2, name, path);
          attr = this.resolveValue(attr, path) as Json;
        }
        return this.getAttValue(this.asString(id, path), this.asString(attr, path));
      }
      case 'Fn::Join': {
        const [delimiter, list] = this.args(arg, 2, name, path);
        const items = this.resolveValue(list, path);
        if (!Array.isArray(items)) throw new Error(`AccessMatrix: Fn::Join needs a list at ${path}`);
        return items.map(i => this.asString(i, path)).join(this.asString(delimiter, path));
      }
      case 'Fn::Sub': {
        const [template, variables] = Array.isArray(arg) ? this.args(arg, 2, name, path) : [arg, {}];
        const vars = this.resolveValue(variables, path) as JsonObject;
        return this.asString(template, path).replace(/\$\{([^}]*)\}/g, (_m, expr: string) => {
          if (expr.startsWith('!')) return `\${${expr.slice(1)}}`;
          const v = expr.trim();
          if (v in vars) return this.asString(vars[v], `${path} \${${v}}`);
          if (!v.startsWith('AWS::') && v.includes('.')) {
            const dot = v.indexOf('.');
            return this.getAttValue(v.slice(0, dot), v.slice(dot + 1));
          }
          return this.asString(this.refValue(v), `${path} \${${v}}`);
        });
      }
      case 'Fn::Select': {
        const [index, list] = this.args(arg, 2, name, path);
        const i = Number(this.resolveValue(index, path));
        const items = this.resolveValue(list, path);
        if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new Error(`AccessMatrix: Fn::Select index ${i} out of range at ${path}`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.args(arg, 2, name, path);
        return this.asString(this.resolveValue(source, path), path).split(this.asString(delimiter, path));
      }
      case 'Fn::ImportValue':
        return `imported-${this.asString(this.resolveValue(arg, path), path)}`;
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.args(arg, 3, name, path);
        return this.resolveValue(this.condition(this.asString(condition, path)) ? whenTrue : whenFalse, path);
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = this.args(arg, 3, name, path).map(a => this.asString(this.resolveValue(a, path), path));
        const value = this.mappings[map]?.[top]?.[second];
        if (value === undefined) throw new Error(`AccessMatrix: Fn::FindInMap ${map}.${top}.${second} not found at ${path}`);
        return this.resolveValue(value, path);
      }
      case 'Fn::Base64':
        return Buffer.from(this.asString(this.resolveValue(arg, path), path)).toString('base64');
      default:
        throw new Error(`AccessMatrix: unsupported intrinsic ${name} at ${path} (argument: ${JSON.stringify(arg)}); extend the resolver instead of guessing`);
    }
  }

  private condition(name: string): boolean {
    const expr = this.conditions[name];
    if (expr === undefined) throw new Error(`AccessMatrix: unknown condition ${name}`);
    const key = `Conditions.${name}`;
    if (this.inProgress.has(key)) throw new Error(`AccessMatrix: circular condition ${name}`);
    this.inProgress.add(key);
    try {
      return this.conditionExpression(expr, key);
    } finally {
      this.inProgress.delete(key);
    }
  }

  private conditionExpression(expr: Json, path: string): boolean {
    if (expr === null || typeof expr !== 'object' || Array.isArray(expr) || Object.keys(expr).length !== 1) {
      throw new Error(`AccessMatrix: invalid condition expression at ${path}: ${JSON.stringify(expr)}`);
    }
    const [name] = Object.keys(expr);
    const arg = expr[name];
    switch (name) {
      case 'Condition': return this.condition(this.asString(arg, path));
      case 'Fn::Equals': {
        const [a, b] = this.args(arg, 2, name, path);
        return JSON.stringify(this.resolveValue(a, path)) === JSON.stringify(this.resolveValue(b, path));
      }
      case 'Fn::Not': return !this.conditionExpression(this.args(arg, 1, name, path)[0], path);
      case 'Fn::And': return (arg as Json[]).every(c => this.conditionExpression(c, path));
      case 'Fn::Or': return (arg as Json[]).some(c => this.conditionExpression(c, path));
      default: throw new Error(`AccessMatrix: unsupported condition function ${name} at ${path}`);
    }
  }

  private args(arg: Json, count: number, name: string, path: string): Json[] {
    if (!Array.isArray(arg) || arg.length !== count) {
      throw new Error(`AccessMatrix: ${name} needs ${count} arguments at ${path}, got ${JSON.stringify(arg)}`);
    }
    return arg;
  }

  private asString(value: Resolved | undefined, path: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // An unresolved intrinsic where a string is expected (e.g. the first argument of Fn::Join).
      const resolved = this.resolveValue(value, path);
      if (typeof resolved === 'string') return resolved;
    }
    throw new Error(`AccessMatrix: expected a string at ${path}, got ${JSON.stringify(value)}`);
  }
}

/** The ARN attribute per resource type, for `arn()` ('Ref' when Ref returns the ARN). */
const ARN_ATTRIBUTES: Record<string, string> = {
  'AWS::IAM::Role': 'Arn',
  'AWS::IAM::User': 'Arn',
  'AWS::IAM::ManagedPolicy': 'PolicyArn',
  'AWS::S3::Bucket': 'Arn',
  'AWS::DynamoDB::Table': 'Arn',
  'AWS::KMS::Key': 'Arn',
  'AWS::Redshift::Cluster': 'ClusterNamespaceArn',
  'AWS::RedshiftServerless::Workgroup': 'Workgroup.WorkgroupArn',
  'AWS::RedshiftServerless::Namespace': 'Namespace.NamespaceArn',
  'AWS::Lambda::Function': 'Arn',
  'AWS::Logs::LogGroup': 'Arn',
  'AWS::SNS::Topic': 'TopicArn',
  'AWS::SQS::Queue': 'Arn',
  'AWS::SecretsManager::Secret': 'Ref',
};

function toDecision(result: EvaluationResult): Decision {
  return result === 'Allowed' ? 'Allowed' : 'Denied';
}

function caseFields(c: AccessCase) {
  return { description: c.description, kind: c.kind, action: c.action, expect: c.expect };
}

/** Throws unless the caller is a service principal or an IAM/STS principal ARN; returns whether it is a service. */
function validatePrincipal(principal: string): boolean {
  if (SERVICE_PRINCIPAL.test(principal)) return true;
  if (IAM_PRINCIPAL.test(principal) || STS_PRINCIPAL.test(principal)) return false;
  throw new Error(`AccessMatrix: ${principal} is not a service principal (x.amazonaws.com) or an IAM role/user/root ARN` +
    (/^\d{12}$/.test(principal) ? `; for an account use arn:aws:iam::${principal}:root` : ''));
}

function asArray(value: Json | undefined, path: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`AccessMatrix: expected a list at ${path}, got ${JSON.stringify(value)}`);
  return value;
}

function hash(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** A deterministic uppercase alphanumeric id of the given length. */
function fakeId(seed: string, length: number): string {
  return hash(seed).toUpperCase().slice(0, length);
}

/** A deterministic UUID-shaped id (version 4 layout) from a seed. */
function fakeUuid(seed: string): string {
  const h = hash(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
