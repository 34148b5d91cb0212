import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Fn, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { buildAnalyticsAccessChecksApp } from '../../examples/analytics-access-checks';
import { buildAthenaTipApp } from '../../examples/athena-tip';
import { buildCopyUnloadApp, PartnerStack, WarehouseStack } from '../../examples/copy-unload';
import { buildCrossAccountDataApiApp, ConsumerStack, ProducerStack } from '../../examples/cross-account-data-api';
import { buildRedshiftIdcApp } from '../../examples/redshift-idc';
import { buildScheduledQueryApp } from '../../examples/scheduled-query';
import {
  AccessEdgeKind, AccessGrantsLocation, AccessGraph, AccessGraphEdge, AccessNodeKind, AthenaIdcWorkGroup, AthenaTrustedIdentityPropagation,
} from '../../src';
import { logicalId } from '../template-helpers';

// The access graph over the example apps: the edges the access matrices prove ALLOWED are there,
// with their kind, actions and condition keys; the paths they prove DENIED are not. Plus the
// output format (sorted, deterministic, Mermaid), joins across stacks, and the directory errors.

const EXAMPLES: Record<string, (app: App) => Stack[]> = {
  'analytics-access-checks': buildAnalyticsAccessChecksApp,
  'athena-tip': buildAthenaTipApp,
  'copy-unload': buildCopyUnloadApp,
  'cross-account-data-api': buildCrossAccountDataApiApp,
  'redshift-idc': buildRedshiftIdcApp,
  'scheduled-query': buildScheduledQueryApp,
};

const ANALYSTS_GROUP = 'idc-group:90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901';
const ENGINEERS_GROUP = 'idc-group:90677d4a4c-2c3d4e5f-6071-8293-a4b5-c6d7e8f90a12';
/** The Region part of an ARN the stack builds: a literal or the pseudo parameter left as `${AWS::Region}`. */
const REGION = '(?:us-east-1|\\$\\{AWS::Region\\})';
const ANALYTICS_SERVICES = ['redshift', 'redshift-serverless', 'redshift-data', 'secretsmanager', 's3', 'dynamodb', 'lakeformation', 'athena', 'glue'];

interface Example {
  readonly app: App;
  readonly stacks: Stack[];
  readonly graph: AccessGraph;
}

const built = new Map<string, Example>();

/** Each example app built once into a fresh App, and its graph (fromStage). */
function example(name: string): Example {
  let result = built.get(name);
  if (!result) {
    const app = new App();
    const stacks = EXAMPLES[name](app);
    result = { app, stacks, graph: AccessGraph.fromStage(app) };
    built.set(name, result);
  }
  return result;
}

/** The node id of a role (or any construct with a CloudFormation resource) of the app: `<stack>/<logical id>`. */
function nodeId(construct: IConstruct): string {
  const stack = Stack.of(construct);
  return `${stack.node.path}/${logicalId(stack, construct)}`;
}

function edgesOf(graph: AccessGraph, filter: Partial<Pick<AccessGraphEdge, 'from' | 'to' | 'kind'>>): AccessGraphEdge[] {
  return graph.edges.filter((e) => (filter.from === undefined || e.from === filter.from)
    && (filter.to === undefined || e.to === filter.to)
    && (filter.kind === undefined || e.kind === filter.kind));
}

function edge(graph: AccessGraph, from: string, to: string, kind: AccessEdgeKind): AccessGraphEdge | undefined {
  const found = edgesOf(graph, { from, to, kind });
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0];
}

function labelOf(graph: AccessGraph, id: string): string {
  const node = graph.nodes.find((n) => n.id === id);
  if (!node) {
    throw new Error(`no node ${id}`);
  }
  return node.label;
}

/** The ACCESS edges of a principal whose target label matches. */
function accessTo(graph: AccessGraph, from: string, label: RegExp): AccessGraphEdge[] {
  return edgesOf(graph, { from, kind: AccessEdgeKind.ACCESS }).filter((e) => label.test(labelOf(graph, e.to)));
}

/** Every action a principal has on any target by one kind of edge. */
function actionsOf(graph: AccessGraph, from: string, kind: AccessEdgeKind = AccessEdgeKind.ACCESS): string[] {
  return [...new Set(edgesOf(graph, { from, kind }).flatMap((e) => e.actions))].sort();
}

/** The sources of the ASSUME edges into a role. */
function assumers(graph: AccessGraph, role: string): string[] {
  return edgesOf(graph, { to: role, kind: AccessEdgeKind.ASSUME }).map((e) => e.from).sort();
}

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const trustOf = (principal: object, actions: string | string[] = 'sts:AssumeRole', condition?: object) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: actions, ...(condition ? { Condition: condition } : {}) }],
});

const policyOf = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements.map((s) => ({ Effect: 'Allow', ...s })) });

