import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DataApiAuth } from '../core/data-api-auth';
import { PrincipalTrust } from '../core/principal-trust';
import { DATA_API_STATEMENTS_WILDCARD_REASON } from '../core/private/data-api-grants';
import { escapeRegExp, suppressNag } from '../core/private/nag';
import { checkTrustPolicySize, trustPolicySizeQuota } from '../core/private/policy-size';
import { validationError } from '../core/private/validation';
import { RedshiftTarget } from '../core/redshift-target';
import { ServiceTrust } from '../core/service-trust';

/**
 * The rule-name prefix by which the Redshift console and Query Editor v2 list an EventBridge
 * rule as a scheduled query (Query Editor v1 used `QS-`).
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/query-editor-v2-schedule-query-create.html
 */
export const SCHEDULED_QUERY_RULE_PREFIX = 'QS2-';

/**
 * A tag that selects the principals allowed to create schedules.
 */
export interface CreatorTag {
  /** The tag key (`aws:PrincipalTag/<key>`). */
  readonly key: string;
  /** The tag value. */
  readonly value: string;
}

/**
 * Properties of a `ScheduledQueryRole`.
 */
export interface ScheduledQueryRoleProps {
  /** The warehouse the scheduled queries run on. */
  readonly target: RedshiftTarget;

  /**
   * The database the queries run in.
   *
   * @default 'dev'
   */
  readonly database?: string;

  /**
   * How the queries authenticate to the database; its credentials, and only those, are granted
   * (on Serverless, `iamIdentity()` grants `redshift-serverless:GetCredentials`, gotcha G13).
   */
  readonly auth: DataApiAuth;

  /**
   * The IAM users and roles that create schedules and read their history, trusted by their exact
   * ARNs (gotcha G12). Each name adds to the trust policy, whose size IAM limits (G19).
   *
   * @default - none
   */
  readonly creators?: iam.IPrincipal[];

  /**
   * Trust the roles of this account under an IAM path (such as `/analysts/`) as creators,
   * however many: the trust policy does not grow with them.
   *
   * @default - no path
   */
  readonly creatorRolePath?: string;

  /**
   * Trust the users and roles of this account that carry this tag as creators, however many.
   *
   * @default - no tag
   */
  readonly creatorTag?: CreatorTag;

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
   * @default - CloudFormation names it
   */
  readonly roleName?: string;

  /**
   * A description.
   *
   * @default - names the warehouse and database
   */
  readonly description?: string;

  /**
   * The maximum session duration.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/** The EventBridge actions that create, change, read and delete scheduled-query rules. */
const RULE_ACTIONS = [
  'events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets',
  'events:DescribeRule', 'events:ListTargetsByRule', 'events:EnableRule', 'events:DisableRule',
  'events:TagResource', 'events:UntagResource', 'events:ListTagsForResource',
];

/**
 * The role a Redshift scheduled query runs with (seed 004), with the trust that made the
 * article's author draw a diagram: Redshift and Redshift Serverless, EventBridge (only for
 * `QS2-` rules of this account, the confused-deputy conditions EventBridge documents), and the
 * people who create the schedules (G12): by name, by IAM path or by tag.
 *
 * Its permissions replace the seven `*FullAccess` policies of the article: the Data API on this
 * one warehouse, the credentials of `auth` only, the statements of its own sessions (the
 * creators read the schedule history by assuming it), and the `QS2-` rules.
 *
 * @example
 * declare const target: RedshiftTarget;
 * declare const analyst: iam.IUser;
 * const role = new ScheduledQueryRole(this, 'Role', {
 *   target,
 *   auth: DataApiAuth.temporaryCredentials('awsuser'),
 *   creators: [analyst],
 * });
 * role.grantCreateSchedules(analyst);
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/query-editor-v2-schedule-query-permissions.html
 */
export class ScheduledQueryRole extends iam.Role {
  /** The warehouse. */
  public readonly target: RedshiftTarget;
  /** The database. */
  public readonly database: string;
  /** The database authentication. */
  public readonly auth: DataApiAuth;

  private readonly creatorArns: string[];
  private readonly creatorsBySelection: boolean;

