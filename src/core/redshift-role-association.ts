import { Annotations, CustomResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { stableIdPart } from './private/ids';
import { RoleAssociationFunction } from './private/role-association-function';
import { warnIfDedicated } from './private/role-purpose';
import { StackProvider } from './private/stack-provider';
import { check, validationError } from './private/validation';
import { RedshiftTarget, RedshiftTargetKind } from './redshift-target';

/**
 * AWS quota: IAM roles associated with one cluster or namespace (gotcha G9).
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/amazon-redshift-limits.html
 */
const MAX_ROLES_PER_WAREHOUSE = 50;
/** Some Regions allow only 10 roles per cluster (G9). */
const LOW_REGIONAL_ROLE_QUOTA = 10;

/**
 * Options for associating a role with a warehouse.
 */
export interface AssociateRoleOptions {
  /**
   * Make this role the warehouse's default IAM role (`IAM_ROLE default` in COPY/UNLOAD).
   *
   * @default false
   */
  readonly isDefault?: boolean;

  /**
   * For an imported warehouse: how long the deployment waits for the warehouse to become
   * available again after the change, retries included. At most 14 minutes (the handler
   * answers CloudFormation before its 15-minute Lambda limit).
   *
   * @default Duration.minutes(10)
   */
  readonly waitTimeout?: Duration;
}

/**
 * Associates IAM roles with a Redshift cluster or Serverless namespace, optionally as its
 * default role, without taking over the role list.
 *
 * - A warehouse defined in this app (`CfnCluster`, `CfnNamespace`): the roles are merged into
 *   its `iamRoles`, keeping the roles you listed, and the default role is always in the list
 *   (gotcha G7).
 * - An imported warehouse: one custom resource per stack and warehouse reads the current list,
 *   adds and removes only the roles it owns, sends the full list with the default in one call,
 *   waits until the warehouse is available again and retries concurrent modifications (G7, G8).
 *
 * More roles than the per-warehouse quota fail at synth time (G9).
 *
 * @example
 * declare const target: RedshiftTarget;
 * declare const role: iam.IRole;
 * RedshiftRoleAssociation.associate(this, target, role, { isDefault: true });
 */
export class RedshiftRoleAssociation extends Construct {
  /**
   * Associate `role` with the warehouse of `target`. Returns the construct that performs the
   * association for an imported warehouse (depend on it before using the role), or `undefined`
   * when the warehouse is defined in this app (its resource itself carries the role).
   */
  public static associate(
    scope: IConstruct,
    target: RedshiftTarget,
    role: iam.IRole,
    options: AssociateRoleOptions = {},
  ): RedshiftRoleAssociation | undefined {
    if (options.isDefault) {
      warnIfDedicated(scope, role, `the default IAM role of ${target.toString()}`);
    }
    const cfn = target.cfnCluster ?? target.cfnNamespace;
    if (cfn) {
      InAppRoleList.of(cfn, target).add(scope, role.roleArn, options.isDefault ?? false);
      return undefined;
    }
    const stack = Stack.of(scope);
    const id = `RoleAssociation${associationKey(scope, target)}`;
    const association = (stack.node.tryFindChild(id) as RedshiftRoleAssociation | undefined)
      ?? new RedshiftRoleAssociation(stack, id, target);
    association.add(scope, role, options);
    return association;
  }

  private readonly roleArns: string[] = [];
  private defaultRoleArn?: string;
  private waitTimeout = Duration.minutes(10);

  private constructor(scope: Construct, id: string, private readonly target: RedshiftTarget) {
    super(scope, id);
    const handler = StackProvider.of(this, {
      id: 'CdkAnalyticsAccessRoleAssociationProvider',
      functionClass: RoleAssociationFunction,
      purpose: 'associate IAM roles with Redshift clusters and Serverless namespaces',
      wildcardReason: 'iam:PassRole only on the roles being associated.',
      policySizeFix: 'Each warehouse adds its ARN and the ARNs of its roles to the handler\'s policy: associate the roles of some warehouses from another stack.',
    }).fn;
    const isCluster = target.kind === RedshiftTargetKind.PROVISIONED;
    const resourceArn = isCluster ? target.dataApiArn : target.namespaceArn;
    if (!resourceArn) {
      throw validationError(scope, 'target', target.toString(),
        'Associating roles with an imported Serverless namespace needs its namespace id: pass `namespaceId` to RedshiftTarget.fromServerlessAttributes.');
    }
    const statements = handlerStatements(handler);
    const manage = isCluster ? 'manageClusters' : 'manageNamespaces';
    if (statements[manage]) {
      statements[manage].addResources(resourceArn);
    } else {
      statements[manage] = new iam.PolicyStatement({
        actions: isCluster
          ? ['redshift:DescribeClusters', 'redshift:ModifyClusterIamRoles']
          : ['redshift-serverless:GetNamespace', 'redshift-serverless:UpdateNamespace'],
        resources: [resourceArn],
      });
      handler.addToRolePolicy(statements[manage]);
    }
    statements.passedRoles.push(() => this.roleArns);

    new CustomResource(this, 'Resource', {
      serviceToken: handler.functionArn,
      resourceType: 'Custom::RedshiftRoleAssociation',
      properties: {
        TargetType: isCluster ? 'cluster' : 'namespace',
        TargetName: isCluster ? target.clusterIdentifier : target.namespaceName,
        RoleArns: Lazy.list({ produce: () => this.roleArns }),
        DefaultRoleArn: Lazy.string({ produce: () => this.defaultRoleArn }),
        WaitTimeoutSeconds: Lazy.string({ produce: () => String(this.waitTimeout.toSeconds()) }),
      },
    });
    this.node.addValidation({ validate: () => quotaErrors(this, this.target, this.roleArns) });
  }

  private add(scope: IConstruct, role: iam.IRole, options: AssociateRoleOptions): void {
    if (!this.roleArns.includes(role.roleArn)) {
      this.roleArns.push(role.roleArn);
    }
    if (options.isDefault) {
      setDefault(scope, this.target, this.defaultRoleArn, role.roleArn, (arn) => { this.defaultRoleArn = arn; });
    }
    if (options.waitTimeout) {
      const seconds = options.waitTimeout.toSeconds();
      check(seconds >= 60 && seconds <= 14 * 60, scope, 'waitTimeout', `${seconds} seconds`,
        'Use between 1 and 14 minutes: the handler must answer CloudFormation before the 15-minute Lambda limit.');
      this.waitTimeout = Duration.seconds(Math.max(seconds, this.waitTimeout.toSeconds()));
    }
  }
}

/**
 * The role list of a warehouse defined in this app: every construct that associates a role
 * adds to one list, so no owner can drop another's roles (G8).
 */
class InAppRoleList {
  public static of(cfn: IConstruct, target: RedshiftTarget): InAppRoleList {
    let list = InAppRoleList.lists.get(cfn);
    if (!list) {
      list = new InAppRoleList(target);
      InAppRoleList.lists.set(cfn, list);
    }
    return list;
  }

  private static readonly lists = new WeakMap<IConstruct, InAppRoleList>();

  private readonly added: string[] = [];
  private readonly userRoles: string[];
  private readonly lazyRoles: string[];
  private defaultRoleArn?: string;

  private constructor(private readonly target: RedshiftTarget) {
    const cluster = target.cfnCluster;
    const namespace = target.cfnNamespace;
    this.userRoles = [...((cluster ? cluster.iamRoles : namespace!.iamRoles) ?? [])];
    this.defaultRoleArn = namespace?.defaultIamRoleArn;
    this.lazyRoles = Lazy.list({ produce: () => this.roles() }, { omitEmpty: true });
    if (cluster) {
      cluster.iamRoles = this.lazyRoles;
    } else {
      namespace!.iamRoles = this.lazyRoles;
      namespace!.defaultIamRoleArn = Lazy.string({ produce: () => this.defaultRoleArn });
    }
    const cfn = (cluster ?? namespace)!;
    cfn.node.addValidation({
      validate: () => {
        const current = cluster ? cluster.iamRoles : namespace!.iamRoles;
        if (current !== this.lazyRoles) {
          return [`[${cfn.node.path}] iamRoles was replaced after roles were associated with it by cdk-analytics-access, which would silently drop them. Set iamRoles before creating the constructs that associate roles, or associate your roles with RedshiftRoleAssociation.associate().`];
        }
        return quotaErrors(cfn, this.target, this.roles());
      },
    });
  }

  public add(scope: IConstruct, roleArn: string, isDefault: boolean): void {
    if (!this.added.includes(roleArn)) {
      this.added.push(roleArn);
    }
    if (isDefault) {
      check(this.target.kind === RedshiftTargetKind.SERVERLESS, scope, 'isDefault', isDefault,
        `AWS::Redshift::Cluster has no default-IAM-role property, so the default role of ${this.target.toString()} cannot be set by CloudFormation. Name the role explicitly in COPY/UNLOAD (IAM_ROLE '<arn>'), or set the default with ModifyClusterIamRoles after deployment.`);
      setDefault(scope, this.target, this.defaultRoleArn, roleArn, (arn) => { this.defaultRoleArn = arn; });
    }
  }

  private roles(): string[] {
    const roles: string[] = [];
    const push = (arn: string) => {
      if (!roles.includes(arn)) {
        roles.push(arn);
      }
    };
    this.userRoles.forEach(push);
    this.added.forEach(push);
    // "The list of customer IAM roles must contain the default IAM role." (G7)
    if (this.defaultRoleArn) {
      push(this.defaultRoleArn);
    }
    return roles;
  }
}

function setDefault(scope: IConstruct, target: RedshiftTarget, current: string | undefined, roleArn: string, set: (arn: string) => void): void {
  if (current !== undefined && current !== roleArn) {
    throw validationError(scope, 'isDefault', true,
      `${target.toString()} already has a default IAM role (${Token.isUnresolved(current) ? 'set elsewhere in this app' : current}); a warehouse has one default role. Make only one role the default.`);
  }
  set(roleArn);
}

/**
 * The handler's statements, shared by every association of a stack: another warehouse adds a
 * resource, not a statement. A statement per warehouse made its own inline policy (the PassRole
 * list is lazy), and 29 imported warehouses went over IAM's 10,240 characters per role (G19).
 */
interface HandlerStatements {
  manageClusters?: iam.PolicyStatement;
  manageNamespaces?: iam.PolicyStatement;
  /** The roles each association passes to its warehouse. */
  readonly passedRoles: Array<() => string[]>;
}

const HANDLER_STATEMENTS = new WeakMap<lambda.IFunction, HandlerStatements>();

function handlerStatements(handler: lambda.Function): HandlerStatements {
  let statements = HANDLER_STATEMENTS.get(handler);
  if (!statements) {
    const passedRoles: Array<() => string[]> = [];
    statements = { passedRoles };
    HANDLER_STATEMENTS.set(handler, statements);
    handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: Lazy.list({ produce: () => [...new Set(passedRoles.flatMap((roles) => roles()))] }),
    }));
  }
  return statements;
}

