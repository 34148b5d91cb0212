import { Annotations, Duration, PhysicalName, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MAX_ROLE_CHAIN_LENGTH } from '../core/private/limits';
import { checkTrustPolicySize, trustPolicySizeQuota } from '../core/private/policy-size';
import { grantS3Prefix, s3KeyPattern } from '../core/private/s3-prefix';
import { check, validationError } from '../core/private/validation';
import { RedshiftRoleAssociation } from '../core/redshift-role-association';
import { RedshiftTarget, RedshiftTargetKind } from '../core/redshift-target';
import { ServiceTrust } from '../core/service-trust';

const COPY_UNLOAD = 'COPY/UNLOAD reads or writes';

/**
 * A role that Redshift can use in `COPY` / `UNLOAD` through `IAM_ROLE`.
 */
export interface IRedshiftDataAccessRole extends iam.IRole {
  /**
   * The `IAM_ROLE` chain that ends in this role, first role first.
   *
   * The first role is the one attached to the warehouse; each later role trusts the one
   * before it. A role attached directly has a chain of one.
   */
  readonly roleChainArns: string[];
}

/**
 * Properties of a `RedshiftDataAccessRole`.
 */
export interface RedshiftDataAccessRoleProps {
  /**
   * The warehouse this role is attached to: Redshift (and Redshift Serverless) may assume it,
   * and it is associated with the cluster or namespace.
   *
   * Give exactly one of `target` and `chainedFrom`.
   *
   * @default - no warehouse: `chainedFrom` must be set
   */
  readonly target?: RedshiftTarget;

  /**
   * Make this role the warehouse's default IAM role, so `IAM_ROLE default` uses it
   * (Serverless namespaces; CloudFormation cannot set a cluster's default role).
   *
   * @default false
   */
  readonly isDefault?: boolean;

  /**
   * The role before this one in an `IAM_ROLE` chain, typically for a bucket in another
   * account: this role then trusts exactly that role, and that role may assume this one.
   *
   * @see https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles
   * @default - not chained: `target` must be set
   */
  readonly chainedFrom?: IRedshiftDataAccessRole;

  /**
   * Only these database users may use the role: the trust policy requires `sts:ExternalId` to
   * be one of their `dbuser` ARNs. Provisioned clusters only (AWS documents two different
   * database-user ARN formats for Serverless, so none is guessed here).
   *
   * @see https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-database-users.html
   * @default - every database user of the warehouse may use the role
   */
  readonly dbUsers?: string[];

  /**
   * Only Redshift in these Regions may assume the role (regional service principals).
   *
   * @see https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-regions.html
   * @default - any Region
   */
  readonly regions?: string[];

  /**
   * The trust-policy size quota of the account, in characters (IAM counts no whitespace). Raise
   * it only after raising the quota in Service Quotas.
   *
   * @default 2048
   */
  readonly trustPolicySizeQuota?: number;

  /**
   * A name for the role.
   *
   * @default - a name is generated when another environment needs it (role chaining across
   * accounts), otherwise CloudFormation names it
   */
  readonly roleName?: string;

  /**
   * A description of the role.
   *
   * @default - a description naming the warehouse or the chain
   */
  readonly description?: string;

  /**
   * The maximum session duration.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/**
 * A least-privilege role for Redshift `COPY` and `UNLOAD`, attached to a warehouse (or chained
 * from one), that is granted exactly the S3 prefixes and DynamoDB tables it needs, instead of
 * `ReadOnlyAccess` or `AmazonS3FullAccess`.
 *
 * @example
 * declare const target: RedshiftTarget;
 * declare const bucket: s3.IBucket;
 * const role = new RedshiftDataAccessRole(this, 'CopyRole', { target });
 * role.grantCopyFrom(bucket, 'incoming/');
 * const sql = CopyUnloadSql.copyFromS3({ table: 'sales', bucket, prefix: 'incoming/', role, format: CopyFormat.CSV });
 */
export class RedshiftDataAccessRole extends iam.Role implements IRedshiftDataAccessRole {
  /**
   * Import an existing `IAM_ROLE` chain: `roleChainArns` first role first (the one attached to
   * the warehouse), the returned role being the last. A chain of one is a role attached directly.
   */
  public static fromRoleChain(scope: Construct, id: string, roleChainArns: string[]): IRedshiftDataAccessRole {
    check(roleChainArns.length > 0, scope, 'roleChainArns', roleChainArns, 'Give at least the ARN of the role attached to the warehouse.');
    const role = iam.Role.fromRoleArn(scope, id, roleChainArns[roleChainArns.length - 1]);
    checkChainLength(role, roleChainArns);
    return Object.assign(role, { roleChainArns: [...roleChainArns] });
  }

