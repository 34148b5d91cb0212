import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  DataApiAuth,
  RedshiftTarget,
  ScheduledQuery,
  ScheduledQueryNotification,
  ScheduledQueryProps,
  ScheduledQueryRole,
  ScheduledQueryRoleProps,
} from '../../src';

// Seed 004: a scheduled query that the Redshift console and Query Editor v2 list as one (an
// EventBridge rule QS2-<name> with a Redshift Data API target run by the ScheduledQueryRole),
// with an optional SNS notification of the runs' status.

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/test-user`;
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:redshift-admin-AbCdEf`;
const NAME_PATTERN = /^[.\-_A-Za-z0-9]{1,60}$/;
/** IAM's quota for all inline policies of a role together (characters, without whitespace). */
const IAM_INLINE_POLICY_QUOTA = 10240;

const pseudoArn = (service: string, resource: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]],
});

function newStack(): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, 'S', { env: { account: ACCOUNT, region: REGION } }) };
}

const importedCluster = () => RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' });

function newRole(stack: Stack, props: Partial<ScheduledQueryRoleProps> = {}): ScheduledQueryRole {
  return new ScheduledQueryRole(stack, 'Role', { target: importedCluster(), auth: DataApiAuth.temporaryCredentials('awsuser'), ...props });
}

function newQuery(scope: Construct, id: string, role: ScheduledQueryRole, props: Partial<ScheduledQueryProps> = {}): ScheduledQuery {
  return new ScheduledQuery(scope, id, {
    role,
    schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
    sql: ['call refresh_sales()'],
    ...props,
  });
}

function logicalId(construct: Construct): string {
  const cfn = construct.node.defaultChild as iam.CfnRole;
  return Stack.of(cfn).getLogicalId(cfn);
}

function resourceOf(construct: Construct): any {
  return Template.fromStack(Stack.of(construct)).toJSON().Resources[logicalId(construct)];
}

/** The single target of a rule. */
function targetOf(rule: events.Rule): any {
  const targets = resourceOf(rule).Properties.Targets;
  expect(targets).toHaveLength(1);
  return targets[0];
}

/** The logical ids of the roles whose trust names events.amazonaws.com. */
function rolesTrustedByEvents(stack: Stack): string[] {
  return Object.entries(Template.fromStack(stack).findResources('AWS::IAM::Role'))
    .filter(([, role]: [string, any]) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('events.amazonaws.com'))
    .map(([id]) => id);
}

/** The notification publisher roles of a stack: the roles trusted by events for QSN- rules. */
function publisherRoles(stack: Stack): Array<[string, any]> {
  return Object.entries(Template.fromStack(stack).findResources('AWS::IAM::Role'))
    .filter(([, role]: [string, any]) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('rule/QSN-*'));
}