describe('cross-account-data-api: the Data API role in account B assumed from account A', () => {
  const { graph, stacks } = example('cross-account-data-api');
  const consumer = stacks[0] as ConsumerStack;
  const producer = stacks[1] as ProducerStack;
  const consumerRole = nodeId(consumer.fn.role!);
  const producerRole = nodeId(producer.dataApi);

  test('each role is a role node of its own stack (and account)', () => {
    expect(consumer.account).toEqual('111111111111');
    expect(producer.account).toEqual('222222222222');
    expect(consumerRole).toMatch(/^DataApiConsumer\/QueryRole/);
    expect(producerRole).toMatch(/^DataApiProducer\/DataApi/);
    expect(graph.nodes.find((n) => n.id === consumerRole)).toMatchObject({ kind: AccessNodeKind.ROLE, stack: 'DataApiConsumer' });
    expect(graph.nodes.find((n) => n.id === producerRole)).toMatchObject({ kind: AccessNodeKind.ROLE, stack: 'DataApiProducer' });
  });

  test('the consumer role may assume the producer role with the external id and the session name (trust)', () => {
    expect(edge(graph, consumerRole, producerRole, AccessEdgeKind.ASSUME)).toEqual({
      from: consumerRole,
      to: producerRole,
      kind: AccessEdgeKind.ASSUME,
      actions: ['sts:AssumeRole'],
      conditions: ['sts:ExternalId', 'sts:RoleSessionName'],
    });
  });

  test('the consumer role\'s identity policy allows sts:AssumeRole on the producer role (joined across accounts by role name)', () => {
    expect(edge(graph, consumerRole, producerRole, AccessEdgeKind.ACCESS)).toEqual({
      from: consumerRole, to: producerRole, kind: AccessEdgeKind.ACCESS, actions: ['sts:AssumeRole'], conditions: [],
    });
    // The join is by name: two accounts cannot export/import, the templates name each other's role by a literal ARN.
    const producerName = labelOf(graph, producerRole);
    const consumerName = labelOf(graph, consumerRole);
    expect(producerName).not.toEqual(logicalId(producer, producer.dataApi));
    const assembly = example('cross-account-data-api').app.synth();
    const consumerTemplate = JSON.stringify(assembly.getStackByName('DataApiConsumer').template);
    const producerTemplate = JSON.stringify(assembly.getStackByName('DataApiProducer').template);
    expect(consumerTemplate + producerTemplate).not.toContain('Fn::ImportValue');
    expect(consumerTemplate).toContain(`:iam::222222222222:role/${producerName}`);
    expect(producerTemplate).toContain(`:iam::111111111111:role/${consumerName}`);
    // ... and neither role is also shown as an outside principal.
    expect(graph.nodes.filter((n) => n.kind === AccessNodeKind.EXTERNAL_PRINCIPAL || n.kind === AccessNodeKind.ACCOUNT)).toEqual([]);
  });

  test('the producer role runs statements on its cluster in account B', () => {
    const onCluster = accessTo(graph, producerRole, new RegExp(`^arn:aws:redshift:${REGION}:222222222222:cluster:analytics$`));
    expect(onCluster).toHaveLength(1);
    expect(onCluster[0].actions).toEqual(['redshift-data:BatchExecuteStatement', 'redshift-data:ExecuteStatement']);
    expect(onCluster[0].conditions).toEqual([]);
  });

  test('the producer role gets credentials of its database user and database only, in account B (G10)', () => {
    const credentials = edgesOf(graph, { from: producerRole, kind: AccessEdgeKind.ACCESS })
      .filter((e) => e.actions.includes('redshift:GetClusterCredentials'))
      .map((e) => labelOf(graph, e.to).replace(new RegExp(`^arn:aws:redshift:${REGION}:`), ''))
      .sort();
    expect(credentials).toEqual(['222222222222:dbname:analytics/dev', '222222222222:dbuser:analytics/reporting']);
    for (const e of accessTo(graph, producerRole, /:db(user|name):/)) {
      expect(e.actions).toEqual(['redshift:GetClusterCredentials']);
    }
  });

  test('the producer role sees statements by owner only (the condition key is on the edge)', () => {
    const any = accessTo(graph, producerRole, /^\* \(every resource\)$/);
    expect(any).toHaveLength(1);
    expect(any[0].actions).toEqual([
      'redshift-data:CancelStatement', 'redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:ListStatements',
    ]);
    expect(any[0].conditions).toEqual(['redshift-data:statement-owner-iam-userid']);
  });

  test('denied: nobody but the consumer role may assume the producer role', () => {
    expect(assumers(graph, producerRole)).toEqual([consumerRole]);
    expect(edgesOf(graph, { to: producerRole }).map((e) => e.from)).toEqual([consumerRole, consumerRole]);
    // Not a third account, not account A as a whole, not a service.
    const json = graph.toJson();
    expect(json).not.toContain('333333333333');
    expect(graph.nodes.map((n) => n.id)).not.toContain('account:111111111111');
    expect(graph.nodes.map((n) => n.id)).not.toContain('account:333333333333');
    expect(edge(graph, 'service:lambda.amazonaws.com', producerRole, AccessEdgeKind.ASSUME)).toBeUndefined();
    // The consumer role is assumed by Lambda only.
    expect(assumers(graph, consumerRole)).toEqual(['service:lambda.amazonaws.com']);
  });

  test('denied: no Data API of the consumer\'s own, no other credentials for the producer, nothing in account A', () => {
    expect(actionsOf(graph, consumerRole)).toEqual(['sts:AssumeRole']);
    const producerActions = actionsOf(graph, producerRole);
    expect(producerActions).not.toContain('redshift:GetClusterCredentialsWithIAM');
    expect(producerActions).not.toContain('redshift:CreateClusterUser');
    expect(producerActions.filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
    expect(accessTo(graph, producerRole, /111111111111/)).toEqual([]);
    expect(accessTo(graph, producerRole, /dbuser:analytics\/admin|cluster:finance/)).toEqual([]);
  });
});

describe('athena-tip: Athena with trusted identity propagation', () => {
  const { graph, stacks } = example('athena-tip');
  const [data, wired] = stacks;
  const salesLocation = nodeId(data.node.findChild('SalesLocation'));
  const workGroup = data.node.findChild('AnalystsWorkGroup') as AthenaIdcWorkGroup;
  const executionRole = nodeId(workGroup.executionRole);
  const resultsLocationRole = nodeId((data.node.findChild('ResultsLocation') as AccessGrantsLocation).role);
  const dataLocationRole = nodeId((data.node.findChild('DataLocation') as AccessGrantsLocation).role);
  const tip = wired.node.findChild('Tip') as AthenaTrustedIdentityPropagation;
  const wiredExecutionRole = nodeId(tip.workGroup.executionRole);
  const wiredDataLocation = nodeId(tip.dataLocations[0]);
  const wiredResultsLocationRole = nodeId(tip.resultsLocation.role);

  test('Lake Formation may assume the context role and set context (G14)', () => {
    for (const role of [salesLocation, wiredDataLocation]) {
      expect(edge(graph, 'service:lakeformation.amazonaws.com', role, AccessEdgeKind.ASSUME)).toEqual({
        from: 'service:lakeformation.amazonaws.com', to: role, kind: AccessEdgeKind.ASSUME, actions: ['sts:AssumeRole', 'sts:SetContext'], conditions: [],
      });
    }
    expect(graph.nodes.find((n) => n.id === 'service:lakeformation.amazonaws.com')).toEqual({
      id: 'service:lakeformation.amazonaws.com', kind: AccessNodeKind.SERVICE, label: 'lakeformation.amazonaws.com',
    });
  });

  test('S3 Access Grants may assume the location roles, set the source identity and set context, for its instance only (G15)', () => {
    for (const role of [resultsLocationRole, dataLocationRole, wiredResultsLocationRole]) {
      expect(edge(graph, 'service:access-grants.s3.amazonaws.com', role, AccessEdgeKind.ASSUME)).toEqual({
        from: 'service:access-grants.s3.amazonaws.com',
        to: role,
        kind: AccessEdgeKind.ASSUME,
        actions: ['sts:AssumeRole', 'sts:SetContext', 'sts:SetSourceIdentity'],
        conditions: ['aws:SourceAccount', 'aws:SourceArn', 'sts:RequestContextProviders'],
      });
    }
  });

  test('Athena may assume the workgroup execution role and set context (G17)', () => {
    for (const role of [executionRole, wiredExecutionRole]) {
      expect(edge(graph, 'service:athena.amazonaws.com', role, AccessEdgeKind.ASSUME)).toEqual({
        from: 'service:athena.amazonaws.com', to: role, kind: AccessEdgeKind.ASSUME, actions: ['sts:AssumeRole', 'sts:SetContext'], conditions: [],
      });
    }
  });

  test('the IdC group is granted READWRITE on the results prefix by S3 Access Grants', () => {
    const grants = edgesOf(graph, { from: ANALYSTS_GROUP, kind: AccessEdgeKind.GRANT }).filter((e) => e.actions.includes('READWRITE'));
    expect(grants.map((e) => graph.nodes.find((n) => n.id === e.to)!.stack).sort()).toEqual(['AthenaTipData', 'AthenaTipWired']);
    for (const grant of grants) {
      expect(grant.actions).toEqual(['READWRITE']);
      expect(grant.conditions).toEqual([]);
      const target = graph.nodes.find((n) => n.id === grant.to)!;
      expect(target.kind).toEqual(AccessNodeKind.RESOURCE);
      expect(target.label).toMatch(/^Access Grant s3:\/\/.*\/athena-results\/\*$/);
      expect(target.label.endsWith('athena-results/*')).toBe(true);
    }
    expect(graph.nodes.find((n) => n.id === ANALYSTS_GROUP)).toEqual({
      id: ANALYSTS_GROUP, kind: AccessNodeKind.IDENTITY_CENTER_GROUP, label: 'IdC group 90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901',
    });
  });

  test('the IdC group is granted READ on the sales data prefix', () => {
    const reads = edgesOf(graph, { from: ANALYSTS_GROUP, kind: AccessEdgeKind.GRANT }).filter((e) => e.actions.includes('READ'));
    expect(reads).toHaveLength(1);
    expect(reads[0].actions).toEqual(['READ']);
    expect(labelOf(graph, reads[0].to)).toMatch(/^Access Grant s3:\/\/\{Data[^}]*\}\/warehouse\/sales\/\*$/);
  });

  test('the IdC group is granted SELECT and DESCRIBE on the Lake Formation tables', () => {
    for (const account of ['111111111111', '222222222222']) {
      const table = `lakeformation:${account}:sales.*`;
      expect(edge(graph, ANALYSTS_GROUP, table, AccessEdgeKind.GRANT)).toEqual({
        from: ANALYSTS_GROUP, to: table, kind: AccessEdgeKind.GRANT, actions: ['DESCRIBE', 'SELECT'], conditions: [],
      });
      expect(graph.nodes.find((n) => n.id === table)).toMatchObject({ kind: AccessNodeKind.RESOURCE, label: 'Lake Formation table sales.*' });
    }
  });

  test('the IdC group is assigned to the workgroups', () => {
    const assigned = edgesOf(graph, { from: ANALYSTS_GROUP, kind: AccessEdgeKind.GRANT }).filter((e) => e.actions.includes('assigned'));
    expect(assigned.map((e) => e.actions)).toEqual([['assigned'], ['assigned']]);
    expect(assigned.map((e) => labelOf(graph, e.to)).sort()).toEqual([
      expect.stringMatching(/^AthenaIdcWorkGroup AnalystsWorkGroup/),
      expect.stringMatching(/^AthenaIdcWorkGroup TipWorkGroup/),
    ]);
    expect(assigned.map((e) => e.to).sort()).toEqual([
      expect.stringMatching(/^AthenaTipData\/AnalystsWorkGroup[0-9A-F]{8}$/),
      expect.stringMatching(/^AthenaTipWired\/TipWorkGroup[0-9A-F]{8}$/),
    ]);
  });

  test('the execution role gets data credentials from its Access Grants instance and Lake Formation, and reads the catalog', () => {
    expect(accessTo(graph, executionRole, /^\{AccessGrants[^}]*\.AccessGrantsInstanceArn\}$/).map((e) => e.actions))
      .toEqual([['s3:GetAccessGrantsInstanceForPrefix', 's3:GetDataAccess']]);
    expect(accessTo(graph, executionRole, /^\* \(every resource\)$/).map((e) => e.actions)).toEqual([['lakeformation:GetDataAccess']]);
    expect(accessTo(graph, executionRole, /^\{Results[^}]*\.Arn\}$/).map((e) => e.actions)).toEqual([['s3:GetBucketLocation']]);
    const table = accessTo(graph, executionRole, /^arn:aws:glue:us-east-1:111111111111:table\//);
    expect(table).toHaveLength(1);
    expect(table[0].actions).toEqual(expect.arrayContaining(['glue:GetTable', 'glue:GetDatabase', 'glue:GetPartitions']));
    const prepared = accessTo(graph, executionRole, new RegExp(`:workgroup/${workGroup.workGroupName}$`));
    expect(prepared).toHaveLength(1);
    expect(prepared[0].actions).toEqual(expect.arrayContaining(['athena:GetPreparedStatement', 'athena:CreatePreparedStatement']));
  });

  test('denied: the execution role never reads or writes S3 data directly, nor writes the catalog, nor starts queries', () => {
    for (const role of [executionRole, wiredExecutionRole]) {
      const s3Targets = edgesOf(graph, { from: role, kind: AccessEdgeKind.ACCESS })
        .filter((e) => e.actions.some((a) => a.startsWith('s3:')))
        .map((e) => labelOf(graph, e.to));
      // A bucket ARN and the Access Grants instance, never an object ARN (bucket/key).
      for (const label of s3Targets) {
        expect(label).not.toMatch(/^(arn:aws:s3:::[^/]+|\{[^}]+\.Arn\})\/.+/);
      }
      const actions = actionsOf(graph, role);
      expect(actions.filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetAccessGrantsInstanceForPrefix', 's3:GetBucketLocation', 's3:GetDataAccess']);
      expect(actions.filter((a) => /^glue:(Create|Delete|Update|BatchCreate|BatchDelete)/.test(a))).toEqual([]);
      expect(actions).not.toContain('athena:StartQueryExecution');
    }
  });

  test('denied: each role is assumed by its one service only; no account or outside principal assumes any role', () => {
    expect(assumers(graph, executionRole)).toEqual(['service:athena.amazonaws.com']);
    expect(assumers(graph, salesLocation)).toEqual(['service:lakeformation.amazonaws.com']);
    expect(assumers(graph, resultsLocationRole)).toEqual(['service:access-grants.s3.amazonaws.com']);
    expect(assumers(graph, dataLocationRole)).toEqual(['service:access-grants.s3.amazonaws.com']);
    const sources = edgesOf(graph, { kind: AccessEdgeKind.ASSUME }).map((e) => graph.nodes.find((n) => n.id === e.from)!.kind);
    expect(new Set(sources)).toEqual(new Set([AccessNodeKind.SERVICE]));
    expect(graph.nodes.filter((n) => n.kind === AccessNodeKind.ACCOUNT || n.kind === AccessNodeKind.EXTERNAL_PRINCIPAL)).toEqual([]);
  });

  test('the read-only Lake Formation location reads its prefix and writes nothing', () => {
    expect(accessTo(graph, salesLocation, /^\{Data[^}]*\.Arn\}\/warehouse\/sales\/\*$/).map((e) => e.actions)).toEqual([['s3:GetObject']]);
    expect(accessTo(graph, salesLocation, /^\{Data[^}]*\.Arn\}$/)).toEqual([
      expect.objectContaining({ actions: ['s3:ListBucket'], conditions: ['s3:prefix'] }),
    ]);
    const actions = actionsOf(graph, salesLocation);
    expect(actions).not.toContain('s3:PutObject');
    expect(actions).not.toContain('s3:DeleteObject');
    // The read-only Access Grants location too.
    expect(actionsOf(graph, dataLocationRole).filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
    // The read-write results location writes under its prefix only, through the instance.
    const results = accessTo(graph, resultsLocationRole, /\/athena-results\/\*$/);
    expect(results).toHaveLength(1);
    expect(results[0].actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']));
    expect(results[0].conditions).toEqual(['aws:ResourceAccount', 's3:AccessGrantsInstanceArn']);
  });
});

