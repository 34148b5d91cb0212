import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { check } from './private/validation';
import { checkDbName, RedshiftTarget, RedshiftTargetKind } from './redshift-target';

/**
 * How a Redshift Data API caller authenticates to the database.
 */
export enum DataApiAuthMode {
  /** With a Secrets Manager secret that holds a database user name and password. */
  SECRET = 'secret',
  /** As a named database user, with temporary credentials (`redshift:GetClusterCredentials`); provisioned clusters only. */
  TEMPORARY_CREDENTIALS = 'temporary-credentials',
  /**
   * As the caller's own IAM identity: `redshift:GetClusterCredentialsWithIAM` on a cluster,
   * `redshift-serverless:GetCredentials` on a workgroup. The database user is `IAMR:<role name>`
   * (or `IAM:<user name>`), created on first use without privileges.
   */
  IAM_IDENTITY = 'iam-identity',
}

/**
 * Options for temporary database-user credentials.
 *
 * The Data API itself passes only `DbUser`; these options are for callers that also call
 * `GetClusterCredentials` themselves (JDBC/ODBC with IAM), which may auto-create the user and
 * join groups.
 */
export interface TemporaryCredentialsOptions {
  /**
   * Create the database user on first use (`AutoCreate` of `GetClusterCredentials`), which
   * needs `redshift:CreateClusterUser`.
   *
   * @default false
   */
  readonly autoCreate?: boolean;

  /**
   * Database groups the user joins for the session (`DbGroups`), which needs
   * `redshift:JoinGroup` on each group.
   *
   * @default - no groups
   */
  readonly dbGroups?: string[];
}

/**
 * Options for granting Redshift Data API access on a target.
 */
export interface DataApiGrantOptions {
  /** The database the statements run in. */
  readonly database: string;

  /** How the caller authenticates to the database; its credentials, and only those, are granted. */
  readonly auth: DataApiAuth;

  /**
   * Also grant `GetStatementResult`, `GetStatementResultV2` and `ListStatements` on the caller's
   * own statements. Without it the caller may run statements, describe and cancel them, but not
   * read their rows.
   *
   * @default true
   */
  readonly readResults?: boolean;

  /**
   * Let every session of the grantee role describe, read and cancel the statements of every
   * other session of that role (`redshift-data:statement-owner-iam-userid` like `<role id>:*`),
   * instead of only its own session's. Scheduled queries need it: EventBridge runs them in one
   * session and their creators read the history in another (gotcha G12). The grantee must be an
   * `iam.Role` of this app.
   *
   * @default false
   */
  readonly statementsOfAllSessions?: boolean;
}

/**
 * The database identity of Redshift Data API calls, and the IAM permissions that identity needs
 * (nothing else).
 *
 * @example
 * declare const secret: secretsmanager.ISecret;
 * const asAdmin = DataApiAuth.secret(secret);
 * const asUser = DataApiAuth.temporaryCredentials('etl_user');
 * const asRole = DataApiAuth.iamIdentity();
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html
 */
export class DataApiAuth {
  /**
   * Authenticate with a Secrets Manager secret holding `username` and `password`, such as the
   * secret of a cluster's `manageMasterPassword`. Grants `secretsmanager:GetSecretValue` on that
   * secret (and decryption with its key, when it has one).
   */
  public static secret(secret: secretsmanager.ISecret): DataApiAuth {
    return new DataApiAuth(DataApiAuthMode.SECRET, { secret });
  }

  /**
   * Authenticate as the database user `dbUser` with temporary credentials (provisioned clusters
   * only). Grants `redshift:GetClusterCredentials` on `dbuser:<cluster>/<dbUser>` and
   * `dbname:<cluster>/<database>` in the cluster owner's account (gotcha G10).
   */
  public static temporaryCredentials(dbUser: string, options: TemporaryCredentialsOptions = {}): DataApiAuth {
    const where = 'DataApiAuth.temporaryCredentials';
    checkDbName(where, 'dbUser', dbUser);
    for (const group of options.dbGroups ?? []) {
      checkDbName(where, 'dbGroups', group);
    }
    return new DataApiAuth(DataApiAuthMode.TEMPORARY_CREDENTIALS, {
      dbUser,
      autoCreate: options.autoCreate ?? false,
      dbGroups: [...(options.dbGroups ?? [])],
    });
  }