  constructor(scope: Construct, id: string, props: ScheduledQueryRoleProps) {
    const creators = props.creators ?? [];
    const creatorTrusts = [
      ...(creators.length > 0 ? [PrincipalTrust.principals(creators)] : []),
      ...(props.creatorRolePath !== undefined ? [PrincipalTrust.rolesWithPath(props.creatorRolePath)] : []),
      ...(props.creatorTag !== undefined ? [PrincipalTrust.principalsWithTag(props.creatorTag.key, props.creatorTag.value)] : []),
    ];
    const database = props.database ?? 'dev';
    super(scope, id, {
      assumedBy: new iam.CompositePrincipal(
        ServiceTrust.redshiftWarehouse(),
        ServiceTrust.events({ ruleNamePrefix: SCHEDULED_QUERY_RULE_PREFIX }),
        ...creatorTrusts,
      ),
      roleName: props.roleName,
      maxSessionDuration: props.maxSessionDuration,
      description: props.description ?? `Redshift scheduled queries on ${props.target.toString()} database ${database} (cdk-analytics-access)`,
    });
    this.target = props.target;
    this.database = database;
    this.auth = props.auth;
    this.creatorArns = creators.flatMap((c) => ([] as string[]).concat(c.policyFragment.principalJson.AWS ?? []));
    this.creatorsBySelection = props.creatorRolePath !== undefined || props.creatorTag !== undefined;

    // The statements of every session of this role: EventBridge runs the queries in one session,
    // the creators read the history in theirs (G12).
    props.target.grantDataApi(this, { database, auth: props.auth, statementsOfAllSessions: true });
    // AWS documents that the schedule's role, too, needs EventBridge permissions (the editors use it).
    grantScheduleRules(this, this);
    suppressNag(this, 'AwsSolutions-IAM5', `${DATA_API_STATEMENTS_WILDCARD_REASON} events:ListRules has no resource type; `
      + `the other EventBridge actions are limited to the ${SCHEDULED_QUERY_RULE_PREFIX}* rules of this account and Region.`,
    [/^Resource::\*$/, new RegExp(`^Resource::arn:<AWS::Partition>:events:.*:rule/${escapeRegExp(SCHEDULED_QUERY_RULE_PREFIX)}\\*$`)]);

    checkTrustPolicySize(this, trustPolicySizeQuota(this, props.trustPolicySizeQuota), {
      property: 'creators',
      noun: 'named creators',
      entries: this.creatorArns,
      fix: 'Trust creators by creatorRolePath or creatorTag, whose size does not grow with their number, '
        + 'or raise the quota in Service Quotas and set trustPolicySizeQuota.',
    });
  }

  /**
   * Give a creator what it needs to create schedules with this role in the Redshift console or
   * Query Editor v2, and to see their history: `sts:AssumeRole` on this role, the EventBridge
   * actions on the `QS2-` rules of this account and Region, and `iam:PassRole` of this role to
   * EventBridge only. Not `AmazonEventBridgeFullAccess`.
   */
  public grantCreateSchedules(grantee: iam.IGrantable): iam.Grant {
    const arns = ([] as string[]).concat(grantee.grantPrincipal.policyFragment.principalJson.AWS ?? []);
    if (!this.creatorsBySelection && !arns.some((arn) => this.creatorArns.includes(arn))) {
      throw validationError(this, 'grantee', arns[0] ?? grantee.grantPrincipal.toString(),
        'The role must also trust the creator (gotcha G12): add it to `creators`, or trust creators by `creatorRolePath` or `creatorTag`.');
    }
    const assume = iam.Grant.addToPrincipal({ grantee, actions: ['sts:AssumeRole'], resourceArns: [this.roleArn] });
    return assume.combine(grantScheduleRules(grantee, this));
  }
}

/** The `QS2-` rules of this account and Region, and passing the schedule role to EventBridge. */
function grantScheduleRules(grantee: iam.IGrantable, role: ScheduledQueryRole): iam.Grant {
  const stack = Stack.of(role);
  const rules = iam.Grant.addToPrincipal({
    grantee,
    actions: RULE_ACTIONS,
    resourceArns: [`arn:${Aws.PARTITION}:events:${stack.region}:${stack.account}:rule/${SCHEDULED_QUERY_RULE_PREFIX}*`],
  });
  const list = iam.Grant.addToPrincipal({ grantee, actions: ['events:ListRules'], resourceArns: ['*'] });
  const pass = iam.Grant.addToPrincipal({
    grantee,
    actions: ['iam:PassRole'],
    resourceArns: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
  });
  return rules.combine(list).combine(pass);
}