describe('analytics-access-checks: S3 Access Grants written with L1 constructs', () => {
  const { graph, stacks } = example('analytics-access-checks');
  const role = 'HandWrittenGrants/LocationRole';

  test('S3 Access Grants may assume the location role, set the source identity and set context', () => {
    expect(stacks[0].node.path).toEqual('HandWrittenGrants');
    expect(edge(graph, 'service:access-grants.s3.amazonaws.com', role, AccessEdgeKind.ASSUME)).toEqual({
      from: 'service:access-grants.s3.amazonaws.com',
      to: role,
      kind: AccessEdgeKind.ASSUME,
      actions: ['sts:AssumeRole', 'sts:SetContext', 'sts:SetSourceIdentity'],
      conditions: ['aws:SourceAccount', 'aws:SourceArn', 'sts:RequestContextProviders'],
    });
    expect(assumers(graph, role)).toEqual(['service:access-grants.s3.amazonaws.com']);
  });

  test('the IdC group is granted READWRITE on every object under athena-results/ (G16)', () => {
    const target = 'HandWrittenGrants/Access Grant s3://athena-results-111111111111/athena-results/*';
    expect(edge(graph, ANALYSTS_GROUP, target, AccessEdgeKind.GRANT)).toEqual({
      from: ANALYSTS_GROUP, to: target, kind: AccessEdgeKind.GRANT, actions: ['READWRITE'], conditions: [],
    });
    expect(labelOf(graph, target).endsWith('athena-results/*')).toBe(true);
  });

  test('the location role may vend the results objects only through the instance', () => {
    const objects = 'arn:aws:s3:::athena-results-111111111111/athena-results/*';
    expect(edge(graph, role, objects, AccessEdgeKind.ACCESS)).toEqual({
      from: role,
      to: objects,
      kind: AccessEdgeKind.ACCESS,
      actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
      conditions: ['s3:AccessGrantsInstanceArn'],
    });
    // A literal ARN is not a resource of a stack.
    expect(graph.nodes.find((n) => n.id === objects)).toEqual({ id: objects, kind: AccessNodeKind.RESOURCE, label: objects });
    expect(edgesOf(graph, { from: role })).toHaveLength(1);
  });
});

