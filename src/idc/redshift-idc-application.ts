import { Annotations, Aws, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as sso from 'aws-cdk-lib/aws-sso';
import { Construct, IConstruct } from 'constructs';
import { QueryEditorV2PermissionSet } from './query-editor-v2-permission-set';
import { DataApiAuth } from '../core/data-api-auth';
import { DatabaseGrant } from '../core/database-grant';
import { checkIdentityStoreId, identityCenterInstanceId } from '../core/private/identity-center';
import { stableIdPart } from '../core/private/ids';
import { suppressNag } from '../core/private/nag';
import { markDedicatedRole } from '../core/private/role-purpose';
import { libraryLiteral } from '../core/private/sql-text';
import { check } from '../core/private/validation';
import { RedshiftRoleAssociation } from '../core/redshift-role-association';
import { RedshiftSql } from '../core/redshift-sql';
import { RedshiftTarget, RedshiftTargetKind } from '../core/redshift-target';
import { SessionAction, ServiceTrust } from '../core/service-trust';
import { Sql } from '../core/sql';

/**
 * The type of a Redshift IAM Identity Center application.
 *
 * @see https://docs.aws.amazon.com/redshift/latest/APIReference/API_CreateRedshiftIdcApplication.html
 */
export enum IdcApplicationType {
  /** A standard application: IdC users and groups are assigned to it. */
  NONE = 'None',
  /**
   * Amazon Redshift federated permissions (Lakehouse). It needs the Lake Formation query and
   * Redshift connect integrations (gotcha G18), and an account can have only one.
   */
  LAKEHOUSE = 'Lakehouse',
}

/**
 * Identity propagation from the Redshift IdC application to other services.
 */
export enum IdcServiceIntegration {
  /** Lake Formation query authorization (`LakeFormation` / `LakeFormationQuery`). */
  LAKE_FORMATION_QUERY = 'LakeFormationQuery',
  /** Redshift connect authorization (`Redshift` / `Connect`). */
  REDSHIFT_CONNECT = 'RedshiftConnect',
  /** S3 Access Grants read/write (`S3AccessGrants` / `ReadWriteAccess`). */
  S3_ACCESS_GRANTS = 'S3AccessGrants',
}

/**
 * A trusted token issuer whose tokens the application accepts.
 */
export interface IdcTokenIssuer {
  /** The ARN of the trusted token issuer in IAM Identity Center. */
  readonly trustedTokenIssuerArn: string;
  /** The audiences (`aud` claims) accepted. */
  readonly authorizedAudiences: string[];
}

/**
 * An IAM Identity Center group and what its members may do in the database.
 */
export interface IdcGroup {
  /**
   * The group's id in the identity store, for the application assignment (and the Query Editor
   * v2 permission set).
   */
  readonly groupId: string;

  /**
   * The group's name in IAM Identity Center. Its database role is `"<identityNamespace>:<groupName>"`,
   * which Redshift matches to the group at sign-in; spaces, quotes and non-ASCII letters are
   * quoted safely (gotcha G6).
   */
  readonly groupName: string;

  /**
   * Privileges of the group's database role.
   *
   * @default - the role is created without privileges
   */
  readonly grants?: DatabaseGrant[];
}

/**
 * Query Editor v2 access for the groups: a permission set whose relay state opens Query
 * Editor v2 in the warehouse's Region, assigned to the groups in these accounts.
 */
export interface QueryEditorAccessOptions {
  /** The AWS accounts where the groups get the permission set. */
  readonly accounts: string[];

  /**
   * Managed policies for Query Editor v2's own actions (see `QueryEditorV2PermissionSetProps`).
   *
   * @default - none
   */
  readonly managedPolicyArns?: string[];

  /**
   * The name of the permission set.
   *
   * @default 'RedshiftQueryEditorV2'
   */
  readonly permissionSetName?: string;

  /**
   * How long a session lasts.
   *
   * @default Duration.hours(1)
   */
  readonly sessionDuration?: Duration;
}

/**
 * Properties of a `RedshiftIdcApplication`.
 */
export interface RedshiftIdcApplicationProps {
  /** The warehouse IdC users sign in to. */
  readonly target: RedshiftTarget;

  /** The ARN of the IAM Identity Center instance (`arn:<partition>:sso:::instance/ssoins-...`). */
  readonly idcInstanceArn: string;

  /**
   * The Region of the IAM Identity Center instance. Trusted identity propagation needs it to be
   * the warehouse's Region (gotcha G3).
   *
   * @default - the Region of the stack
   */
  readonly idcRegion?: string;

  /**
   * The name of the Redshift IdC application: 1-63 lowercase letters and digits, in words joined
   * by single hyphens, starting with a letter.
   *
   * @default - derived from the construct path
   */
  readonly applicationName?: string;

  /**
   * The display name in the console: 1-127 letters, digits and `_+=,.@-` (no spaces).
   *
   * @default - the application name
   */
  readonly displayName?: string;

  /**
   * The identity namespace: the prefix of IdC users and roles in the database (`AWSIDC:alice`).
   *
   * @default 'AWSIDC'
   */
  readonly identityNamespace?: string;

  /**
   * The application type.
   *
   * @default IdcApplicationType.NONE
   */
  readonly applicationType?: IdcApplicationType;

  /**
   * Services the users' identity propagates to.
   *
   * @default - none for `NONE`; Lake Formation query and Redshift connect for `LAKEHOUSE`
   */
  readonly serviceIntegrations?: IdcServiceIntegration[];

  /**
   * Trusted token issuers whose tokens the application accepts (for third-party identity
   * providers that sign users in outside IAM Identity Center).
   *
   * @default - none
   */
  readonly authorizedTokenIssuers?: IdcTokenIssuer[];

  /**
   * The IdC groups whose members may use the warehouse: each gets a database role
   * `"<identityNamespace>:<groupName>"` with its grants, and (for `NONE`) an assignment to the
   * application.
   *
   * @default - no groups
   */
  readonly groups?: IdcGroup[];

  /**
   * The database in which the group roles are granted.
   *
   * @default 'dev'
   */
  readonly database?: string;

  /**
   * How the deploy-time SQL (identity provider, group roles, grants) authenticates. It needs a
   * superuser, such as the admin secret of the namespace or cluster.
   *
   * @default - required whenever SQL runs: with `groups`, or when `createIdentityProvider` is true
   */
  readonly sqlAuth?: DataApiAuth;

  /**
   * Link the warehouse to the application with `CREATE IDENTITY PROVIDER` (SQL) instead of the
   * namespace's `redshiftIdcApplicationArn`. CloudFormation applies that property only when the
   * namespace is created, so use SQL for a namespace that already exists.
   *
   * @default - false for a Serverless namespace defined in this app; true for an imported
   * namespace and for clusters (CloudFormation has no cluster property for it)
   */
  readonly createIdentityProvider?: boolean;

  /**
   * The name of the identity provider created by SQL.
   *
   * @default - the application name
   */
  readonly identityProviderName?: string;

  /**
   * How long each deploy-time SQL step may take.
   *
   * @default Duration.minutes(10)
   */
  readonly sqlTimeout?: Duration;

  /**
   * Query Editor v2 access for the groups, through a permission set.
   *
   * @default - no permission set
   */
  readonly queryEditorAccess?: QueryEditorAccessOptions;
}

/** Actions AWS documents for the IdC application role (trusted identity propagation guide). */
const QEV2_READ_ACTIONS = [
  'redshift:DescribeQev2IdcApplications',
  'redshift-serverless:ListNamespaces',
  'redshift-serverless:ListWorkgroups',
  'redshift-serverless:GetWorkgroup',
];
const SSO_ACTIONS = ['sso:DescribeApplication', 'sso:DescribeInstance'];

/**
 * Amazon Redshift with IAM Identity Center in one construct: the dedicated application role,
 * the Redshift IdC application, the role associated with the warehouse before the identity
 * provider uses it, the identity provider, one database role per IdC group with its grants,
 * the group assignments, and optionally a Query Editor v2 permission set.
 *
 * Prevents gotchas G1 (role not associated), G2 (role reused), G3 (Regions), G5 (no
 * `sts:SetContext`), G6 (unquoted group names) and G18 (Lakehouse integrations).
 *
 * @example
 * declare const target: RedshiftTarget;
 * declare const adminSecret: secretsmanager.ISecret;
 * new RedshiftIdcApplication(this, 'Idc', {
 *   target,
 *   idcInstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
 *   sqlAuth: DataApiAuth.secret(adminSecret),
 *   groups: [{
 *     groupId: '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901',
 *     groupName: 'data analysts',
 *     grants: [DatabaseGrant.readSchema('public')],
 *   }],
 * });
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/redshift-iam-access-control-idp-connect.html
 */
export class RedshiftIdcApplication extends Construct {
  /** The role Redshift assumes for IAM Identity Center; use it for nothing else (G2). */
  public readonly role: iam.Role;
  /** The Redshift IdC application. */
  public readonly application: redshift.CfnRedshiftIdcApplication;
  /** The ARN of the Redshift IdC application. */
  public readonly applicationArn: string;
  /** The ARN of the IdC-managed application (`arn:<partition>:sso::<account>:application/...`). */
  public readonly idcManagedApplicationArn: string;
  /** The identity namespace (the prefix of IdC users and roles in the database). */
  public readonly identityNamespace: string;
  /** The SQL that creates the identity provider. @default - the namespace property links the application */
  public readonly identityProvider?: RedshiftSql;
  /** The Query Editor v2 permission set. @default - none */
  public readonly queryEditorPermissionSet?: QueryEditorV2PermissionSet;

  private readonly groupSql: RedshiftSql[] = [];

  constructor(scope: Construct, id: string, props: RedshiftIdcApplicationProps) {
    super(scope, id);
    const target = props.target;
    const stack = Stack.of(this);
    const applicationName = props.applicationName ?? defaultApplicationName(this);
    const displayName = props.displayName ?? applicationName;
    this.identityNamespace = props.identityNamespace ?? 'AWSIDC';
    const applicationType = props.applicationType ?? IdcApplicationType.NONE;
    const integrations = props.serviceIntegrations
      ?? (applicationType === IdcApplicationType.LAKEHOUSE
        ? [IdcServiceIntegration.LAKE_FORMATION_QUERY, IdcServiceIntegration.REDSHIFT_CONNECT]
        : []);
    const groups = props.groups ?? [];
    const database = props.database ?? 'dev';
    const createIdentityProvider = props.createIdentityProvider ?? !(target.kind === RedshiftTargetKind.SERVERLESS && target.cfnNamespace);

    validate(this, props, {
      applicationName, displayName, identityNamespace: this.identityNamespace, applicationType, integrations, createIdentityProvider,
    });
    const instanceId = identityCenterInstanceId(this, 'idcInstanceArn', props.idcInstanceArn);

    // G5: the trusted-identity-propagation trust shape is AssumeRole + SetContext for both principals.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: ServiceTrust.redshiftWarehouse({ sessionActions: [SessionAction.SET_CONTEXT] }),
      description: `Redshift IAM Identity Center application ${applicationName} (cdk-analytics-access); use for nothing else`,
    });
    markDedicatedRole(this.role, `the IAM Identity Center application role of ${this.node.path}`);
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: SSO_ACTIONS,
      resources: [
        props.idcInstanceArn,
        // Application ARNs carry the account that created the application: this one.
        `arn:${Aws.PARTITION}:sso::${stack.account}:application/${instanceId}/*`,
      ],
    }));
    this.role.addToPolicy(new iam.PolicyStatement({ actions: QEV2_READ_ACTIONS, resources: ['*'] }));
    suppressNag(this.role, 'AwsSolutions-IAM5',
      'AWS documents Resource "*" for DescribeQev2IdcApplications and the Redshift Serverless list/get actions of the IdC application role; '
      + 'sso:DescribeApplication covers the applications of this one IdC instance.');
    this.node.addValidation({ validate: () => otherPurposes(this.role) });

    this.application = new redshift.CfnRedshiftIdcApplication(this, 'Resource', {
      redshiftIdcApplicationName: applicationName,
      idcDisplayName: displayName,
      idcInstanceArn: props.idcInstanceArn,
      iamRoleArn: this.role.roleArn,
      identityNamespace: this.identityNamespace,
      applicationType,
      serviceIntegrations: serviceIntegrations(integrations),
      authorizedTokenIssuerList: props.authorizedTokenIssuers?.map((issuer) => ({
        trustedTokenIssuerArn: issuer.trustedTokenIssuerArn,
        authorizedAudiencesList: issuer.authorizedAudiences,
      })),
    });
    this.application.node.addDependency(this.role);
    Validations.of(this.application).acknowledge({
      id: 'CloudFormation-Validate::F3006',
      reason: 'The CloudFormation schemas bundled with aws-cdk-lib 2.273 predate AWS::Redshift::RedshiftIdcApplication, which CloudFormation supports.',
    });
    this.applicationArn = this.application.attrRedshiftIdcApplicationArn;
    this.idcManagedApplicationArn = this.application.attrIdcManagedApplicationArn;

    // G1: the role must be associated with the warehouse before the identity provider uses it.
    const association = RedshiftRoleAssociation.associate(this, target, this.role);

    if (!createIdentityProvider) {
      const namespace = target.cfnNamespace!;
      check(namespace.redshiftIdcApplicationArn === undefined, this, 'target', target.toString(),
        'The namespace already has a redshiftIdcApplicationArn; a namespace is linked to one IdC application.');
      namespace.redshiftIdcApplicationArn = this.applicationArn;
      Annotations.of(this).addInfo(
        `${target.toString()} is linked to the IdC application through redshiftIdcApplicationArn, which CloudFormation applies only when the namespace is created. For a namespace that already exists, set createIdentityProvider: true.`);
    }

    const sqlProps = (statements: string[], cleanupStatements: string[]) => ({
      target,
      database,
      auth: props.sqlAuth!,
      statements,
      cleanupStatements,
      // Take over objects made by hand (as in the console walkthrough) instead of failing on "already exists".
      cleanupBeforeCreate: true,
      timeout: props.sqlTimeout,
    });
    let providerStatement: string | undefined;
    if (createIdentityProvider) {
      const providerName = Sql.identifier(props.identityProviderName ?? applicationName);
      providerStatement = `CREATE IDENTITY PROVIDER ${providerName} TYPE AWSIDC NAMESPACE ${Sql.literal(this.identityNamespace)}`
        + ` APPLICATION_ARN ${libraryLiteral({ libraryValue: this.idcManagedApplicationArn })}`
        + ` IAM_ROLE ${libraryLiteral({ libraryValue: this.role.roleArn })}`;
      this.identityProvider = new RedshiftSql(this, 'IdentityProvider', {
        ...sqlProps([providerStatement], [`DROP IDENTITY PROVIDER ${providerName} CASCADE`]),
        // An identity provider made by hand fails the deployment ("already exists") rather than
        // being dropped with CASCADE, which would drop its users too.
        cleanupBeforeCreate: false,
      });
      this.identityProvider.node.addDependency(this.role, this.application);
      if (association) {
        this.identityProvider.node.addDependency(association);
      }
    }

    for (const group of groups) {
      const roleName = `${this.identityNamespace}:${group.groupName}`;
      const quoted = Sql.identifier(roleName);
      const grants = group.grants ?? [];
      const sql = new RedshiftSql(this, `Group${stableIdPart(group.groupName)}`, {
        ...sqlProps(
          [`CREATE ROLE ${quoted}`, ...grants.flatMap((g) => g.grantStatements(roleName))],
          [...[...grants].reverse().flatMap((g) => g.revokeStatements(roleName)), `DROP ROLE ${quoted} FORCE`]),
        // DROP IDENTITY PROVIDER ... CASCADE drops the roles attached to it: re-create them with it.
        rerunKey: providerStatement,
      });
      if (this.identityProvider) {
        sql.node.addDependency(this.identityProvider);
      } else if (association) {
        sql.node.addDependency(association);
      }
      sql.node.addDependency(this.application);
      this.groupSql.push(sql);

      // Applications of type None admit only assigned users and groups.
      if (applicationType === IdcApplicationType.NONE) {
        new sso.CfnApplicationAssignment(this, `Assignment${stableIdPart(group.groupId)}`, {
          applicationArn: this.idcManagedApplicationArn,
          principalId: group.groupId,
          principalType: 'GROUP',
        });
      }
    }

    if (props.queryEditorAccess) {
      this.queryEditorPermissionSet = new QueryEditorV2PermissionSet(this, 'QueryEditor', {
        idcInstanceArn: props.idcInstanceArn,
        region: target.region,
        groupIds: groups.map((g) => g.groupId),
        accounts: props.queryEditorAccess.accounts,
        permissionSetName: props.queryEditorAccess.permissionSetName,
        sessionDuration: props.queryEditorAccess.sessionDuration,
        managedPolicyArns: props.queryEditorAccess.managedPolicyArns,
      });
    }
  }

  /**
   * The deploy-time SQL of each group (role and grants), in the order of `groups`: make your
   * own SQL depend on them.
   */
  public get groupRoleSql(): RedshiftSql[] {
    return [...this.groupSql];
  }
}