  /**
   * Authenticate as the caller's own IAM identity. On Redshift Serverless the database user is
   * `IAMR:<role name>` and is decided by the caller's role, not by a prop (gotcha G11); on a
   * cluster it is the same through `GetClusterCredentialsWithIAM`. Grant that database user the
   * privileges it needs in SQL.
   */
  public static iamIdentity(): DataApiAuth {
    return new DataApiAuth(DataApiAuthMode.IAM_IDENTITY, {});
  }

  /** The authentication mode. */
  public readonly mode: DataApiAuthMode;
  /** The secret holding the database credentials (`SECRET` mode). @default - not the secret mode */
  public readonly credentialsSecret?: secretsmanager.ISecret;
  /** The database user (`TEMPORARY_CREDENTIALS` mode). @default - not the temporary-credentials mode */
  public readonly dbUser?: string;
  /** Database groups joined with temporary credentials. @default - none */
  public readonly dbGroups?: string[];
  /** Whether temporary credentials create the user on first use. @default false */
  public readonly autoCreate?: boolean;

  private constructor(mode: DataApiAuthMode, values: {
    secret?: secretsmanager.ISecret; dbUser?: string; dbGroups?: string[]; autoCreate?: boolean;
  }) {
    this.mode = mode;
    this.credentialsSecret = values.secret;
    this.dbUser = values.dbUser;
    this.dbGroups = values.dbGroups;
    this.autoCreate = values.autoCreate;
  }

  /**
   * Grant `grantee` the credentials of this mode, and only those, for `database` on `target`.
   */
  public grantCredentials(grantee: iam.IGrantable, target: RedshiftTarget, database: string): iam.Grant {
    checkDataApiAccess(`DataApiAuth(${this.mode})`, this, target, database);
    switch (this.mode) {
      case DataApiAuthMode.SECRET:
        return this.grantSecret(grantee);
      case DataApiAuthMode.TEMPORARY_CREDENTIALS: {
        const grant = iam.Grant.addToPrincipal({
          grantee,
          actions: ['redshift:GetClusterCredentials'],
          resourceArns: [target.dbUserArn(this.dbUser!), target.dbNameArn(database)],
        });
        const more: iam.Grant[] = [];
        if (this.autoCreate) {
          more.push(iam.Grant.addToPrincipal({ grantee, actions: ['redshift:CreateClusterUser'], resourceArns: [target.dbUserArn(this.dbUser!)] }));
        }
        if (this.dbGroups && this.dbGroups.length > 0) {
          more.push(iam.Grant.addToPrincipal({
            grantee,
            actions: ['redshift:JoinGroup'],
            resourceArns: this.dbGroups.map((group) => target.dbGroupArn(group)),
          }));
        }
        return more.reduce((all, g) => all.combine(g), grant);
      }
      case DataApiAuthMode.IAM_IDENTITY:
        return target.kind === RedshiftTargetKind.PROVISIONED
          ? iam.Grant.addToPrincipal({ grantee, actions: ['redshift:GetClusterCredentialsWithIAM'], resourceArns: [target.dbNameArn(database)] })
          // G13: Serverless Data API access without a secret needs GetCredentials on the workgroup (by id).
          : iam.Grant.addToPrincipal({ grantee, actions: ['redshift-serverless:GetCredentials'], resourceArns: [target.dataApiArn] });
    }
  }

  private grantSecret(grantee: iam.IGrantable): iam.Grant {
    const secret = this.credentialsSecret!;
    const grant = secret.grantRead(grantee);
    const key = secret.encryptionKey;
    if (!key) {
      return grant;
    }
    // Secret.grantRead lets the grantee decrypt through the key's policy, which it can change only
    // for a key of the same stack; an identity statement covers imported keys too, and only for
    // decryption done by Secrets Manager.
    return grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(secret).region}.amazonaws.com` } },
    }));
  }
}

/** Validate a Data API access before any statement is added, so bad input leaves no grant behind. */
export function checkDataApiAccess(where: string, auth: DataApiAuth, target: RedshiftTarget, database: string): void {
  checkAuthTarget(where, 'target', auth, target);
  checkDbName(where, 'database', database);
}

/**
 * Refuse an authentication mode that the Data API does not accept for the target: `DbUser` is a
 * cluster-only parameter.
 */
export function checkAuthTarget(scope: IConstruct | string, prop: string, auth: DataApiAuth, target: RedshiftTarget): void {
  check(!(auth.mode === DataApiAuthMode.TEMPORARY_CREDENTIALS && target.kind === RedshiftTargetKind.SERVERLESS), scope, prop, target.toString(),
    'Temporary credentials for a named database user (DbUser) exist for provisioned clusters only. On Redshift Serverless use DataApiAuth.secret(...) or DataApiAuth.iamIdentity().');
}