  public readonly roleChainArns: string[];

  /** The warehouse the chain starts at, when known. @default - an imported chain */
  public readonly target?: RedshiftTarget;

  constructor(scope: Construct, id: string, props: RedshiftDataAccessRoleProps) {
    checkProps(scope, id, props);
    const externalIds = props.target && props.dbUsers ? props.dbUsers.map(user => props.target!.dbUserArn(user)) : [];
    super(scope, id, {
      roleName: props.roleName ?? PhysicalName.GENERATE_IF_NEEDED,
      description: props.description ?? (props.target
        ? `Redshift COPY/UNLOAD role for ${props.target.toString()} (cdk-analytics-access)`
        : 'Redshift COPY/UNLOAD role chained from another Redshift role (cdk-analytics-access)'),
      maxSessionDuration: props.maxSessionDuration,
      assumedBy: props.target
        // dbUsers are dbuser ARNs of a cluster (provisioned only): Serverless never sends them as
        // the external id, so trusting it too would only double the trust policy's size (G19).
        ? (props.dbUsers ? ServiceTrust.redshift({ regions: props.regions }) : ServiceTrust.redshiftWarehouse({ regions: props.regions }))
        // A chained role trusts exactly the role before it, never that role's whole account.
        : new iam.ArnPrincipal(props.chainedFrom!.roleArn),
      externalIds: externalIds.length > 0 ? externalIds : undefined,
    });

    checkTrustPolicySize(this, trustPolicySizeQuota(this, props.trustPolicySizeQuota), {
      property: 'dbUsers',
      noun: 'database users',
      entries: externalIds,
      fix: 'List fewer dbUsers (each is a dbuser ARN in sts:ExternalId) and control COPY/UNLOAD with database permissions instead, '
        + 'or raise the quota in Service Quotas and set trustPolicySizeQuota.',
    });

    if (props.target) {
      this.target = props.target;
      this.roleChainArns = [this.roleArn];
      RedshiftRoleAssociation.associate(this, props.target, this, { isDefault: props.isDefault });
    } else {
      const previous = props.chainedFrom!;
      this.target = (previous as Partial<RedshiftDataAccessRole>).target;
      this.roleChainArns = [...previous.roleChainArns, this.roleArn];
      checkChainLength(this, this.roleChainArns);
      // An imported role of another account cannot be changed from this stack (CDK would
      // silently drop the statement): say so instead of producing a chain that cannot work.
      const importedElsewhere = !(previous instanceof iam.Role)
        && Token.compareStrings(previous.env.account, Stack.of(this).account) === TokenComparison.DIFFERENT;
      if (importedElsewhere) {
        Annotations.of(this).addWarningV2('cdk-analytics-access:chain-assume',
          `The role before this one in the IAM_ROLE chain (${previous.roleArn}) is imported from another account, so its policy cannot be changed here: allow it sts:AssumeRole on this role yourself, or COPY/UNLOAD fails with "not authorized to perform: sts:AssumeRole".`);
      } else {
        previous.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [this.roleArn] }));
      }
    }
  }

  /**
   * Allow `COPY ... FROM 's3://<bucket>/<prefix>'`: `s3:ListBucket` for that prefix and
   * `s3:GetObject` on the objects under it, and `kms:Decrypt` when the bucket has a key.
   *
   * @param prefix key prefix, e.g. `incoming/`
   * @default prefix - the whole bucket
   */
  public grantCopyFrom(bucket: s3.IBucket, prefix?: string): iam.Grant {
    const keyPattern = s3KeyPattern(this, 'grantCopyFrom(prefix)', prefix);
    bucket.encryptionKey?.grantDecrypt(this);
    return grantS3Prefix(this, bucket, prefix, keyPattern, ['s3:GetObject'], COPY_UNLOAD);
  }

  /**
   * Allow `UNLOAD ... TO 's3://<bucket>/<prefix>'`: `s3:PutObject` on objects under the prefix
   * and `s3:ListBucket` for it (UNLOAD checks for existing files), and `kms:GenerateDataKey` /
   * `kms:Decrypt` when the bucket has a key (SSE-KMS multipart uploads need both).
   *
   * @param prefix key prefix, e.g. `exports/`
   * @default prefix - the whole bucket
   */
  public grantUnloadTo(bucket: s3.IBucket, prefix?: string): iam.Grant {
    const keyPattern = s3KeyPattern(this, 'grantUnloadTo(prefix)', prefix);
    // SSE-KMS writes need a data key, and multipart uploads (large UNLOAD files) decrypt it
    // again; grantEncrypt would add kms:ReEncrypt* and kms:GenerateDataKey* wildcards.
    bucket.encryptionKey?.grant(this, 'kms:GenerateDataKey', 'kms:Decrypt');
    return grantS3Prefix(this, bucket, prefix, keyPattern, ['s3:PutObject'], COPY_UNLOAD);
  }

  /**
   * Allow `COPY ... FROM 'dynamodb://<table>'`: `dynamodb:DescribeTable` and `dynamodb:Scan` on
   * that table only, and `kms:Decrypt` when the table has a customer-managed key.
   */
  public grantCopyFromTable(table: dynamodb.ITable): iam.Grant {
    table.encryptionKey?.grantDecrypt(this);
    return iam.Grant.addToPrincipal({
      grantee: this,
      actions: ['dynamodb:DescribeTable', 'dynamodb:Scan'],
      resourceArns: [table.tableArn],
    });
  }
}

