import { Arn, ArnFormat, Aws, Stack, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as redshiftserverless from 'aws-cdk-lib/aws-redshiftserverless';
import type { DataApiGrantOptions } from './data-api-auth';
import { grantDataApiAccess } from './private/data-api-grants';
import { check } from './private/validation';

/**
 * The kind of warehouse a `RedshiftTarget` names.
 */
export enum RedshiftTargetKind {
  /** A Redshift Serverless namespace and workgroup. */
  SERVERLESS = 'serverless',
  /** A provisioned Redshift cluster. */
  PROVISIONED = 'provisioned',
}

/**
 * A Redshift Serverless namespace and workgroup defined in this CDK app.
 */
export interface ServerlessTargetProps {
  /** The namespace (roles are associated with it). */
  readonly namespace: redshiftserverless.CfnNamespace;
  /** The workgroup (the Data API and `GetCredentials` address it). */
  readonly workgroup: redshiftserverless.CfnWorkgroup;
}

/**
 * An existing Redshift Serverless namespace and workgroup.
 */
export interface ServerlessTargetAttributes {
  /** The namespace name. */
  readonly namespaceName: string;
  /**
   * The namespace id (a UUID), for the namespace ARN.
   *
   * @default - the namespace ARN is not available
   */
  readonly namespaceId?: string;
  /** The workgroup name. */
  readonly workgroupName: string;
  /**
   * The workgroup id: a UUID, not the name. IAM policies name a workgroup by its id
   * (`arn:<partition>:redshift-serverless:<region>:<account>:workgroup/<workgroup-id>`).
   */
  readonly workgroupId: string;
  /**
   * The account that owns the warehouse. Set it when roles or policies in another account
   * refer to this warehouse (gotcha G10: an ARN built with the caller's account is denied).
   *
   * @default - the account of the stack that uses the target
   */
  readonly account?: string;
  /**
   * The Region of the warehouse.
   *
   * @default - the Region of the stack that uses the target
   */
  readonly region?: string;
}

/**
 * A provisioned Redshift cluster defined in this CDK app.
 */
export interface ProvisionedTargetProps {
  /** The cluster. */
  readonly cluster: redshift.CfnCluster;
}

/**
 * An existing provisioned Redshift cluster.
 */
export interface ClusterTargetAttributes {
  /** The cluster identifier (its name). */
  readonly clusterIdentifier: string;
  /**
   * The account that owns the cluster. Set it when roles or policies in another account refer
   * to this cluster (gotcha G10).
   *
   * @default - the account of the stack that uses the target
   */
  readonly account?: string;
  /**
   * The Region of the cluster.
   *
   * @default - the Region of the stack that uses the target
   */
  readonly region?: string;
}

/**
 * Names a Redshift warehouse once, for roles and SQL: a Serverless namespace + workgroup or a
 * provisioned cluster, defined in this app or imported. It knows the ARNs that IAM policies
 * need, all in the warehouse owner's account and Region.
 *
 * @example
 * declare const namespace: redshiftserverless.CfnNamespace;
 * declare const workgroup: redshiftserverless.CfnWorkgroup;
 * const target = RedshiftTarget.serverless({ namespace, workgroup });
 */
export class RedshiftTarget {
  /**
   * A Serverless namespace and workgroup defined in this app.
   */
  public static serverless(props: ServerlessTargetProps): RedshiftTarget {
    const stack = Stack.of(props.workgroup);
    return new RedshiftTarget({
      kind: RedshiftTargetKind.SERVERLESS,
      namespaceName: props.namespace.ref,
      namespaceArn: props.namespace.attrNamespaceNamespaceArn,
      workgroupName: props.workgroup.ref,
      workgroupId: props.workgroup.attrWorkgroupWorkgroupId,
      dataApiArn: props.workgroup.attrWorkgroupWorkgroupArn,
      account: stack.account,
      region: stack.region,
      cfnNamespace: props.namespace,
      cfnWorkgroup: props.workgroup,
    });
  }

  /**
   * An existing Serverless namespace and workgroup, by name and id.
   */
  public static fromServerlessAttributes(attrs: ServerlessTargetAttributes): RedshiftTarget {
    const where = 'RedshiftTarget.fromServerlessAttributes';
    checkServerlessName(where, 'namespaceName', attrs.namespaceName);
    checkServerlessName(where, 'workgroupName', attrs.workgroupName);
    checkUuid(where, 'workgroupId', attrs.workgroupId, 'It is the workgroup id (a UUID, e.g. from `aws redshift-serverless get-workgroup`), not the workgroup name.');
    if (attrs.namespaceId !== undefined) {
      checkUuid(where, 'namespaceId', attrs.namespaceId, 'It is the namespace id (a UUID), not the namespace name.');
    }
    const account = attrs.account ?? Aws.ACCOUNT_ID;
    const region = attrs.region ?? Aws.REGION;
    const arn = (resource: string, resourceName: string) => Arn.format({
      partition: Aws.PARTITION,
      service: 'redshift-serverless',
      region,
      account,
      resource,
      resourceName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    return new RedshiftTarget({
      kind: RedshiftTargetKind.SERVERLESS,
      namespaceName: attrs.namespaceName,
      namespaceArn: attrs.namespaceId ? arn('namespace', attrs.namespaceId) : undefined,
      workgroupName: attrs.workgroupName,
      workgroupId: attrs.workgroupId,
      dataApiArn: arn('workgroup', attrs.workgroupId),
      account,
      region,
    });
  }

  /**
   * A provisioned cluster defined in this app.
   */
  public static provisioned(props: ProvisionedTargetProps): RedshiftTarget {
    const stack = Stack.of(props.cluster);
    return RedshiftTarget.cluster(props.cluster.ref, stack.account, stack.region, props.cluster);
  }

  /**
   * An existing provisioned cluster, by identifier.
   */
  public static fromClusterAttributes(attrs: ClusterTargetAttributes): RedshiftTarget {
    const id = attrs.clusterIdentifier;
    check(Token.isUnresolved(id) || /^[a-z](?!.*--)[a-z0-9-]{0,62}$/.test(id) && !id.endsWith('-'),
      'RedshiftTarget.fromClusterAttributes', 'clusterIdentifier', id,
      'A cluster identifier is 1-63 lowercase letters, digits or hyphens, starts with a letter, and has no "--" and no trailing hyphen.');
    return RedshiftTarget.cluster(id, attrs.account ?? Aws.ACCOUNT_ID, attrs.region ?? Aws.REGION);
  }

  private static cluster(clusterIdentifier: string, account: string, region: string, cfnCluster?: redshift.CfnCluster): RedshiftTarget {
    return new RedshiftTarget({
      kind: RedshiftTargetKind.PROVISIONED,
      clusterIdentifier,
      cfnCluster,
      account,
      region,
      dataApiArn: Arn.format({
        partition: Aws.PARTITION,
        service: 'redshift',
        region,
        account,
        resource: 'cluster',
        resourceName: clusterIdentifier,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    });
  }

  /** Serverless or provisioned. */
  public readonly kind: RedshiftTargetKind;
  /** The account that owns the warehouse. */
  public readonly account: string;
  /** The Region of the warehouse. */
  public readonly region: string;
  /**
   * The ARN that Data API `ExecuteStatement` / `BatchExecuteStatement` are authorized on:
   * the cluster ARN or the workgroup ARN (by workgroup id).
   */
  public readonly dataApiArn: string;

  /** The cluster identifier (provisioned only). @default - not a provisioned cluster */
  public readonly clusterIdentifier?: string;
  /** The cluster when it is defined in this app. @default - imported, or not a cluster */
  public readonly cfnCluster?: redshift.CfnCluster;
  /** The namespace name (Serverless only). @default - not Serverless */
  public readonly namespaceName?: string;
  /** The namespace ARN (Serverless only). @default - not Serverless, or imported without its id */
  public readonly namespaceArn?: string;
  /** The namespace when it is defined in this app. @default - imported, or not Serverless */
  public readonly cfnNamespace?: redshiftserverless.CfnNamespace;
  /** The workgroup name (Serverless only). @default - not Serverless */
  public readonly workgroupName?: string;
  /** The workgroup id, a UUID (Serverless only). @default - not Serverless */
  public readonly workgroupId?: string;
  /** The workgroup when it is defined in this app. @default - imported, or not Serverless */
  public readonly cfnWorkgroup?: redshiftserverless.CfnWorkgroup;

  private constructor(values: TargetValues) {
    this.kind = values.kind;
    this.account = values.account;
    this.region = values.region;
    this.dataApiArn = values.dataApiArn;
    this.clusterIdentifier = values.clusterIdentifier;
    this.cfnCluster = values.cfnCluster;
    this.namespaceName = values.namespaceName;
    this.namespaceArn = values.namespaceArn;
    this.cfnNamespace = values.cfnNamespace;
    this.workgroupName = values.workgroupName;
    this.workgroupId = values.workgroupId;
    this.cfnWorkgroup = values.cfnWorkgroup;
  }

  /** True when the warehouse is defined in this app (its role list can be merged in place). */
  public get definedInApp(): boolean {
    return this.cfnCluster !== undefined || this.cfnNamespace !== undefined;
  }

  /**
   * `arn:<partition>:redshift:<region>:<account>:dbuser:<cluster>/<user>`: the resource of
   * `redshift:GetClusterCredentials` (provisioned clusters only). Built in the cluster owner's
   * account, in the `dbuser:<cluster>/<user>` order (gotcha G10).
   */
  public dbUserArn(dbUser: string): string {
    return this.clusterResourceArn('dbuser', 'dbUser', dbUser);
  }

  /** `arn:<partition>:redshift:<region>:<account>:dbname:<cluster>/<database>` (provisioned only). */
  public dbNameArn(database: string): string {
    return this.clusterResourceArn('dbname', 'database', database);
  }

  /** `arn:<partition>:redshift:<region>:<account>:dbgroup:<cluster>/<group>` (provisioned only). */
  public dbGroupArn(dbGroup: string): string {
    return this.clusterResourceArn('dbgroup', 'dbGroup', dbGroup);
  }

  /**
   * Grant `grantee` the right to run SQL on this warehouse through the Redshift Data API, as the
   * database identity of `options.auth`: `ExecuteStatement` / `BatchExecuteStatement` on this
   * cluster or workgroup only, describe/cancel/read of its own statements only, and the
   * credentials of that one identity (gotchas G10, G13).
   *
   * @see https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html
   */
  public grantDataApi(grantee: iam.IGrantable, options: DataApiGrantOptions): iam.Grant {
    return grantDataApiAccess(grantee, this, options);
  }

  /** A short description for messages. */
  public toString(): string {
    if (this.kind === RedshiftTargetKind.PROVISIONED) {
      return `cluster ${this.cfnCluster ? this.cfnCluster.node.path : this.clusterIdentifier}`;
    }
    return `Serverless workgroup ${this.cfnWorkgroup ? this.cfnWorkgroup.node.path : this.workgroupName}`;
  }

  private clusterResourceArn(resource: string, prop: string, name: string): string {
    const where = `RedshiftTarget(${this.toString()}).${resource === 'dbuser' ? 'dbUserArn' : resource === 'dbname' ? 'dbNameArn' : 'dbGroupArn'}`;
    check(this.kind === RedshiftTargetKind.PROVISIONED, where, 'target', this.toString(),
      'Database user, name and group ARNs exist for provisioned clusters only. On Redshift Serverless, authorize `redshift-serverless:GetCredentials` on the workgroup ARN instead (gotcha G13).');
    checkDbName(where, prop, name);
    return Arn.format({
      partition: Aws.PARTITION,
      service: 'redshift',
      region: this.region,
      account: this.account,
      resource,
      resourceName: `${this.clusterIdentifier}/${name}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

interface TargetValues {
  readonly kind: RedshiftTargetKind;
  readonly account: string;
  readonly region: string;
  readonly dataApiArn: string;
  readonly clusterIdentifier?: string;
  readonly cfnCluster?: redshift.CfnCluster;
  readonly namespaceName?: string;
  readonly namespaceArn?: string;
  readonly cfnNamespace?: redshiftserverless.CfnNamespace;
  readonly workgroupName?: string;
  readonly workgroupId?: string;
  readonly cfnWorkgroup?: redshiftserverless.CfnWorkgroup;
}

function checkServerlessName(where: string, prop: string, value: string): void {
  check(Token.isUnresolved(value) || /^[a-z0-9-]{3,64}$/.test(value), where, prop, value,
    'Serverless namespace and workgroup names are 3-64 lowercase letters, digits and hyphens.');
}

function checkUuid(where: string, prop: string, value: string, fix: string): void {
  check(Token.isUnresolved(value) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value), where, prop, value, fix);
}

/**
 * Database user, database and group names as `GetClusterCredentials` accepts them: a letter
 * first, then letters, digits and `_ + . @ $ -`, at most 64, never `:` or `/`, which would
 * produce a malformed ARN (gotcha G10).
 */
export function checkDbName(where: string, prop: string, value: string): void {
  check(Token.isUnresolved(value) || /^[A-Za-z_][A-Za-z0-9_+.@$-]{0,63}$/.test(value), where, prop, value,
    'Use the database object name alone (1-64 characters: a letter or underscore, then letters, digits, _ + . @ $ -); it must not contain ":" or "/".');
}