function policyStatementsOfRole(stack: Stack, roleId: string): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p: any) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('ScheduledQuery rule and target', () => {
  test('a cron schedule: rule QS2-<name>, enabled, the cluster as target run by the ScheduledQueryRole as the database user', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN
    const query = newQuery(stack, 'Nightly', role, { scheduleName: 'nightly-sales-rollup', description: 'Nightly sales rollup' });

    // THEN
    expect(query.ruleName).toBe('QS2-nightly-sales-rollup');
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Name: 'QS2-nightly-sales-rollup',
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
      Description: 'Nightly sales rollup',
      Targets: [{
        Id: 'Target0',
        Arn: pseudoArn('redshift', 'cluster:analytics'),
        RoleArn: { 'Fn::GetAtt': [logicalId(role), 'Arn'] },
        RedshiftDataParameters: {
          Database: 'dev',
          DbUser: 'awsuser',
          Sql: 'call refresh_sales()',
          Sqls: Match.absent(),
          SecretManagerArn: Match.absent(),
          StatementName: 'QS2-nightly-sales-rollup',
          WithEvent: true,
        },
        DeadLetterConfig: Match.absent(),
      }],
    });
  });

  test('a rate schedule, disabled, without description', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN
    const query = newQuery(stack, 'Hourly', role, { scheduleName: 'hourly', schedule: events.Schedule.rate(Duration.hours(1)), enabled: false });

    // THEN
    expect(resourceOf(query.rule).Properties).toEqual(expect.objectContaining({
      Name: 'QS2-hourly',
      ScheduleExpression: 'rate(1 hour)',
      State: 'DISABLED',
    }));
    expect(resourceOf(query.rule).Properties.Description).toBeUndefined();
  });

  test('several statements are sent as Sqls (one transaction), not Sql', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);
    const sql = ['delete from sales_daily where day = current_date - 1', 'insert into sales_daily select * from sales_rollup_v'];

    // WHEN
    const query = newQuery(stack, 'Nightly', role, { scheduleName: 'nightly', sql });

    // THEN
    const parameters = targetOf(query.rule).RedshiftDataParameters;
    expect(parameters.Sqls).toEqual(sql);
    expect(parameters.Sql).toBeUndefined();
    expect(parameters.StatementName).toBe('QS2-nightly');
  });

  test('the database of the role is the database of the target', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack, { database: 'sales' });

    // WHEN
    const query = newQuery(stack, 'Nightly', role);

    // THEN
    expect(targetOf(query.rule).RedshiftDataParameters.Database).toBe('sales');
  });

  test('a Serverless workgroup of the app with IAM identity: the workgroup ARN, no DbUser and no secret', () => {
    // GIVEN
    const { stack } = newStack();
    const namespace = new rs.CfnNamespace(stack, 'Ns', { namespaceName: 'marts' });
    const workgroup = new rs.CfnWorkgroup(stack, 'Wg', { workgroupName: 'marts-wg', namespaceName: 'marts' });
    const role = newRole(stack, { target: RedshiftTarget.serverless({ namespace, workgroup }), auth: DataApiAuth.iamIdentity() });

    // WHEN
    const query = newQuery(stack, 'Hourly', role, { scheduleName: 'hourly-refresh' });

    // THEN
    const target = targetOf(query.rule);
    expect(target.Arn).toEqual({ 'Fn::GetAtt': ['Wg', 'Workgroup.WorkgroupArn'] });
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [logicalId(role), 'Arn'] });
    expect(target.RedshiftDataParameters).toEqual({ Database: 'dev', Sql: 'call refresh_sales()', StatementName: 'QS2-hourly-refresh', WithEvent: true });
  });

  test('secret auth: the secret ARN, no DbUser', () => {
    // GIVEN
    const { stack } = newStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Admin', SECRET_ARN);
    const role = newRole(stack, { auth: DataApiAuth.secret(secret) });

    // WHEN
    const query = newQuery(stack, 'Nightly', role);

    // THEN
    const parameters = targetOf(query.rule).RedshiftDataParameters;
    expect(parameters.SecretManagerArn).toBe(SECRET_ARN);
    expect(parameters.DbUser).toBeUndefined();
  });

  test('a dead-letter queue is the target\'s DeadLetterConfig', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);
    const queue = new sqs.Queue(stack, 'Dlq');

    // WHEN
    const query = newQuery(stack, 'Nightly', role, { deadLetterQueue: queue });

    // THEN
    expect(targetOf(query.rule).DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [logicalId(queue), 'Arn'] } });
    // EventBridge may send to the queue for this rule only (RedshiftQuery does not add it).
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(queue) }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [logicalId(queue), 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [stack.getLogicalId(query.rule.node.defaultChild as events.CfnRule), 'Arn'] } } },
        }],
      },
    });
  });

  test('no events-only role: the only role trusted by EventBridge is the ScheduledQueryRole, shared by the queries', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN
    const a = newQuery(stack, 'A', role);
    const b = newQuery(stack, 'B', role, { sql: ['select 1', 'select 2'] });

    // THEN
    expect(rolesTrustedByEvents(stack)).toEqual([logicalId(role)]);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 1);
    expect(targetOf(a.rule).RoleArn).toEqual({ 'Fn::GetAtt': [logicalId(role), 'Arn'] });
    expect(targetOf(b.rule).RoleArn).toEqual({ 'Fn::GetAtt': [logicalId(role), 'Arn'] });
  });

  test('with a notification, the only other role trusted by EventBridge is the publisher', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN
    newQuery(stack, 'Nightly', role, { notify: new sns.Topic(stack, 'T') });

    // THEN
    const trusted = rolesTrustedByEvents(stack);
    expect(trusted).toHaveLength(2);
    expect(trusted).toContain(logicalId(role));
    expect(trusted.filter((id) => id !== logicalId(role))).toEqual(publisherRoles(stack).map(([id]) => id));
  });
});