function checkProps(scope: Construct, id: string, props: RedshiftDataAccessRoleProps): void {
  const where = `${scope.node.path}/${id}`;
  if ((props.target === undefined) === (props.chainedFrom === undefined)) {
    throw validationError(where, 'target/chainedFrom', props.target ? 'both' : 'neither',
      'Give `target` for a role attached to the warehouse, or `chainedFrom` for a role later in an IAM_ROLE chain, not both.');
  }
  if (props.chainedFrom) {
    check(props.isDefault === undefined, where, 'isDefault', props.isDefault,
      'Only a role attached to the warehouse (with `target`) can be its default role.');
    check(props.dbUsers === undefined && props.regions === undefined, where, 'dbUsers/regions', props.dbUsers ?? props.regions,
      'Database-user and Region restrictions apply to the role Redshift assumes, the first of the chain: set them there.');
  }
  if (props.dbUsers) {
    check(props.target!.kind === RedshiftTargetKind.PROVISIONED, where, 'dbUsers', props.dbUsers,
      'Restricting a role to database users (sts:ExternalId = dbuser ARNs) is documented for provisioned clusters only; on Serverless, control who can run COPY/UNLOAD with database permissions.');
    check(props.dbUsers.length > 0, where, 'dbUsers', props.dbUsers, 'List at least one database user, or omit dbUsers.');
  }
}

function checkChainLength(scope: Construct, chain: string[]): void {
  check(chain.length <= MAX_ROLE_CHAIN_LENGTH, scope, 'chainedFrom', `a chain of ${chain.length} roles`,
    `Redshift accepts at most ${MAX_ROLE_CHAIN_LENGTH} roles in one IAM_ROLE chain (gotcha G9). Shorten the chain.`);
}