interface ResolvedNames {
  readonly applicationName: string;
  readonly displayName: string;
  readonly identityNamespace: string;
  readonly applicationType: IdcApplicationType;
  readonly integrations: IdcServiceIntegration[];
  readonly createIdentityProvider: boolean;
}

function validate(scope: Construct, props: RedshiftIdcApplicationProps, names: ResolvedNames): void {
  const known = (value: string) => !Token.isUnresolved(value);
  check(!known(names.applicationName) || (/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(names.applicationName) && names.applicationName.length <= 63),
    scope, 'applicationName', names.applicationName,
    'Use 1-63 lowercase letters and digits, starting with a letter, in words joined by single hyphens (CreateRedshiftIdcApplication).');
  check(!known(names.displayName) || /^[\w+=,.@-]{1,127}$/.test(names.displayName), scope, 'displayName', names.displayName,
    'Use 1-127 letters, digits and _+=,.@- (no spaces).');
  check(!known(names.identityNamespace) || /^[a-zA-Z0-9_+.#@$-]{1,127}$/.test(names.identityNamespace), scope, 'identityNamespace', names.identityNamespace,
    'Use 1-127 letters, digits and _+.#@$- (CreateRedshiftIdcApplication).');

  // G18: a Lakehouse application needs both integrations, or CreateRedshiftIdcApplication answers InvalidParameterValue.
  const missing = [IdcServiceIntegration.LAKE_FORMATION_QUERY, IdcServiceIntegration.REDSHIFT_CONNECT].filter((i) => !names.integrations.includes(i));
  check(names.applicationType !== IdcApplicationType.LAKEHOUSE || missing.length === 0, scope, 'serviceIntegrations', names.integrations,
    `A Lakehouse application needs both LAKE_FORMATION_QUERY and REDSHIFT_CONNECT; add ${missing.join(' and ')}.`);

  // G3: trusted identity propagation needs IAM Identity Center in the warehouse's Region.
  const stackRegion = Stack.of(scope).region;
  const idcRegion = props.idcRegion ?? stackRegion;
  // An imported target without a Region is in the Region of the stack that uses it.
  const targetRegion = props.target.region === Aws.REGION ? stackRegion : props.target.region;
  if (known(idcRegion) && known(targetRegion)) {
    check(idcRegion === targetRegion, scope, 'idcRegion', idcRegion,
      `IAM Identity Center must be in the warehouse's Region (${targetRegion}) for trusted identity propagation. `
      + 'Use an IdC instance in that Region (or one replicated to it, and give that Region).');
  }
  if (known(stackRegion) && known(targetRegion)) {
    check(stackRegion === targetRegion, scope, 'target', props.target.toString(),
      `The Redshift IdC application is created in the stack's Region (${stackRegion}) and must be in the warehouse's Region (${targetRegion}); put this construct in a stack of that Region.`);
  }

  const groups = props.groups ?? [];
  const sqlNeeded = groups.length > 0 || names.createIdentityProvider;
  check(!sqlNeeded || props.sqlAuth !== undefined, scope, 'sqlAuth', undefined,
    'Creating the identity provider and the group roles runs SQL as a superuser: pass sqlAuth, e.g. DataApiAuth.secret(adminSecret).');
  check(!(names.createIdentityProvider === false && !(props.target.kind === RedshiftTargetKind.SERVERLESS && props.target.cfnNamespace)),
    scope, 'createIdentityProvider', false,
    'Only a Serverless namespace defined in this app can be linked through redshiftIdcApplicationArn; other warehouses are linked by CREATE IDENTITY PROVIDER. Leave createIdentityProvider out.');
  const seen = new Set<string>();
  for (const group of groups) {
    check(known(group.groupName), scope, 'groups.groupName', group.groupName, 'Give the group name as a literal string: it becomes a database role name.');
    check(!seen.has(group.groupName), scope, 'groups.groupName', group.groupName, 'Each group may appear only once.');
    check(!seen.has(`id:${group.groupId}`), scope, 'groups.groupId', group.groupId,
      'Each group id may appear only once: one IdC group has one name, and so one database role.');
    seen.add(group.groupName);
    seen.add(`id:${group.groupId}`);
    if (known(group.groupId)) {
      checkIdentityStoreId(scope, 'groups.groupId', group.groupId);
    }
    // The role name is an identifier of at most 127 bytes; Sql.identifier says so with the name.
    Sql.identifier(`${names.identityNamespace}:${group.groupName}`);
  }
}

type ServiceIntegrationProperty = redshift.CfnRedshiftIdcApplication.ServiceIntegrationsUnionProperty;

function serviceIntegrations(integrations: IdcServiceIntegration[]): ServiceIntegrationProperty[] | undefined {
  const enabled = { authorization: 'Enabled' };
  const result: ServiceIntegrationProperty[] = [];
  if (integrations.includes(IdcServiceIntegration.LAKE_FORMATION_QUERY)) {
    result.push({ lakeFormation: [{ lakeFormationQuery: enabled }] });
  }
  if (integrations.includes(IdcServiceIntegration.REDSHIFT_CONNECT)) {
    result.push({ redshift: [{ connect: enabled }] });
  }
  if (integrations.includes(IdcServiceIntegration.S3_ACCESS_GRANTS)) {
    result.push({ s3AccessGrants: [{ readWriteAccess: enabled }] });
  }
  return result.length > 0 ? result : undefined;
}

/** The actions this construct grants the role; anything else is another purpose (G2). */
const OWN_ACTIONS = new Set([...SSO_ACTIONS, ...QEV2_READ_ACTIONS]);

function otherPurposes(role: iam.Role): string[] {
  const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  const statements = (policy?.document.toJSON()?.Statement ?? []) as Array<{ Action?: string | string[] }>;
  const foreign = statements.flatMap((s) => ([] as string[]).concat(s.Action ?? [])).filter((a) => !OWN_ACTIONS.has(a));
  if (foreign.length > 0) {
    Annotations.of(role).addWarningV2('cdk-analytics-access:idc-role-reused',
      `The IAM Identity Center application role is also granted ${[...new Set(foreign)].join(', ')}. AWS recommends a role used for nothing else (gotcha G2): give those permissions to another role.`);
  }
  return [];
}

function defaultApplicationName(scope: IConstruct): string {
  return `redshift-idc-${scope.node.addr.slice(0, 10)}`;
}