function quotaErrors(scope: IConstruct, target: RedshiftTarget, roles: string[]): string[] {
  if (roles.length > MAX_ROLES_PER_WAREHOUSE) {
    return [`${roles.length} IAM roles are associated with ${target.toString()}; the quota is ${MAX_ROLES_PER_WAREHOUSE} per cluster or namespace (and 10 in some Regions; gotcha G9). Share roles between grants (one RedshiftDataAccessRole can be granted several buckets and tables), or chain roles.`];
  }
  if (roles.length > LOW_REGIONAL_ROLE_QUOTA) {
    Annotations.of(scope).addWarningV2('cdk-analytics-access:role-quota',
      `${roles.length} IAM roles are associated with ${target.toString()}: some Regions allow only ${LOW_REGIONAL_ROLE_QUOTA} per cluster (gotcha G9). Check the Redshift quotas of your Region.`);
  }
  return [];
}

function associationKey(scope: IConstruct, target: RedshiftTarget): string {
  const name = target.kind === RedshiftTargetKind.PROVISIONED ? target.clusterIdentifier! : target.namespaceName!;
  // The construct id becomes the logical id: a changed id would replace the resource, and the
  // old resource's delete would remove the roles the new one just added. Literal names keep it stable.
  check(!Token.isUnresolved(name), scope, 'target', target.toString(),
    'To associate roles with an imported warehouse, give its cluster identifier or namespace name as a literal string.');
  return `${name.replace(/[^A-Za-z0-9]/g, '')}${stableIdPart(`${target.kind}:${name}`, 0)}`;
}