describe('scheduled-query: Redshift scheduled queries', () => {
  const { graph, stacks } = example('scheduled-query');
  const [cluster, serverless] = stacks;
  const clusterRole = nodeId(cluster.node.findChild('Role'));
  const serverlessRole = nodeId(serverless.node.findChild('Role'));

  test('EventBridge may assume the scheduled query roles for rules of this account only (aws:SourceAccount, aws:SourceArn)', () => {
    for (const role of [clusterRole, serverlessRole]) {
      expect(edge(graph, 'service:events.amazonaws.com', role, AccessEdgeKind.ASSUME)).toEqual({
        from: 'service:events.amazonaws.com', to: role, kind: AccessEdgeKind.ASSUME, actions: ['sts:AssumeRole'], conditions: ['aws:SourceAccount', 'aws:SourceArn'],
      });
    }
  });

  test('Redshift, Redshift Serverless and the two named creators may assume the cluster role; nobody else', () => {
    expect(assumers(graph, clusterRole)).toEqual([
      'arn:aws:iam::111111111111:role/data-admin',
      'arn:aws:iam::111111111111:user/test-user',
      'service:events.amazonaws.com',
      'service:redshift-serverless.amazonaws.com',
      'service:redshift.amazonaws.com',
    ]);
    for (const creator of ['arn:aws:iam::111111111111:role/data-admin', 'arn:aws:iam::111111111111:user/test-user']) {
      expect(graph.nodes.find((n) => n.id === creator)).toEqual({ id: creator, kind: AccessNodeKind.EXTERNAL_PRINCIPAL, label: creator });
      expect(edge(graph, creator, clusterRole, AccessEdgeKind.ASSUME)?.actions).toEqual(['sts:AssumeRole']);
    }
    // Not the account as a whole, not another account's user of the same name.
    expect(edge(graph, 'account:111111111111', clusterRole, AccessEdgeKind.ASSUME)).toBeUndefined();
    expect(graph.toJson()).not.toContain('999999999999');
  });

  test('the Serverless role trusts the roles of a path of the account, by aws:PrincipalArn', () => {
    expect(edge(graph, 'account:111111111111', serverlessRole, AccessEdgeKind.ASSUME)).toEqual({
      from: 'account:111111111111', to: serverlessRole, kind: AccessEdgeKind.ASSUME, actions: ['sts:AssumeRole'], conditions: ['aws:PrincipalArn'],
    });
  });

  test('the cluster role runs statements on its cluster and gets credentials of awsuser in dev only', () => {
    expect(accessTo(graph, clusterRole, /:cluster:analytics$/).map((e) => e.actions))
      .toEqual([['redshift-data:BatchExecuteStatement', 'redshift-data:ExecuteStatement']]);
    const credentials = edgesOf(graph, { from: clusterRole, kind: AccessEdgeKind.ACCESS })
      .filter((e) => e.actions.includes('redshift:GetClusterCredentials'))
      .map((e) => labelOf(graph, e.to).replace(new RegExp(`^arn:aws:redshift:${REGION}:111111111111:`), ''))
      .sort();
    expect(credentials).toEqual(['dbname:analytics/dev', 'dbuser:analytics/awsuser']);
    expect(accessTo(graph, serverlessRole, /^\{Workgroup[^}]*\}$/).map((e) => e.actions))
      .toEqual([['redshift-data:BatchExecuteStatement', 'redshift-data:ExecuteStatement', 'redshift-serverless:GetCredentials']]);
  });

  test('denied: EventBridge, PassRole and SNS permissions are not analytics access', () => {
    const actions = graph.edges.filter((e) => e.kind === AccessEdgeKind.ACCESS).flatMap((e) => e.actions);
    expect(actions.filter((a) => /^(events|iam|sns|kms):/.test(a))).toEqual([]);
    const publisher = nodeId(cluster.node.children.find((c) => c.node.id.startsWith('ScheduledQueryNotify'))!);
    expect(assumers(graph, publisher)).toEqual(['service:events.amazonaws.com']);
    expect(edgesOf(graph, { from: publisher })).toEqual([]);
  });
});

