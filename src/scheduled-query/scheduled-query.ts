import { Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { SCHEDULED_QUERY_RULE_PREFIX, ScheduledQueryRole } from './scheduled-query-role';
import { DataApiAuthMode } from '../core/data-api-auth';
import { stableIdPart } from '../core/private/ids';
import { check } from '../core/private/validation';
import { ServiceTrust } from '../core/service-trust';

/**
 * The rule-name prefix of the notification rules, distinct from `QS2-` so that the console does
 * not list them as scheduled queries.
 */
const NOTIFICATION_RULE_PREFIX = 'QSN-';
/** EventBridge rule names are at most 64 characters of `[.-_A-Za-z0-9]`. */
const MAX_SCHEDULE_NAME = 64 - SCHEDULED_QUERY_RULE_PREFIX.length;
/** BatchExecuteStatement runs at most 40 statements. */
const MAX_STATEMENTS = 40;

/**
 * Which runs of a scheduled query are notified.
 */
export enum ScheduledQueryNotification {
  /** Runs that finished. */
  SUCCESS = 'SUCCESS',
  /** Runs that failed or were aborted. */
  FAILURE = 'FAILURE',
  /** Every run. */
  ALL = 'ALL',
}

/**
 * Properties of a `ScheduledQuery`.
 */
export interface ScheduledQueryProps {
  /** The role the query runs with; it also names the warehouse, database and authentication. */
  readonly role: ScheduledQueryRole;

  /** When the query runs (`Schedule.cron(...)` or `Schedule.rate(...)`). */
  readonly schedule: events.Schedule;

  /**
   * The SQL: one statement, or up to 40 run as one transaction.
   */
  readonly sql: string[];

  /**
   * The schedule's name, as the console shows it: the rule is `QS2-<scheduleName>`. 1-60
   * letters, digits and `.-_`.
   *
   * @default - derived from the construct path
   */
  readonly scheduleName?: string;

  /**
   * A description of the schedule.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Whether the schedule is enabled.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * An SNS topic notified when runs end.
   *
   * @default - no notification
   */
  readonly notify?: sns.ITopic;

  /**
   * Which runs are notified.
   *
   * @default ScheduledQueryNotification.ALL
   */
  readonly notifyOn?: ScheduledQueryNotification;

  /**
   * A queue for the runs EventBridge could not start.
   *
   * @default - none
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * A Redshift scheduled query that the Redshift console and Query Editor v2 list as one: an
 * EventBridge rule named `QS2-<name>` whose Redshift Data API target runs the SQL with a
 * `ScheduledQueryRole` (not an events-only role), with statement name = rule name and status
 * events on. Optionally a notification on the runs' status events to an SNS topic, published with
 * a role that only the notification rules of this account can use.
 *
 * @example
 * declare const role: ScheduledQueryRole;
 * declare const topic: sns.ITopic;
 * new ScheduledQuery(this, 'Nightly', {
 *   role,
 *   schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
 *   sql: ['call refresh_sales()'],
 *   notify: topic,
 *   notifyOn: ScheduledQueryNotification.FAILURE,
 * });
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/query-editor-v2-schedule-query.html
 */
export class ScheduledQuery extends Construct {
  /** The schedule rule (`QS2-<name>`). */
  public readonly rule: events.Rule;
  /** The rule name, which is also the Data API statement name. */
  public readonly ruleName: string;
  /** The notification rule. @default - no notification */
  public readonly notificationRule?: events.Rule;

  constructor(scope: Construct, id: string, props: ScheduledQueryProps) {
    super(scope, id);
    const name = props.scheduleName ?? defaultScheduleName(this);
    check(!Token.isUnresolved(name) && /^[.\-_A-Za-z0-9]+$/.test(name) && name.length <= MAX_SCHEDULE_NAME, this, 'scheduleName', name,
      `Use 1-${MAX_SCHEDULE_NAME} letters, digits and .-_ : the rule name is "${SCHEDULED_QUERY_RULE_PREFIX}<scheduleName>" and EventBridge allows 64 characters.`);
    check(props.sql.length >= 1 && props.sql.length <= MAX_STATEMENTS, this, 'sql', `${props.sql.length} statements`,
      `Give 1 to ${MAX_STATEMENTS} statements (several run as one transaction).`);
    for (const statement of props.sql) {
      check(typeof statement === 'string' && statement.trim() !== '', this, 'sql', statement, 'Every statement must be non-empty SQL text.');
    }
    check(props.notifyOn === undefined || props.notify !== undefined, this, 'notifyOn', props.notifyOn,
      'notifyOn chooses which runs notify the `notify` topic: give `notify` too.');

    const role = props.role;
    this.ruleName = `${SCHEDULED_QUERY_RULE_PREFIX}${name}`;
    this.rule = new events.Rule(this, 'Resource', {
      ruleName: this.ruleName,
      schedule: props.schedule,
      description: props.description,
      enabled: props.enabled ?? true,
    });
    this.rule.addTarget(new targets.RedshiftQuery(role.target.dataApiArn, {
      database: role.database,
      dbUser: role.auth.dbUser,
      secret: role.auth.mode === DataApiAuthMode.SECRET ? role.auth.credentialsSecret : undefined,
      sql: props.sql,
      // The console matches the statement name with the rule name; the status events carry it.
      statementName: this.ruleName,
      sendEventBridgeEvent: true,
      role,
      deadLetterQueue: props.deadLetterQueue,
    }));
    if (props.deadLetterQueue) {
      // RedshiftQuery does not open the queue to EventBridge: allow this rule, and only it.
      props.deadLetterQueue.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [props.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rule.ruleArn } },
      }));
    }

    if (props.notify) {
      const states = {
        [ScheduledQueryNotification.SUCCESS]: ['FINISHED'],
        [ScheduledQueryNotification.FAILURE]: ['FAILED', 'ABORTED'],
        [ScheduledQueryNotification.ALL]: ['FINISHED', 'FAILED', 'ABORTED'],
      }[props.notifyOn ?? ScheduledQueryNotification.ALL];
      this.notificationRule = new events.Rule(this, 'Notification', {
        ruleName: `${NOTIFICATION_RULE_PREFIX}${name}`,
        description: `Status of the Redshift scheduled query ${this.ruleName}`,
        eventPattern: {
          source: ['aws.redshift-data'],
          detailType: ['Redshift Data Statement Status Change'],
          detail: { statementName: [this.ruleName], state: states },
        },
      });
      // AWS documents no conditions for SNS topic policies that EventBridge publishes through, so
      // publish with a role instead, which only this account's notification rules may use.
      const topic = props.notify;
      const publisher = notificationPublisher(this, topic);
      this.notificationRule.addTarget({ bind: () => ({ arn: topic.topicArn, role: publisher, targetResource: topic }) });
    }
  }
}

/** One publishing role per stack and topic, however many scheduled queries notify it. */
function notificationPublisher(scope: IConstruct, topic: sns.ITopic): iam.IRole {
  const stack = Stack.of(scope);
  const id = `ScheduledQueryNotify${stableIdPart(topic.node.path)}`;
  const existing = stack.node.tryFindChild(id) as iam.Role | undefined;
  if (existing) {
    return existing;
  }
  const role = new iam.Role(stack, id, {
    assumedBy: ServiceTrust.events({ ruleNamePrefix: NOTIFICATION_RULE_PREFIX }),
    description: 'Publishes the status of Redshift scheduled queries to one SNS topic (cdk-analytics-access)',
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  if (topic.masterKey) {
    // Publishing to an encrypted topic: exactly the two KMS actions SNS uses, on its key.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topic.masterKey.keyArn] }));
  }
  return role;
}

function defaultScheduleName(scope: IConstruct): string {
  const path = scope.node.path.split('/').slice(1).join('-').replace(/[^.\-_A-Za-z0-9]/g, '');
  return `${path.slice(0, MAX_SCHEDULE_NAME - 9)}-${scope.node.addr.slice(0, 8)}`;
}