describe('ScheduledQuery default schedule name', () => {
  test('derived from the construct path: valid, deterministic, distinct', () => {
    // GIVEN
    const build = () => {
      const { stack } = newStack();
      const role = newRole(stack);
      return [newQuery(stack, 'Nightly', role), newQuery(stack, 'Hourly', role)].map((q) => q.ruleName);
    };

    // WHEN
    const [first, second] = [build(), build()];

    // THEN
    expect(second).toEqual(first);
    expect(first[0]).not.toEqual(first[1]);
    for (const ruleName of first) {
      expect(ruleName.startsWith('QS2-')).toBe(true);
      expect(ruleName.slice('QS2-'.length)).toMatch(NAME_PATTERN);
    }
  });

  test('a long, deeply nested path with other characters still gives a valid name of at most 60 characters', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);
    let scope: Construct = stack;
    for (let i = 0; i < 5; i++) {
      scope = new Construct(scope, `Level ${i} with spaces & symbols (${'x'.repeat(20)})`);
    }

    // WHEN
    const a = newQuery(scope, 'Query One', role);
    const b = newQuery(scope, 'Query Two', role);

    // THEN
    for (const query of [a, b]) {
      const name = query.ruleName.slice('QS2-'.length);
      expect(name).toMatch(NAME_PATTERN);
      expect(resourceOf(query.rule).Properties.Name).toBe(query.ruleName);
    }
    expect(a.ruleName).not.toEqual(b.ruleName);
  });
});

describe('ScheduledQuery notification', () => {
  test('by default every end state: a QSN- rule on the statement\'s status events, published to the topic with the publisher role', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);
    const topic = new sns.Topic(stack, 'T');

    // WHEN
    const query = newQuery(stack, 'Nightly', role, { scheduleName: 'nightly', notify: topic });

    // THEN
    const [[publisherId]] = publisherRoles(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Name: 'QSN-nightly',
      Description: 'Status of the Redshift scheduled query QS2-nightly',
      State: 'ENABLED',
      EventPattern: {
        'source': ['aws.redshift-data'],
        'detail-type': ['Redshift Data Statement Status Change'],
        'detail': { statementName: ['QS2-nightly'], state: ['FINISHED', 'FAILED', 'ABORTED'] },
      },
      Targets: [{ Id: 'Target0', Arn: { Ref: logicalId(topic) }, RoleArn: { 'Fn::GetAtt': [publisherId, 'Arn'] } }],
    });
    expect(query.notificationRule).toBeDefined();
    expect(resourceOf(query.notificationRule!).Properties.Name).toBe('QSN-nightly');
  });

  test.each([
    [ScheduledQueryNotification.SUCCESS, ['FINISHED']],
    [ScheduledQueryNotification.FAILURE, ['FAILED', 'ABORTED']],
    [ScheduledQueryNotification.ALL, ['FINISHED', 'FAILED', 'ABORTED']],
  ])('notifyOn %s: the states %j', (notifyOn, states) => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN
    const query = newQuery(stack, 'Nightly', role, { scheduleName: 'nightly', notify: new sns.Topic(stack, 'T'), notifyOn });

    // THEN
    expect(resourceOf(query.notificationRule!).Properties.EventPattern.detail).toEqual({ statementName: ['QS2-nightly'], state: states });
  });

  test('the publisher role is trusted by EventBridge for QSN- rules of this account only, and may publish to exactly the topic', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);
    const topic = new sns.Topic(stack, 'T');

    // WHEN
    newQuery(stack, 'Nightly', role, { notify: topic });

    // THEN
    const publishers = publisherRoles(stack);
    expect(publishers).toHaveLength(1);
    const [publisherId, publisher] = publishers[0];
    expect(publisher.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'events.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': pseudoArn('events', 'rule/QSN-*') },
      },
    }]);
    expect(publisher.Properties.ManagedPolicyArns).toBeUndefined();
    expect(policyStatementsOfRole(stack, publisherId)).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: logicalId(topic) } }]);
  });

  test('an encrypted topic: the publisher may also GenerateDataKey and Decrypt with the topic\'s key, and nothing else', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'T', { masterKey: key });

    // WHEN
    newQuery(stack, 'Nightly', role, { notify: topic });

    // THEN
    const [[publisherId]] = publisherRoles(stack);
    expect(policyStatementsOfRole(stack, publisherId)).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: logicalId(topic) } },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [logicalId(key), 'Arn'] } },
    ]);
  });

  test('one publisher role per stack and topic, however many queries notify it', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);
    const topic = new sns.Topic(stack, 'T');

    // WHEN
    const queries = ['A', 'B', 'C'].map((id) => newQuery(stack, id, role, { notify: topic }));

    // THEN
    const publishers = publisherRoles(stack);
    expect(publishers).toHaveLength(1);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 2);
    for (const query of queries) {
      expect(targetOf(query.notificationRule!).RoleArn).toEqual({ 'Fn::GetAtt': [publishers[0][0], 'Arn'] });
    }
    expect(policyStatementsOfRole(stack, publishers[0][0])).toHaveLength(1);
  });

  test('two topics: two publisher roles, each publishing to its own topic only', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);
    const alerts = new sns.Topic(stack, 'Alerts');
    const audit = new sns.Topic(stack, 'Audit');

    // WHEN
    const a = newQuery(stack, 'A', role, { notify: alerts });
    const b = newQuery(stack, 'B', role, { notify: audit });

    // THEN
    const publishers = publisherRoles(stack).map(([id]) => id);
    expect(publishers).toHaveLength(2);
    const publisherOf = (query: ScheduledQuery) => targetOf(query.notificationRule!).RoleArn['Fn::GetAtt'][0];
    expect(publisherOf(a)).not.toEqual(publisherOf(b));
    expect(policyStatementsOfRole(stack, publisherOf(a))).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: logicalId(alerts) } }]);
    expect(policyStatementsOfRole(stack, publisherOf(b))).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: logicalId(audit) } }]);
  });

  test('no topic policy is created: the topic is not opened to EventBridge', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN
    newQuery(stack, 'Nightly', role, { notify: new sns.Topic(stack, 'T') });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::SNS::TopicPolicy', 0);
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 2);
  });

  test('without notify: no notification rule and no publisher', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN
    const query = newQuery(stack, 'Nightly', role);

    // THEN
    expect(query.notificationRule).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 1);
    expect(publisherRoles(stack)).toEqual([]);
  });
});