describe('copy-unload: a role chain to a partner account', () => {
  const { graph, stacks } = example('copy-unload');
  const warehouse = stacks[0] as WarehouseStack;
  const partner = stacks[1] as PartnerStack;
  const copyRole = nodeId(warehouse.copyRole);
  const partnerRole = nodeId(partner.node.findChild('PartnerReadRole'));

  test('the COPY role may assume the partner role (trust and identity policy, joined across accounts)', () => {
    expect(edge(graph, copyRole, partnerRole, AccessEdgeKind.ASSUME)).toMatchObject({ actions: ['sts:AssumeRole'] });
    expect(edge(graph, copyRole, partnerRole, AccessEdgeKind.ACCESS)).toMatchObject({ actions: ['sts:AssumeRole'] });
    expect(assumers(graph, partnerRole)).toEqual([copyRole]);
    expect(assumers(graph, copyRole)).toEqual(['service:redshift-serverless.amazonaws.com', 'service:redshift.amazonaws.com']);
  });

  test('the COPY role reads incoming/, writes exports/ and scans the table', () => {
    expect(accessTo(graph, copyRole, /\/incoming\/\*$/).map((e) => e.actions)).toEqual([['s3:GetObject']]);
    expect(accessTo(graph, copyRole, /\/exports\/\*$/).map((e) => e.actions)).toEqual([['s3:PutObject']]);
    expect(accessTo(graph, copyRole, /^\{Orders[^}]*\.Arn\}$/).map((e) => e.actions)).toEqual([['dynamodb:DescribeTable', 'dynamodb:Scan']]);
  });
});

describe('redshift-idc: IdC groups assigned to the Redshift IdC applications', () => {
  const { graph } = example('redshift-idc');

  test('both groups are assigned to the Serverless application, the analysts to the cluster\'s', () => {
    const assigned = graph.edges.filter((e) => e.kind === AccessEdgeKind.GRANT).map((e) => `${e.from} ${e.actions.join(',')} ${e.to}`);
    expect(assigned).toEqual([
      `${ANALYSTS_GROUP} assigned RedshiftIdcCluster/Idc1647812C`,
      `${ANALYSTS_GROUP} assigned RedshiftIdcIdentityCenter/permission set QueryEditorAE2A6630 in account 111111111111`,
      `${ANALYSTS_GROUP} assigned RedshiftIdcServerless/Idc1647812C`,
      `${ENGINEERS_GROUP} assigned RedshiftIdcIdentityCenter/permission set QueryEditorAE2A6630 in account 111111111111`,
      `${ENGINEERS_GROUP} assigned RedshiftIdcServerless/Idc1647812C`,
    ]);
  });

  test('Redshift may assume the IdC role and set context', () => {
    expect(edge(graph, 'service:redshift.amazonaws.com', 'RedshiftIdcServerless/IdcRole2F42EFCE', AccessEdgeKind.ASSUME)?.actions)
      .toEqual(['sts:AssumeRole', 'sts:SetContext']);
  });
});

