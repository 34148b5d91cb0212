import { Annotations, Aws, Duration, PhysicalName, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { DataApiAuth, DataApiAuthMode } from '../core/data-api-auth';
import { PrincipalTrust } from '../core/principal-trust';
import { DATA_API_STATEMENTS_WILDCARD_REASON } from '../core/private/data-api-grants';
import { suppressNag } from '../core/private/nag';
import { checkTrustPolicySize, trustPolicySizeQuota } from '../core/private/policy-size';
import { check, validationError } from '../core/private/validation';
import { RedshiftTarget, RedshiftTargetKind } from '../core/redshift-target';
import { SessionAction } from '../core/service-trust';

/**
 * Properties of a `CrossAccountDataApiRole`.
 */
export interface CrossAccountDataApiRoleProps {
  /** The warehouse, in this role's account. */
  readonly target: RedshiftTarget;

  /**
   * The database the consumers query.
   *
   * @default 'dev'
   */
  readonly database?: string;

  /** How the Data API calls authenticate to the database; its credentials, and only those, are granted. */
  readonly auth: DataApiAuth;

  /**
   * The roles (in other accounts) that may assume this role: trusted by their exact ARNs. A role
   * of another account needs a physical name (`roleName: PhysicalName.GENERATE_IF_NEEDED`).
   *
   * @default - none: give `consumers` or `consumerAccounts`
   */
  readonly consumers?: iam.IRole[];

  /**
   * Whole accounts to trust instead of named roles: any principal those accounts allow may then
   * assume this role. Only when you cannot name the roles.
   *
   * @default - no account is trusted as a whole
   */
  readonly consumerAccounts?: string[];

  /**
   * An external id the consumers must pass (`sts:ExternalId`).
   *
   * @default - none
   */
  readonly externalId?: string;

  /**
   * Only principals of this AWS Organizations organization (`aws:PrincipalOrgID`).
   *
   * @default - no organization condition
   */
  readonly principalOrgId?: string;

  /**
   * The only session name consumers may use. On Redshift Serverless without a database user or
   * secret, the Data API's database identity comes from the IAM session (gotcha G11): a fixed
   * name gives one stable database user.
   *
   * @default - any session name
   */
  readonly roleSessionName?: string;

  /**
   * Session actions the consumers perform besides `sts:AssumeRole`: `SET_SOURCE_IDENTITY` when a
   * consumer session already carries a source identity (it is sticky, gotcha G20), `TAG_SESSION`
   * when they pass session tags.
   *
   * @default - none
   */
  readonly sessionActions?: SessionAction[];

  /**
   * Also let the consumers read results (`GetStatementResult`, `ListStatements`) of their own
   * statements.
   *
   * @default true
   */
  readonly readResults?: boolean;

  /**
   * The trust-policy size quota of the account, in characters (IAM counts no whitespace). Raise
   * it only after raising the quota in Service Quotas.
   *
   * @default 2048
   */
  readonly trustPolicySizeQuota?: number;

  /**
   * The role name.
   *
   * @default - a name is generated when a stack of another account references the role (as
   * `grantAssume` does), so that its ARN is known there; otherwise CloudFormation names it
   */
  readonly roleName?: string;

  /**
   * The maximum session duration.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;

  /**
   * A description.
   *
   * @default - names the warehouse and database
   */
  readonly description?: string;
}

/**
 * The role in the warehouse's account (B) that Lambda functions or other roles in another
 * account (A) assume to query Redshift through the Data API (seed 001).
 *
 * - Trusts exactly the consumer roles (never the account root unless `consumerAccounts` asks for
 *   it), with optional external id, organization and session-name conditions.
 * - May run statements on this one cluster or workgroup, read only its own statements, and get
 *   only the credentials of `auth`: `GetClusterCredentials` on `dbuser:<cluster>/<user>` and
 *   `dbname:<cluster>/<db>` in account B (gotcha G10).
 * - `grantAssume(consumer)` gives a consumer in account A `sts:AssumeRole` on exactly this role;
 *   `configureConsumerFunction(fn)` also gives a Lambda function the values it needs.
 *
 * @example
 * declare const target: RedshiftTarget;
 * declare const consumerFn: lambda.Function;
 * const dataApi = new CrossAccountDataApiRole(this, 'DataApi', {
 *   target,
 *   auth: DataApiAuth.temporaryCredentials('reporting'),
 *   consumers: [consumerFn.role!],
 * });
 * dataApi.configureConsumerFunction(consumerFn);
 */
export class CrossAccountDataApiRole extends iam.Role {
  /** The warehouse. */
  public readonly target: RedshiftTarget;
  /** The database. */
  public readonly database: string;
  /** The database authentication. */
  public readonly auth: DataApiAuth;
  /** The external id consumers pass. @default - none */
  public readonly externalId?: string;
  /** The session name consumers must use. @default - any */
  public readonly roleSessionName?: string;

  private readonly trust: PrincipalTrust;
  private readonly consumerArns: string[];
  private readonly consumerAccounts: string[];

  constructor(scope: Construct, id: string, props: CrossAccountDataApiRoleProps) {
    const consumers = props.consumers ?? [];
    const consumerAccounts = props.consumerAccounts ?? [];
    checkConsumers(scope, id, consumers, consumerAccounts);
    const trustOptions = {
      sessionActions: props.sessionActions,
      principalOrgId: props.principalOrgId,
      roleSessionName: props.roleSessionName,
      externalId: props.externalId,
    };
    const trusts = [
      ...(consumers.length > 0 ? [PrincipalTrust.roles(consumers, trustOptions)] : []),
      ...(consumerAccounts.length > 0 ? [PrincipalTrust.accounts(consumerAccounts, trustOptions)] : []),
    ];
    const database = props.database ?? 'dev';
    super(scope, id, {
      assumedBy: trusts.length === 1 ? trusts[0] : new iam.CompositePrincipal(...trusts),
      // The consumer account references this role's ARN: a generated name makes it known there.
      roleName: props.roleName ?? PhysicalName.GENERATE_IF_NEEDED,
      maxSessionDuration: props.maxSessionDuration,
      description: props.description ?? `Redshift Data API on ${props.target.toString()} database ${database} for another account (cdk-analytics-access)`,
    });
    this.target = props.target;
    this.database = database;
    this.auth = props.auth;
    this.externalId = props.externalId;
    this.roleSessionName = props.roleSessionName;
    this.trust = trusts[0];
    this.consumerArns = consumers.map((role) => role.roleArn);
    this.consumerAccounts = [...consumerAccounts];

    checkTargetAccount(this, props.target);
    props.target.grantDataApi(this, { database, auth: props.auth, readResults: props.readResults });
    suppressNag(this, 'AwsSolutions-IAM5', DATA_API_STATEMENTS_WILDCARD_REASON, [/^Resource::\*$/]);
    for (const consumer of consumers) {
      checkCrossAccountReference(this, consumer);
    }
    warnIfSameAccount(this, consumers, consumerAccounts);
    checkTrustPolicySize(this, trustPolicySizeQuota(this, props.trustPolicySizeQuota), {
      property: consumers.length > 0 ? 'consumers' : 'consumerAccounts',
      noun: 'trusted consumers',
      // As the trust policy holds them: role ARNs, and accounts as their root ARNs.
      entries: trusts.flatMap((trust) => trust.principalArns),
      fix: 'Let callers share fewer consumer roles, trust their accounts with consumerAccounts (with principalOrgId), '
        + 'or raise the quota in Service Quotas and set trustPolicySizeQuota.',
    });
  }

  /**
   * Give `grantee` (a consumer role, in its own account's stack) `sts:AssumeRole` on exactly this
   * role, plus the session actions the trust allows. The grantee must be trusted: one of
   * `consumers`, or a role of one of `consumerAccounts`.
   */
  public grantAssume(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee.grantPrincipal;
    const arn = (principal as Partial<iam.IRole>).roleArn;
    // An imported role's account is the one in its ARN, not its stack's.
    const account = (principal as Partial<iam.IRole>).env?.account;
    const trusted = arn !== undefined
      && (this.consumerArns.includes(arn) || (account !== undefined && this.consumerAccounts.includes(account)));
    if (!trusted) {
      const path = Construct.isConstruct(principal) ? principal.node.path : principal.toString();
      const shown = arn !== undefined && !Token.isUnresolved(arn) ? arn : path;
      throw validationError(this, 'grantee', shown,
        'This role trusts only its consumers: add the grantee\'s role to `consumers` (or its account to `consumerAccounts`).');
    }
    return iam.Grant.addToPrincipal({ grantee, actions: this.trust.actions, resourceArns: [this.roleArn] });
  }

  /**
   * Same as `grantAssume`: assuming this role is granted on the consumer's side only; the trust
   * policy is decided by `consumers` and never widened by a grant.
   */
  public grantAssumeRole(identity: iam.IPrincipal): iam.Grant {
    return this.grantAssume(identity);
  }

  /**
   * The values a consumer needs at run time, as environment variables: `DATA_API_ROLE_ARN`,
   * `DATA_API_REGION`, `DATA_API_DATABASE`, `DATA_API_CLUSTER_IDENTIFIER` or
   * `DATA_API_WORKGROUP_NAME`, and when set `DATA_API_DB_USER`, `DATA_API_SECRET_ARN`,
   * `DATA_API_EXTERNAL_ID`, `DATA_API_ROLE_SESSION_NAME`.
   */
  public consumerEnvironment(): { [name: string]: string } {
    const env: { [name: string]: string } = {
      DATA_API_ROLE_ARN: this.roleArn,
      // An imported target without a Region is in this (the producer) stack's Region, not the consumer's.
      DATA_API_REGION: this.target.region === Aws.REGION ? Stack.of(this).region : this.target.region,
      DATA_API_DATABASE: this.database,
    };
    if (this.target.kind === RedshiftTargetKind.PROVISIONED) {
      env.DATA_API_CLUSTER_IDENTIFIER = literalName(this, 'clusterIdentifier', this.target.cfnCluster?.clusterIdentifier ?? this.target.clusterIdentifier!);
    } else {
      env.DATA_API_WORKGROUP_NAME = literalName(this, 'workgroupName', this.target.cfnWorkgroup?.workgroupName ?? this.target.workgroupName!);
    }
    if (this.auth.dbUser) {
      env.DATA_API_DB_USER = this.auth.dbUser;
    }
    if (this.auth.mode === DataApiAuthMode.SECRET) {
      env.DATA_API_SECRET_ARN = this.auth.credentialsSecret!.secretArn;
    }
    if (this.externalId) {
      env.DATA_API_EXTERNAL_ID = this.externalId;
    }
    if (this.roleSessionName) {
      env.DATA_API_ROLE_SESSION_NAME = this.roleSessionName;
    }
    return env;
  }

  /**
   * Make a Lambda function in the consumer account a consumer: `grantAssume` on its role, and
   * `consumerEnvironment()` as its environment variables.
   */
  public configureConsumerFunction(fn: lambda.Function): iam.Grant {
    const grant = this.grantAssume(fn);
    for (const [name, value] of Object.entries(this.consumerEnvironment())) {
      fn.addEnvironment(name, value);
    }
    return grant;
  }
}

function checkConsumers(scope: Construct, id: string, consumers: iam.IRole[], accounts: string[]): void {
  const where = `${scope.node.path}/${id}`;
  check(consumers.length + accounts.length > 0, where, 'consumers', consumers,
    'Name the consumer roles (e.g. [consumerFunction.role!]); trusting whole accounts needs consumerAccounts, by name.');
  for (const consumer of consumers) {
    const arn = (consumer as Partial<iam.IRole>)?.roleArn;
    check(typeof arn === 'string', where, 'consumers', String(consumer),
      'Each consumer must be an IAM role (for a Lambda function, pass fn.role!; for a user, create a role it assumes).');
  }
}

/** The Data API is called in the warehouse's account: this role belongs there (G10). */
function checkTargetAccount(role: CrossAccountDataApiRole, target: RedshiftTarget): void {
  const account = Stack.of(role).account;
  if (!Token.isUnresolved(account) && !Token.isUnresolved(target.account)) {
    check(account === target.account, role, 'target', target.toString(),
      `The warehouse is in account ${target.account}, this role in ${account}: create the role in the warehouse's account, where the Data API and GetClusterCredentials are authorized.`);
  }
}

/** A consumer role of another account must have a physical name, or its ARN cannot be written here. */
function checkCrossAccountReference(role: CrossAccountDataApiRole, consumer: iam.IRole): void {
  if (!Resource.isOwnedResource(consumer)) {
    return;
  }
  const here = Stack.of(role).account;
  const there = Stack.of(consumer).account;
  if (Token.isUnresolved(here) || Token.isUnresolved(there) || here === there) {
    return;
  }
  try {
    // Resolving the ARN here is what the synth will do: it fails for a role without a physical name.
    Stack.of(role).resolve(consumer.roleArn);
  } catch {
    throw validationError(role, 'consumers', consumer.node.path,
      `The consumer role is in account ${there}, so its ARN must be known to account ${here}: give it roleName: PhysicalName.GENERATE_IF_NEEDED (or a name).`);
  }
}

function warnIfSameAccount(role: CrossAccountDataApiRole, consumers: iam.IRole[], accounts: string[]): void {
  const here = Stack.of(role).account;
  if (Token.isUnresolved(here)) {
    return;
  }
  const consumerAccounts = [
    ...consumers.map((c) => Resource.isOwnedResource(c) ? Stack.of(c).account : c.env.account),
    ...accounts,
  ];
  if (consumerAccounts.length > 0 && consumerAccounts.every((account) => account === here)) {
    Annotations.of(role).addWarningV2('cdk-analytics-access:data-api-same-account',
      `All consumers are in this role's account (${here}): nothing is cross-account. Grant them the Data API directly with target.grantDataApi(consumer, ...) instead of a role to assume.`);
  }
}

function literalName(scope: IConstruct, prop: string, value: string): string {
  if (Token.isUnresolved(value)) {
    throw validationError(scope, prop, value,
      'A consumer in another account needs the warehouse name as a literal: give the cluster a clusterIdentifier (or the workgroup a workgroupName).');
  }
  return value;
}
