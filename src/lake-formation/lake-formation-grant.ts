import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import { Construct, IConstruct } from 'constructs';
import type { LakeFormationIdentityCenter } from './lake-formation-identity-center';
import { checkIdentityStoreId } from '../core/private/identity-center';
import { check } from '../core/private/validation';

/**
 * Who a Lake Formation permission is granted to.
 */
export class LakeFormationPrincipal {
  /**
   * An IAM Identity Center group, by identity store group id (not its display name), as
   * `arn:aws:identitystore:::group/<id>`: Lake Formation must be connected to the instance
   * (`LakeFormationIdentityCenter`).
   */
  public static directoryGroup(groupId: string): LakeFormationPrincipal {
    checkIdentityStoreId('LakeFormationPrincipal.directoryGroup', 'groupId', groupId);
    return new LakeFormationPrincipal(`arn:${Aws.PARTITION}:identitystore:::group/${groupId}`, groupId, true);
  }

  /** An IAM Identity Center user, by identity store user id, as `arn:aws:identitystore:::user/<id>`. */
  public static directoryUser(userId: string): LakeFormationPrincipal {
    checkIdentityStoreId('LakeFormationPrincipal.directoryUser', 'userId', userId);
    return new LakeFormationPrincipal(`arn:${Aws.PARTITION}:identitystore:::user/${userId}`, userId, true);
  }

  /** An IAM role. */
  public static role(role: iam.IRole): LakeFormationPrincipal {
    return new LakeFormationPrincipal(role.roleArn, role.roleArn, false);
  }

  private constructor(
    /** The `DataLakePrincipalIdentifier`. */
    public readonly identifier: string,
    /** What tells two principals apart at synth time. */
    public readonly key: string,
    /** Whether it is an IAM Identity Center user or group. */
    public readonly isDirectoryIdentity: boolean,
  ) {}
}

/**
 * Lake Formation permissions on Data Catalog databases and tables.
 */
export enum LakeFormationPermission {
  /** Every permission of the resource (`ALL`, "Super"). */
  ALL = 'ALL',
  /** Read the metadata (databases and tables). */
  DESCRIBE = 'DESCRIBE',
  /** Read rows (tables). */
  SELECT = 'SELECT',
  /** Write rows (tables). */
  INSERT = 'INSERT',
  /** Delete rows (tables). */
  DELETE = 'DELETE',
  /** Change the schema or properties (databases and tables). */
  ALTER = 'ALTER',
  /** Drop (databases and tables). */
  DROP = 'DROP',
  /** Create tables in the database (databases). */
  CREATE_TABLE = 'CREATE_TABLE',
}

const DATABASE_PERMISSIONS = new Set<string>(['ALL', 'DESCRIBE', 'ALTER', 'DROP', 'CREATE_TABLE']);
const TABLE_PERMISSIONS = new Set<string>(['ALL', 'DESCRIBE', 'SELECT', 'INSERT', 'DELETE', 'ALTER', 'DROP']);

/**
 * A Data Catalog database or table that Lake Formation permissions are granted on.
 */
export class LakeFormationResource {
  /** A database. */
  public static database(databaseName: string, catalogId?: string): LakeFormationResource {
    return new LakeFormationResource('database', databaseName, undefined, catalogId);
  }

  /** One table. */
  public static table(databaseName: string, tableName: string, catalogId?: string): LakeFormationResource {
    return new LakeFormationResource('table', databaseName, tableName, catalogId);
  }

  /** Every table of a database, also the tables created later (`TableWildcard`). */
  public static allTables(databaseName: string, catalogId?: string): LakeFormationResource {
    return new LakeFormationResource('table', databaseName, undefined, catalogId);
  }

  private constructor(
    /** `database` or `table`. */
    public readonly kind: string,
    public readonly databaseName: string,
    /** `undefined` for a database or every table. */
    public readonly tableName?: string,
    /** `undefined` = the granting stack's account. */
    public readonly catalogId?: string,
  ) {}
}

/**
 * Properties of a `LakeFormationGrant`.
 */
export interface LakeFormationGrantProps {
  /** Who gets the permissions. */
  readonly principal: LakeFormationPrincipal;
  /** On which database or tables. */
  readonly resource: LakeFormationResource;
  /** The permissions. */
  readonly permissions: LakeFormationPermission[];
  /**
   * Permissions the principal may grant on to others (a subset of `permissions`).
   *
   * @default - none
   */
  readonly grantablePermissions?: LakeFormationPermission[];
  /**
   * The connection of Lake Formation to IAM Identity Center, which must exist before a grant to
   * an IdC user or group; the grant waits for it.
   *
   * @default - none in this app: Lake Formation must already be connected to IAM Identity Center
   * for grants to `directoryGroup`/`directoryUser`
   */
  readonly identityCenter?: LakeFormationIdentityCenter;
}