describe.each(Object.keys(EXAMPLES))('example %s: the graph', (name) => {
  test('only analytics actions (and sts:AssumeRole on a role of the app) are ACCESS actions; logs, lambda, sso never are', () => {
    const { graph } = example(name);
    for (const e of graph.edges) {
      expect(Object.values(AccessEdgeKind)).toContain(e.kind);
      expect(e.actions.length).toBeGreaterThan(0);
      if (e.kind === AccessEdgeKind.ACCESS) {
        for (const action of e.actions) {
          expect(action === 'sts:AssumeRole' || ANALYTICS_SERVICES.includes(action.split(':')[0])).toBe(true);
          expect(action).not.toMatch(/^(logs|lambda|sso|kms|iam|events|sns|ec2|elasticmapreduce):/);
        }
        if (e.actions.includes('sts:AssumeRole')) {
          expect(graph.nodes.find((n) => n.id === e.to)?.kind).toEqual(AccessNodeKind.ROLE);
        }
      }
      if (e.kind === AccessEdgeKind.ASSUME) {
        expect(e.actions.every((a) => a.startsWith('sts:'))).toBe(true);
        expect([AccessNodeKind.ROLE, AccessNodeKind.USER]).toContain(graph.nodes.find((n) => n.id === e.to)?.kind);
      }
    }
  });

  test('nodes are sorted by id and unique; edges sorted by source, target and kind; every edge joins two nodes', () => {
    const { graph } = example(name);
    const ids = graph.nodes.map((n) => n.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toEqual(ids.length);
    const keys = graph.edges.map((e) => `${e.from}\u0000${e.to}\u0000${e.kind}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toEqual(keys.length);
    for (const e of graph.edges) {
      expect(ids).toContain(e.from);
      expect(ids).toContain(e.to);
      expect(e.actions).toEqual([...new Set(e.actions)].sort());
      expect(e.conditions).toEqual([...new Set(e.conditions)].sort());
    }
    for (const n of graph.nodes) {
      expect(Object.values(AccessNodeKind)).toContain(n.kind);
      expect(n.label).not.toEqual('');
    }
  });

  test('two builds give identical JSON and Mermaid', () => {
    const { graph } = example(name);
    const app = new App();
    EXAMPLES[name](app);
    const again = AccessGraph.fromStage(app);
    expect(again.toJson()).toEqual(graph.toJson());
    expect(again.toMermaid()).toEqual(graph.toMermaid());
  });

  test('fromAssemblyDirectory on the synthesized directory gives the same nodes and edges', () => {
    const { app, graph } = example(name);
    const fromDirectory = AccessGraph.fromAssemblyDirectory(app.synth().directory);
    expect(fromDirectory.nodes).toEqual(graph.nodes);
    expect(fromDirectory.edges).toEqual(graph.edges);
    expect(fromDirectory.toMermaid()).toEqual(graph.toMermaid());
  });

  test('toJson is the nodes and edges', () => {
    const { graph } = example(name);
    const json = graph.toJson();
    expect(json.endsWith('\n')).toBe(true);
    expect(JSON.parse(json)).toEqual({ nodes: graph.nodes, edges: graph.edges });
  });

  test('Mermaid: a flowchart with one subgraph per stack, every node once, one line per edge with its arrow and label', () => {
    const { app, graph } = example(name);
    const text = graph.toMermaid();
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('undefined');
    const lines = text.trimEnd().split('\n');
    const subgraphs = lines.filter((l) => /^ {2}subgraph /.test(l)).map((l) => /^ {2}subgraph s\d+\["(.*)"\]$/.exec(l)![1]);
    const nodeStacks = [...new Set(graph.nodes.map((n) => n.stack).filter((s): s is string => s !== undefined))].sort();
    expect(subgraphs).toEqual(nodeStacks);
    expect(lines.filter((l) => l === '  end')).toHaveLength(subgraphs.length);
    const stackNames = app.synth().stacks.map((s) => s.displayName);
    for (const stack of subgraphs) {
      expect(stackNames).toContain(stack);
    }
    // Every node is declared once, with its position as its id, its label, inside its stack's subgraph or at the top.
    graph.nodes.forEach((node, index) => {
      const declared = lines.filter((l) => new RegExp(`^ +n${index}[[({/]`).test(l));
      expect(declared).toHaveLength(1);
      expect(declared[0].startsWith(node.stack ? `    n${index}` : `  n${index}`)).toBe(true);
      expect(declared[0]).toContain(`"${node.label.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`);
    });
    // One line per edge, in order, with the arrow of its kind and "+N more" past four actions.
    const edgeLines = lines.filter((l) => /^ {2}n\d+ (-->|-\.->|==>)/.test(l));
    expect(edgeLines).toHaveLength(graph.edges.length);
    const arrows: Record<string, string> = { assume: '-->', access: '-.->', grant: '==>' };
    graph.edges.forEach((e, i) => {
      const from = graph.nodes.findIndex((n) => n.id === e.from);
      const to = graph.nodes.findIndex((n) => n.id === e.to);
      expect(edgeLines[i].startsWith(`  n${from} ${arrows[e.kind]}|"`)).toBe(true);
      expect(edgeLines[i].endsWith(`"| n${to}`)).toBe(true);
      if (e.actions.length > 4) {
        expect(edgeLines[i]).toContain(` +${e.actions.length - 4} more`);
      } else {
        expect(edgeLines[i]).not.toMatch(/ \+\d+ more/);
      }
    });
  });
});

test('the example apps hold logs, sso and other non-analytics permissions that the graph leaves out', () => {
  const allowed = Object.keys(EXAMPLES).flatMap((name) => example(name).app.synth().stacks)
    .flatMap((s) => Object.values((s.template.Resources ?? {}) as Record<string, any>))
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => r.Properties.PolicyDocument.Statement)
    .flatMap((s: any) => [s.Action].flat() as string[]);
  expect(allowed.some((a) => a.startsWith('logs:'))).toBe(true);
  expect(allowed.some((a) => a.startsWith('sso:'))).toBe(true);
  expect(allowed.some((a) => a.startsWith('iam:'))).toBe(true);
  const shown = Object.keys(EXAMPLES).flatMap((name) => example(name).graph.edges).flatMap((e) => e.actions);
  expect(shown.filter((a) => /^(logs|lambda|sso|iam):/.test(a))).toEqual([]);
});

test('athena-tip Mermaid: more than four actions say "+N more", services and roles have their shapes', () => {
  const { graph } = example('athena-tip');
  const text = graph.toMermaid();
  const glue = graph.edges.find((e) => e.actions.length === 7 && e.actions[0] === 'glue:BatchGetPartition')!;
  expect(glue).toBeDefined();
  expect(text).toContain('|"glue:BatchGetPartition, glue:GetDatabase, glue:GetDatabases, glue:GetPartition +3 more"|');
  // sts: actions are shortened, conditions follow "if".
  expect(text).toContain('-->|"AssumeRole, SetContext, SetSourceIdentity if aws:SourceAccount, aws:SourceArn, sts:RequestContextProviders"|');
  const lakeFormation = graph.nodes.findIndex((n) => n.id === 'service:lakeformation.amazonaws.com');
  expect(text).toContain(`  n${lakeFormation}(["lakeformation.amazonaws.com"])\n`);
  const group = graph.nodes.findIndex((n) => n.id === ANALYSTS_GROUP);
  expect(text).toContain(`  n${group}{{"IdC group 90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901"}}\n`);
});

describe('hand-written templates', () => {
  const env = { account: '123456789012', region: 'us-east-1' };

  test('a role of stack A used in stack B through an export joins to the same node', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env });
    const b = new Stack(app, 'B', { env });
    const roleInA = new iam.Role(a, 'RoleInA', { assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com') });
    const roleInB = new iam.CfnRole(b, 'RoleInB', { assumeRolePolicyDocument: trustOf({ AWS: roleInA.roleArn }) });
    new iam.CfnPolicy(b, 'PolicyInB', {
      policyName: 'assume-a',
      roles: [roleInB.ref],
      policyDocument: policyOf({ Action: 'sts:AssumeRole', Resource: roleInA.roleArn }),
    });
    const graph = AccessGraph.fromStage(app);

    // The cross-stack reference is an export/import in the template.
    const templateB = JSON.stringify(app.synth().getStackByName('B').template);
    expect(templateB).toContain('Fn::ImportValue');
    const a1 = `A/${logicalId(a, roleInA)}`;
    expect(graph.nodes.filter((n) => n.kind === AccessNodeKind.ROLE).map((n) => n.id)).toEqual([a1, 'B/RoleInB']);
    expect(graph.edges).toEqual([
      { from: a1, to: 'B/RoleInB', kind: AccessEdgeKind.ASSUME, actions: ['sts:AssumeRole'], conditions: [] },
      { from: 'B/RoleInB', to: a1, kind: AccessEdgeKind.ACCESS, actions: ['sts:AssumeRole'], conditions: [] },
      { from: 'service:redshift.amazonaws.com', to: a1, kind: AccessEdgeKind.ASSUME, actions: ['sts:AssumeRole'], conditions: [] },
    ]);
    expect(graph.nodes.filter((n) => n.kind === AccessNodeKind.EXTERNAL_PRINCIPAL)).toEqual([]);
    // Also through the assembly directory.
    expect(AccessGraph.fromAssemblyDirectory(app.synth().directory).edges).toEqual(graph.edges);
  });

  test('a role named literally in another stack of the same account joins by its ARN; one of another account does not', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env });
    const b = new Stack(app, 'B', { env });
    new iam.CfnRole(a, 'Named', { roleName: 'reporting', path: '/analytics/', assumeRolePolicyDocument: trustOf({ Service: 'redshift.amazonaws.com' }) });
    new iam.CfnRole(b, 'Trusting', {
      assumeRolePolicyDocument: trustOf({ AWS: ['arn:aws:iam::123456789012:role/analytics/reporting', 'arn:aws:iam::999999999999:role/analytics/reporting'] }),
    });
    const graph = AccessGraph.fromStage(app);
    expect(assumers(graph, 'B/Trusting')).toEqual(['A/Named', 'arn:aws:iam::999999999999:role/analytics/reporting']);
    expect(labelOf(graph, 'A/Named')).toEqual('reporting');
    expect(graph.nodes.find((n) => n.id === 'arn:aws:iam::999999999999:role/analytics/reporting')?.kind).toEqual(AccessNodeKind.EXTERNAL_PRINCIPAL);
  });

  test('trust principals: services, accounts (id or root ARN), outside principals; Deny and non-sts actions are left out', () => {
    const app = new App();
    const stack = new Stack(app, 'Trusts', { env });
    new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: ['glue.amazonaws.com'] }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
          { Effect: 'Allow', Principal: { AWS: '444444444444' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } },
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::555555555555:root' }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::666666666666:user/alice' }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::777777777777:root' }, Action: 'sts:AssumeRole' },
        ],
      },
    });
    const graph = AccessGraph.fromStage(app);
    expect(graph.edges.map((e) => [e.from, e.kind, e.actions, e.conditions])).toEqual([
      ['account:444444444444', 'assume', ['sts:AssumeRole'], ['sts:ExternalId']],
      ['account:555555555555', 'assume', ['sts:AssumeRole'], []],
      ['arn:aws:iam::666666666666:user/alice', 'assume', ['sts:AssumeRole'], []],
      ['service:glue.amazonaws.com', 'assume', ['sts:AssumeRole', 'sts:TagSession'], []],
    ]);
    expect(graph.nodes.find((n) => n.id === 'account:444444444444')).toEqual({ id: 'account:444444444444', kind: AccessNodeKind.ACCOUNT, label: 'account 444444444444' });
    expect(graph.toJson()).not.toContain('777777777777');
  });

  test('identity policies: analytics actions only; logs, lambda, sso, iam and kms statements make no edge', () => {
    const app = new App();
    const stack = new Stack(app, 'Policies', { env });
    const role = new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: trustOf({ Service: 'lambda.amazonaws.com' }),
      policies: [{
        policyName: 'inline',
        policyDocument: policyOf(
          { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
          { Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f' },
          { Action: ['sso:CreateApplication', 'iam:PassRole', 'kms:Decrypt'], Resource: '*' },
          { Action: ['athena:GetWorkGroup', 'logs:PutLogEvents'], Resource: 'arn:aws:athena:us-east-1:123456789012:workgroup/primary' },
        ),
      }],
    });
    new iam.CfnPolicy(stack, 'Attached', {
      policyName: 'attached',
      roles: [role.ref],
      policyDocument: policyOf({ Action: 'dynamodb:Query', Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/t', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
    });
    const graph = AccessGraph.fromStage(app);
    expect(edgesOf(graph, { from: 'Policies/Role' })).toEqual([
      { from: 'Policies/Role', to: 'arn:aws:athena:us-east-1:123456789012:workgroup/primary', kind: AccessEdgeKind.ACCESS, actions: ['athena:GetWorkGroup'], conditions: [] },
      {
        from: 'Policies/Role',
        to: 'arn:aws:dynamodb:us-east-1:123456789012:table/t',
        kind: AccessEdgeKind.ACCESS,
        actions: ['dynamodb:Query'],
        conditions: ['aws:SecureTransport'],
      },
    ]);
    expect(graph.nodes.map((n) => n.id)).not.toContain('Policies:*');
  });

  test('a customer managed policy attached by ManagedPolicyArns or by Roles reaches its role', () => {
    const app = new App();
    const stack = new Stack(app, 'Managed', { env });
    const managed = new iam.CfnManagedPolicy(stack, 'ReadData', {
      policyDocument: policyOf({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }),
    });
    new iam.CfnRole(stack, 'Reader', { assumeRolePolicyDocument: trustOf({ Service: 'glue.amazonaws.com' }), managedPolicyArns: [managed.ref] });
    const other = new iam.CfnUser(stack, 'Other', {});
    new iam.CfnManagedPolicy(stack, 'ListData', {
      users: [other.ref],
      policyDocument: policyOf({ Action: 's3:ListBucket', Resource: 'arn:aws:s3:::data' }),
    });
    const graph = AccessGraph.fromStage(app);
    expect(graph.edges.filter((e) => e.kind === AccessEdgeKind.ACCESS).map((e) => `${e.from} ${e.actions} ${e.to}`)).toEqual([
      'Managed/Other s3:ListBucket arn:aws:s3:::data',
      'Managed/Reader s3:GetObject arn:aws:s3:::data/*',
    ]);
    expect(graph.nodes.find((n) => n.id === 'Managed/Other')?.kind).toEqual(AccessNodeKind.USER);
  });

  test('a Lake Formation grant to a role, an Access Grant to a role, and resources of nested stages', () => {
    const app = new App();
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Lake', { env });
    const role = new iam.CfnRole(stack, 'Analyst', { assumeRolePolicyDocument: trustOf({ Service: 'glue.amazonaws.com' }) });
    new lakeformation.CfnPrincipalPermissions(stack, 'Grant', {
      principal: { dataLakePrincipalIdentifier: role.attrArn },
      resource: { database: { catalogId: '123456789012', name: 'sales' } },
      permissions: ['DESCRIBE'],
      permissionsWithGrantOption: [],
    });
    new s3.CfnAccessGrant(stack, 'Access', {
      accessGrantsLocationId: 'default',
      grantee: { granteeType: 'IAM', granteeIdentifier: role.attrArn },
      permission: 'READ',
    });
    const graph = AccessGraph.fromStage(app);
    // The stack is named by the assembly's display name: "Prod/Lake (Prod-Lake)" (path and stack name).
    const displayName = app.synth().getNestedAssembly(stage.artifactId).getStackArtifact(stack.artifactId).displayName;
    expect(displayName.startsWith('Prod/Lake')).toBe(true);
    const analyst = `${displayName}/Analyst`;
    expect(graph.edges.filter((e) => e.kind === AccessEdgeKind.GRANT).map((e) => `${e.from} ${e.actions} ${labelOf(graph, e.to)}`)).toEqual([
      `${analyst} READ Access Grant location default`,
      `${analyst} DESCRIBE Lake Formation database sales`,
    ]);
    expect(graph.nodes.find((n) => n.id === analyst)).toEqual({ id: analyst, kind: AccessNodeKind.ROLE, label: 'Analyst', stack: displayName });
    expect(graph.nodes.find((n) => n.id === 'lakeformation:123456789012:sales')?.stack).toEqual(displayName);
    expect(graph.toMermaid()).toContain(`  subgraph s0["${displayName}"]\n`);
  });

  test('Mermaid escapes quotes and angle brackets in node and edge labels', () => {
    const app = new App();
    const stack = new Stack(app, 'Quotes', { env });
    new iam.CfnRole(stack, 'Role', {
      roleName: 'say-"hi"',
      assumeRolePolicyDocument: trustOf(
        { AWS: 'arn:aws:iam::123456789012:role/a"b<c>' },
        'sts:AssumeRole',
        { StringEquals: { 'aws:PrincipalTag/"team"<x>': 'bi' } },
      ),
    });
    const text = AccessGraph.fromStage(app).toMermaid();
    expect(text).toEqual([
      'flowchart LR',
      '  n1[/"arn:aws:iam::123456789012:role/a#quot;b#lt;c#gt;"/]',
      '  subgraph s0["Quotes"]',
      '    n0("say-#quot;hi#quot;")',
      '  end',
      '  n1 -->|"AssumeRole if aws:PrincipalTag/#quot;team#quot;#lt;x#gt;"| n0',
      '',
    ].join('\n'));
  });

  test('Mermaid: four actions are listed, a fifth and more say "+N more"', () => {
    const app = new App();
    const stack = new Stack(app, 'Many', { env });
    new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: trustOf({ Service: 'glue.amazonaws.com' }),
      policies: [{
        policyName: 'p',
        policyDocument: policyOf(
          { Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectAcl'], Resource: 'arn:aws:s3:::four/*' },
          { Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectAcl', 's3:PutObjectAcl', 's3:AbortMultipartUpload'], Resource: 'arn:aws:s3:::six/*' },
        ),
      }],
    });
    const text = AccessGraph.fromStage(app).toMermaid();
    expect(text).toContain('-.->|"s3:DeleteObject, s3:GetObject, s3:GetObjectAcl, s3:PutObject"| ');
    expect(text).toContain('-.->|"s3:AbortMultipartUpload, s3:DeleteObject, s3:GetObject, s3:GetObjectAcl +2 more"| ');
    expect(text.match(/more/g)).toHaveLength(1);
  });

  test('an empty app gives an empty graph', () => {
    const app = new App();
    new Stack(app, 'Empty', { env });
    const graph = AccessGraph.fromStage(app);
    expect(graph.nodes).toEqual([]);
    expect(graph.edges).toEqual([]);
    expect(graph.toMermaid()).toEqual('flowchart LR\n');
    expect(JSON.parse(graph.toJson())).toEqual({ nodes: [], edges: [] });
  });

  // A value imported from another stack belongs to the exporting stack: one node for both.
  test('a resource of stack A used in stack B through an export joins to the same node', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env });
    const b = new Stack(app, 'B', { env });
    const bucket = new s3.CfnBucket(a, 'Bucket');
    const objects = Fn.join('', [bucket.attrArn, '/*']);
    new iam.CfnRole(a, 'ReaderA', {
      assumeRolePolicyDocument: trustOf({ Service: 'glue.amazonaws.com' }),
      policies: [{ policyName: 'p', policyDocument: policyOf({ Action: 's3:GetObject', Resource: objects }) }],
    });
    new iam.CfnRole(b, 'ReaderB', {
      assumeRolePolicyDocument: trustOf({ Service: 'glue.amazonaws.com' }),
      policies: [{ policyName: 'p', policyDocument: policyOf({ Action: 's3:GetObject', Resource: objects }) }],
    });
    const graph = AccessGraph.fromStage(app);
    const targets = graph.edges.filter((e) => e.kind === AccessEdgeKind.ACCESS).map((e) => e.to);
    expect(targets).toHaveLength(2);
    expect(targets[0]).toEqual(targets[1]);
  });

  // Groups are not nodes: a managed policy attached to a group makes no edge from nowhere.
  test('every edge joins two nodes when a managed policy is attached to an IAM group', () => {
    const app = new App();
    const stack = new Stack(app, 'Groups', { env });
    const managed = new iam.CfnManagedPolicy(stack, 'ReadData', {
      policyDocument: policyOf({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }),
    });
    new iam.CfnGroup(stack, 'Analysts', { managedPolicyArns: [managed.ref] });
    const graph = AccessGraph.fromStage(app);
    const ids = graph.nodes.map((n) => n.id);
    for (const e of graph.edges) {
      expect(ids).toContain(e.from);
      expect(ids).toContain(e.to);
    }
    expect(graph.toMermaid()).not.toContain('undefined');
  });
});

describe('AccessGraph.fromAssemblyDirectory errors', () => {
  const hint = 'give the cloud assembly directory that cdk synth writes (cdk.out)';
  let root: string;
  beforeAll(() => {
    root = tmpDir('access-graph-errors-');
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('a missing path', () => {
    const missing = path.join(root, 'does-not-exist');
    expect(() => AccessGraph.fromAssemblyDirectory(missing)).toThrow(`${missing} is not a directory: ${hint}.`);
  });

  test('a file instead of a directory', () => {
    const file = path.join(root, 'manifest-file.json');
    fs.writeFileSync(file, '{}');
    expect(() => AccessGraph.fromAssemblyDirectory(file)).toThrow(`${file} is not a directory: ${hint}.`);
  });

  test('a directory without manifest.json', () => {
    const dir = path.join(root, 'empty');
    fs.mkdirSync(dir);
    expect(() => AccessGraph.fromAssemblyDirectory(dir)).toThrow(`${dir} has no manifest.json: ${hint}.`);
  });

  test('a manifest.json with invalid JSON names the path and says it is not a readable cloud assembly', () => {
    const dir = path.join(root, 'invalid-json');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{ not json');
    expect(() => AccessGraph.fromAssemblyDirectory(dir)).toThrow(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a readable cloud assembly \\(`));
  });

  // Every directory error says what to give.
  test('a manifest.json with invalid JSON also says to give the cdk.out directory', () => {
    const dir = path.join(root, 'invalid-json-hint');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{ not json');
    expect(() => AccessGraph.fromAssemblyDirectory(dir)).toThrow(hint);
  });
});

describe('DOT and SVG', () => {
  const crossAccount = () => {
    const app = new App();
    buildCrossAccountDataApiApp(app);
    return AccessGraph.fromStage(app);
  };

  test('DOT has one cluster per stack with nodes, every node and edge, and escapes quotes', () => {
    const graph = crossAccount();
    const dot = graph.toDot();
    expect(dot.startsWith('digraph access {\n  rankdir=LR;')).toBe(true);
    const stacks = new Set(graph.nodes.map((n) => n.stack).filter((s) => s !== undefined));
    expect(dot.match(/subgraph cluster_\d+ \{/g)).toHaveLength(stacks.size);
    expect(dot.match(/^\s+n\d+ \[label=/gm)).toHaveLength(graph.nodes.length);
    expect(dot.match(/ -> /g)).toHaveLength(graph.edges.length);
    expect(dot).not.toMatch(/[^\\]"[^,\]\n;]*"[^,\];\n]/);
  });

  test('the SVG shows every node label and is the same for the same graph', async () => {
    const graph = crossAccount();
    const svg = await graph.toSvg();
    const [, width, height] = /<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg)!;
    expect(Number(width)).toBeGreaterThan(200);
    expect(Number(height)).toBeGreaterThan(50);
    for (const node of graph.nodes) {
      // Graphviz writes "-" as &#45; in SVG text.
      const shown = node.label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/-/g, '&#45;');
      expect(svg).toContain(`>${shown}</text>`);
    }
    expect(await crossAccount().toSvg()).toEqual(svg);
  });
});

describe('Lake Formation data locations', () => {
  test('athena-tip: the context role is the one the sales location is registered with', () => {
    const { graph } = example('athena-tip');
    const registered = graph.edges.filter((e) => e.kind === AccessEdgeKind.GRANT && labelOf(graph, e.to).startsWith('Lake Formation location '));
    expect(registered.map((e) => `${labelOf(graph, e.from)} ${e.actions.join(',')} ${labelOf(graph, e.to)}`)).toEqual([
      'SalesLocation1594E6E7 registered with this role Lake Formation location {Data666C94C7.Arn}/warehouse/sales',
      'TipDataLocation1FB469C34 registered with this role Lake Formation location {Data666C94C7.Arn}/warehouse',
    ]);
  });

  test('a location registered with the service-linked role is drawn from the Lake Formation service', () => {
    const app = new App();
    const stack = new Stack(app, 'Lake', { env: { account: '111111111111', region: 'us-east-1' } });
    new lakeformation.CfnResource(stack, 'Location', { resourceArn: 'arn:aws:s3:::data/warehouse', useServiceLinkedRole: true });
    const graph = AccessGraph.fromStage(app);
    expect(graph.edges).toEqual([{
      from: 'service:lakeformation.amazonaws.com',
      to: 'Lake/Lake Formation location arn:aws:s3:::data/warehouse',
      kind: AccessEdgeKind.GRANT,
      actions: ['registered with the service-linked role'],
      conditions: [],
    }]);
  });
});