describe('ScheduledQuery validation', () => {
  test('fails when scheduleName has a space', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN / THEN
    expect(() => newQuery(stack, 'Q', role, { scheduleName: 'nightly rollup' })).toThrow(
      /^\[S\/Q\] scheduleName: "nightly rollup" is not valid\. Use 1-60 letters, digits and \.-_ : the rule name is "QS2-<scheduleName>" and EventBridge allows 64 characters\.$/);
  });

  test('fails when scheduleName has 61 characters; 60 is accepted', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN / THEN
    expect(() => newQuery(stack, 'Q', role, { scheduleName: 'a'.repeat(61) })).toThrow(
      new RegExp(`^\\[S/Q\\] scheduleName: "${'a'.repeat(61)}" is not valid\\. Use 1-60 letters`));
    const query = newQuery(stack, 'Ok', role, { scheduleName: 'a'.repeat(60) });
    expect(resourceOf(query.rule).Properties.Name).toHaveLength(64);
  });

  test('fails when scheduleName is empty', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN / THEN
    expect(() => newQuery(stack, 'Q', role, { scheduleName: '' })).toThrow(/^\[S\/Q\] scheduleName: "" is not valid\. Use 1-60 letters/);
  });

  test('fails when sql is empty', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN / THEN
    expect(() => newQuery(stack, 'Q', role, { sql: [] })).toThrow(
      /^\[S\/Q\] sql: "0 statements" is not valid\. Give 1 to 40 statements \(several run as one transaction\)\.$/);
  });

  test('fails with 41 statements; 40 are accepted', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);
    const statements = (n: number) => Array.from({ length: n }, (_, i) => `select ${i}`);

    // WHEN / THEN
    expect(() => newQuery(stack, 'Q', role, { sql: statements(41) })).toThrow(
      /^\[S\/Q\] sql: "41 statements" is not valid\. Give 1 to 40 statements/);
    const query = newQuery(stack, 'Ok', role, { sql: statements(40) });
    expect(targetOf(query.rule).RedshiftDataParameters.Sqls).toHaveLength(40);
  });

  test('fails when a statement is empty', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN / THEN
    expect(() => newQuery(stack, 'Q', role, { sql: ['select 1', '  '] })).toThrow(
      /^\[S\/Q\] sql: " {2}" is not valid\. Every statement must be non-empty SQL text\.$/);
  });

  test('fails when notifyOn is given without notify', () => {
    // GIVEN
    const { stack } = newStack();
    const role = newRole(stack);

    // WHEN / THEN
    expect(() => newQuery(stack, 'Q', role, { notifyOn: ScheduledQueryNotification.FAILURE })).toThrow(
      /^\[S\/Q\] notifyOn: "FAILURE" is not valid\. notifyOn chooses which runs notify the `notify` topic: give `notify` too\.$/);
  });
});