/**
 * Grants Lake Formation permissions on a database or tables to an IAM Identity Center group or
 * user (trusted identity propagation, step 5 of seed 002) or an IAM role, with
 * `AWS::LakeFormation::PrincipalPermissions`.
 *
 * CloudFormation replaces the grant when anything changes, and deleting the old one revokes
 * every permission the principal holds on the resource, the new ones too: one app may hold one
 * grant per principal and resource (checked), and a change of its permissions is safest in two
 * deployments (remove, then add). The deploying role must be a Lake Formation data lake
 * administrator (or hold the permissions with grant option); for IdC principals it also needs
 * `identitystore:DescribeUser`/`DescribeGroup` and `sso:DescribeInstance`.
 *
 * @example
 * declare const lakeFormationIdc: LakeFormationIdentityCenter;
 * new LakeFormationGrant(this, 'AnalystsReadSales', {
 *   principal: LakeFormationPrincipal.directoryGroup('90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901'),
 *   resource: LakeFormationResource.allTables('sales'),
 *   permissions: [LakeFormationPermission.SELECT, LakeFormationPermission.DESCRIBE],
 *   identityCenter: lakeFormationIdc,
 * });
 *
 * @see https://docs.aws.amazon.com/lake-formation/latest/dg/grant-permissions-sso.html
 */
export class LakeFormationGrant extends Construct {
  /** The grant. */
  public readonly resource: lakeformation.CfnPrincipalPermissions;

  constructor(scope: Construct, id: string, props: LakeFormationGrantProps) {
    super(scope, id);
    const { principal, resource } = props;
    const allowed = resource.kind === 'database' ? DATABASE_PERMISSIONS : TABLE_PERMISSIONS;
    const what = resource.kind === 'database' ? 'a database' : 'tables';
    check(props.permissions.length > 0, this, 'permissions', props.permissions, 'Give at least one permission.');
    check(new Set(props.permissions).size === props.permissions.length, this, 'permissions', props.permissions, 'Give each permission once.');
    for (const permission of props.permissions) {
      check(allowed.has(permission), this, 'permissions', permission,
        `Lake Formation grants ${[...allowed].join(', ')} on ${what}: ${permission} ${resource.kind === 'database'
          ? 'is a table permission (use LakeFormationResource.allTables)' : 'is a database permission (use LakeFormationResource.database)'}.`);
    }
    for (const permission of props.grantablePermissions ?? []) {
      check(props.permissions.includes(permission), this, 'grantablePermissions', permission,
        'Grantable permissions must also be in permissions.');
    }
    checkName(this, 'resource.databaseName', resource.databaseName);
    if (resource.tableName !== undefined) {
      checkName(this, 'resource.tableName', resource.tableName);
    }
    const catalogId = resource.catalogId ?? Stack.of(this).account;
    check(Token.isUnresolved(catalogId) || /^\d{12}$/.test(catalogId), this, 'resource.catalogId', catalogId, 'Give the 12-digit account id of the catalog.');

    check(props.identityCenter === undefined || principal.isDirectoryIdentity, this, 'identityCenter', 'set',
      'Give identityCenter only for grants to LakeFormationPrincipal.directoryGroup or directoryUser.');
    // Last: a construct that failed a check above claims nothing.
    claimPrincipalResource(this, principal, resource, catalogId);

    this.resource = new lakeformation.CfnPrincipalPermissions(this, 'Resource', {
      principal: { dataLakePrincipalIdentifier: principal.identifier },
      resource: resource.kind === 'database'
        ? { database: { catalogId, name: resource.databaseName } }
        : {
          table: {
            catalogId,
            databaseName: resource.databaseName,
            ...(resource.tableName !== undefined ? { name: resource.tableName } : { tableWildcard: {} }),
          },
        },
      permissions: props.permissions,
      permissionsWithGrantOption: props.grantablePermissions ?? [],
    });
    if (props.identityCenter) {
      this.resource.node.addDependency(props.identityCenter);
    }

  }
}

/** Glue database and table names: lower-case letters, digits and "_", at most 255 characters. */
function checkName(scope: IConstruct, prop: string, name: string): void {
  check(Token.isUnresolved(name) || /^[a-z0-9_]{1,255}$/.test(name), scope, prop, name,
    'Give the catalog name as Glue stores it: lower-case letters, digits and "_" (Glue lower-cases names; a hyphen needs quoting in every query).');
}

/** The principal-resource pairs granted in each app, and by which construct. */
const GRANTS_BY_APP = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Deleting one PrincipalPermissions revokes everything its principal holds on its resource, so a
 * second grant of the same pair would be emptied whenever the first is removed.
 */
function claimPrincipalResource(scope: IConstruct, principal: LakeFormationPrincipal, resource: LakeFormationResource, catalogId: string): void {
  // A token's text stands for one value, so unresolved parts compare correctly as text.
  const key = `${catalogId}|${principal.key}|${resource.kind}|${resource.databaseName}|${resource.tableName ?? '*'}`;
  const claims = GRANTS_BY_APP.get(scope.node.root) ?? new Map<string, string>();
  GRANTS_BY_APP.set(scope.node.root, claims);
  const owner = claims.get(key);
  check(owner === undefined, scope, 'principal', principal.key,
    `${owner} already grants this principal permissions on ${resource.kind === 'database' ? `database ${resource.databaseName}`
      : `${resource.databaseName}.${resource.tableName ?? '*'}`}: deleting either grant revokes `
    + 'everything the principal holds there. Put all the permissions in one LakeFormationGrant.');
  claims.set(key, scope.node.path);
}
