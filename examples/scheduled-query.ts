// Seed 004: Redshift scheduled queries, with the role trusted by Redshift, EventBridge and the
// people who create schedules (the trust the article's author drew a diagram to understand),
// least privilege instead of seven *FullAccess policies, and an SNS notification on failures.
// Synthesize with `npx projen examples` (no AWS credentials needed).
import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as sns from 'aws-cdk-lib/aws-sns';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { DataApiAuth, RedshiftTarget, ScheduledQuery, ScheduledQueryNotification, ScheduledQueryRole } from '../src';

/** A provisioned cluster, schedules created by a named IAM user and role. */
export class ClusterScheduleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const target = RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });
    const analyst = iam.User.fromUserArn(this, 'Analyst', 'arn:aws:iam::111111111111:user/test-user');
    const admin = iam.Role.fromRoleArn(this, 'Admin', 'arn:aws:iam::111111111111:role/data-admin', { mutable: false });

    // Trusted by Redshift, Redshift Serverless, EventBridge (QS2- rules of this account only)
    // and the two creators (G12).
    const role = new ScheduledQueryRole(this, 'Role', {
      target,
      database: 'dev',
      auth: DataApiAuth.temporaryCredentials('awsuser'),
      creators: [analyst, admin],
    });
    // What the creators need to create schedules in Query Editor v2 and read their history.
    role.grantCreateSchedules(analyst);
    NagSuppressions.addResourceSuppressions(analyst, [{
      id: 'AwsSolutions-IAM5',
      reason: 'Scheduled-query rules are named QS2-<name> and created later in the console; events:ListRules has no resource type.',
      appliesTo: ['Resource::arn:<AWS::Partition>:events:us-east-1:111111111111:rule/QS2-*', 'Resource::*'],
    }], true);

    const key = new kms.Key(this, 'AlertsKey', { enableKeyRotation: true });
    const alerts = new sns.Topic(this, 'Alerts', { masterKey: key, enforceSSL: true });
    new ScheduledQuery(this, 'Nightly', {
      role,
      scheduleName: 'nightly-sales-rollup',
      schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
      sql: ['delete from sales_daily where day = current_date - 1', 'insert into sales_daily select * from sales_rollup_v'],
      notify: alerts,
      notifyOn: ScheduledQueryNotification.FAILURE,
    });
  }
}

/** A Serverless workgroup, schedules created by any role under /analysts/. */
export class ServerlessScheduleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const namespace = new rs.CfnNamespace(this, 'Namespace', { namespaceName: 'marts', dbName: 'dev' });
    const workgroup = new rs.CfnWorkgroup(this, 'Workgroup', { workgroupName: 'marts-wg', namespaceName: 'marts' });
    workgroup.addResourceDependency(namespace);
    const target = RedshiftTarget.serverless({ namespace, workgroup });

    // redshift-serverless:GetCredentials on this workgroup (G13); creators by IAM path, however many (G19).
    const role = new ScheduledQueryRole(this, 'Role', { target, auth: DataApiAuth.iamIdentity(), creatorRolePath: '/analysts/' });
    new ScheduledQuery(this, 'Hourly', {
      role,
      scheduleName: 'hourly-refresh',
      schedule: events.Schedule.rate(Duration.hours(1)),
      sql: ['refresh materialized view mv_orders'],
    });
  }
}

/** Builds the example app; placeholder account ids, nothing is looked up. */
export function buildScheduledQueryApp(app: App): Stack[] {
  const env = { account: '111111111111', region: 'us-east-1' };
  return [
    new ClusterScheduleStack(app, 'ScheduledQueryCluster', { env }),
    new ServerlessScheduleStack(app, 'ScheduledQueryServerless', { env }),
  ];
}

if (require.main === module) {
  const app = new App();
  buildScheduledQueryApp(app);
  app.synth();
}