describe('ScheduledQuery at scale', () => {
  function buildScale(n: number) {
    const { stack } = newStack();
    const role = newRole(stack, { creators: [iam.User.fromUserArn(stack, 'Analyst', USER_ARN)] });
    const topic = new sns.Topic(stack, 'Alerts');
    for (let i = 0; i < n; i++) {
      newQuery(stack, `Query${i}`, role, { scheduleName: `report-${i}`, notify: topic, notifyOn: ScheduledQueryNotification.FAILURE });
    }
    const template = Template.fromStack(stack).toJSON();
    const policies = Object.values<any>(template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: logicalId(role) }]));
    expect(policies).toHaveLength(1);
    return {
      resources: Object.values<any>(template.Resources),
      policy: JSON.stringify(policies[0].Properties.PolicyDocument),
      trust: JSON.stringify(template.Resources[logicalId(role)].Properties.AssumeRolePolicyDocument),
      publishers: publisherRoles(stack).length,
    };
  }

  test('200 queries sharing one role and one topic: under 500 resources, no Lambda, and the role policy does not grow', () => {
    // GIVEN / WHEN
    const one = buildScale(1);
    const many = buildScale(200);

    // THEN
    const total = many.resources.length;
    const perQuery = (total - one.resources.length) / 199;
    const base = one.resources.length - perQuery;
    const largestN = Math.floor((499 - base) / perQuery);
    // eslint-disable-next-line no-console
    console.log(`ScheduledQuery scale: ${perQuery} resources per query, ${base} shared, ${total} resources at N=200, `
      + `largest N under 500 resources = ${largestN}; role DefaultPolicy ${many.policy.length} characters (N=1: ${one.policy.length})`);
    expect(total).toBeLessThan(500);
    expect(perQuery).toBe(2);
    expect(many.resources.filter((r) => r.Type === 'AWS::Lambda::Function')).toEqual([]);
    expect(many.resources.filter((r) => r.Type === 'AWS::Events::Rule')).toHaveLength(400);
    expect(many.publishers).toBe(1);
    expect(many.policy.length).toBeLessThan(IAM_INLINE_POLICY_QUOTA);
    expect(many.policy.length).toBe(one.policy.length);
    expect(many.policy).toEqual(one.policy);
    expect(many.trust).toEqual(one.trust);
  });
});

describe('ScheduledQuery and cdk-nag', () => {
  test('a cluster target with creators, an encrypted notification topic and a dead-letter queue: no unsuppressed AwsSolutions finding', () => {
    // GIVEN
    const { app, stack } = newStack();
    const role = newRole(stack, { creators: [iam.User.fromUserArn(stack, 'Analyst', USER_ARN)] });
    const key = new kms.Key(stack, 'AlertsKey', { enableKeyRotation: true });
    const alerts = new sns.Topic(stack, 'Alerts', { masterKey: key, enforceSSL: true });
    const parking = new sqs.Queue(stack, 'Parking', { enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED });
    const dlq = new sqs.Queue(stack, 'Dlq', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      deadLetterQueue: { queue: parking, maxReceiveCount: 3 },
    });
    newQuery(stack, 'Nightly', role, {
      scheduleName: 'nightly-sales-rollup',
      sql: ['delete from sales_daily where day = current_date - 1', 'insert into sales_daily select * from sales_rollup_v'],
      notify: alerts,
      notifyOn: ScheduledQueryNotification.FAILURE,
      deadLetterQueue: dlq,
    });

    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();

    // THEN
    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map((f) => `${f.id}: ${String(f.entry.data).slice(0, 160)}`);
    expect(findings).toEqual([]);
    // The checks did run: the role's acknowledged wildcards carry their reason.
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalId(role) }] } });
    expect(Object.values<any>(policies).map((p) => p.Metadata.cdk_nag.rules_to_suppress[0].id)).toEqual(['AwsSolutions-IAM5']);
  });
});
