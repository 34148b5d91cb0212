// Measure 3: ScheduledQuery at scale. N queries share one ScheduledQueryRole and one notification
// topic; how many resources and template bytes each query adds, and the largest N that fits in
// one stack (CloudFormation: 500 resources, and a template of at most 1 MB through S3).
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DataApiAuth, RedshiftTarget, ScheduledQuery, ScheduledQueryNotification, ScheduledQueryRole } from '../src';
import { markdownTable, synthesizedTemplate, templateBytes } from './report';

export const SCHEDULED_QUERY_NS = [1, 50, 200];
/** CloudFormation's quotas: resources per stack, and template body size when uploaded to S3 (cdk deploy does). */
export const STACK_RESOURCE_LIMIT = 500;
export const TEMPLATE_BYTES_LIMIT = 1_048_576;

export interface ScheduledQueryRow {
  readonly n: number;
  readonly resources: number;
  readonly templateBytes: number;
  readonly lambdaFunctions: number;
}

export interface ScheduledQueryScale {
  readonly rows: ScheduledQueryRow[];
  readonly resourcesPerQuery: number;
  readonly sharedResources: number;
  readonly bytesPerQuery: number;
  /** The largest N whose stack stays within both limits, checked by synthesizing N and N + 1. */
  readonly largestN: number;
  readonly largestNResources: number;
  readonly largestNTemplateBytes: number;
  /** What happens at largestN + 1: CDK refuses the stack at synth time (TooManyResourcesInStack). */
  readonly nextRefusal: string;
}

/** N scheduled queries on one cluster, created by one IAM user, notifying one topic on failure. */
export function scheduledQueryStack(n: number): (app: App) => Stack {
  return (app) => {
    const stack = new Stack(app, 'Schedules', { env: { account: '111111111111', region: 'us-east-1' } });
    const role = new ScheduledQueryRole(stack, 'Role', {
      target: RedshiftTarget.fromClusterAttributes({ clusterIdentifier: 'analytics' }),
      auth: DataApiAuth.temporaryCredentials('awsuser'),
      creators: [iam.User.fromUserArn(stack, 'Analyst', 'arn:aws:iam::111111111111:user/analyst')],
    });
    const topic = new sns.Topic(stack, 'Alerts');
    for (let i = 0; i < n; i++) {
      new ScheduledQuery(stack, `Query${i}`, {
        role,
        scheduleName: `report-${i}`,
        schedule: events.Schedule.cron({ minute: String(i % 60), hour: '3' }),
        sql: [`call refresh_report(${i})`],
        notify: topic,
        notifyOn: ScheduledQueryNotification.FAILURE,
      });
    }
    return stack;
  };
}

function row(n: number): ScheduledQueryRow {
  const template = synthesizedTemplate(scheduledQueryStack(n));
  const resources = Object.values<any>(template.Resources);
  return {
    n,
    resources: resources.length,
    templateBytes: templateBytes(template),
    lambdaFunctions: resources.filter((r) => r.Type === 'AWS::Lambda::Function').length,
  };
}

export function measureScheduledQueries(ns: number[] = SCHEDULED_QUERY_NS): ScheduledQueryScale {
  const rows = ns.map(row);
  const first = rows[0];
  const last = rows[rows.length - 1];
  const resourcesPerQuery = (last.resources - first.resources) / (last.n - first.n);
  const bytesPerQuery = (last.templateBytes - first.templateBytes) / (last.n - first.n);
  const sharedResources = first.resources - resourcesPerQuery * first.n;
  // The estimate from the per-query cost, then the real stacks at that N and one more.
  let largestN = Math.min(
    Math.floor((STACK_RESOURCE_LIMIT - sharedResources) / resourcesPerQuery),
    Math.floor((TEMPLATE_BYTES_LIMIT - (first.templateBytes - bytesPerQuery * first.n)) / bytesPerQuery),
  );
  // aws-cdk-lib refuses a stack over 500 resources at synth time; the template size is ours to check.
  const attempt = (n: number): ScheduledQueryRow | string => {
    try {
      const r = row(n);
      return r.resources <= STACK_RESOURCE_LIMIT && r.templateBytes <= TEMPLATE_BYTES_LIMIT ? r : `${r.templateBytes} bytes > ${TEMPLATE_BYTES_LIMIT}`;
    } catch (e) {
      return (e as Error).message.split('\n')[0];
    }
  };
  let atLargest = attempt(largestN);
  while (typeof atLargest === 'string') {
    largestN -= 1;
    atLargest = attempt(largestN);
  }
  let next = attempt(largestN + 1);
  while (typeof next !== 'string') {
    largestN += 1;
    atLargest = next;
    next = attempt(largestN + 1);
  }
  return {
    rows,
    resourcesPerQuery,
    sharedResources,
    bytesPerQuery,
    largestN,
    largestNResources: atLargest.resources,
    largestNTemplateBytes: atLargest.templateBytes,
    nextRefusal: next,
  };
}

export function scheduledQueriesTable(scale: ScheduledQueryScale): string {
  return markdownTable(
    ['N queries', 'resources', 'template bytes', 'Lambda functions'],
    [
      ...scale.rows.map((r) => [r.n, r.resources, r.templateBytes, r.lambdaFunctions]),
      [scale.largestN, scale.largestNResources, scale.largestNTemplateBytes, 0],
    ],
  );
}
