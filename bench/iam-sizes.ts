/**
 * Benchmark 4 of issue 8, "IAM document sizes": for each construct's role, the trust policy and the inline
 * policies in the characters IAM counts (the document without whitespace), against IAM's quotas, at the
 * default settings and with N = 10, 50 and 200 of the thing a user adds many of.
 *
 * Each setting is built in a fresh App and stack, synthesized, and the role's documents are taken from the
 * template: its AssumeRolePolicyDocument, its own Policies and the AWS::IAM::Policy resources attached to it
 * (IAM counts both as inline), and the customer-managed policies attached to it. Intrinsics are resolved to
 * concrete values by the access-matrix resolver of the tests (test/access-matrix.ts, which throws on an
 * intrinsic it does not know), after CloudFormation-generated names have been filled in as CloudFormation
 * makes them, so the counts are those of the documents IAM would store.
 */
import { createHash } from 'crypto';
import { App, Duration, PhysicalName, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rs from 'aws-cdk-lib/aws-redshiftserverless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import {
  AccessGrantee, AccessGrantPermission, AccessGrantsInstance, AccessGrantsLocation, AthenaIdcWorkGroup, AthenaTrustedIdentityPropagation,
  CrossAccountDataApiRole, DataApiAuth, DatabaseGrant, EmrIdcStudio, LakeFormationContextRole, LakeFormationIdentityCenter,
  LakeFormationResource, LakeFormationSettings, RedshiftDataAccessRole, RedshiftIdcApplication, RedshiftRoleAssociation, RedshiftSql,
  RedshiftTarget, ScheduledQuery, ScheduledQueryRole, ScheduledQueryRoleProps, ServiceTrust, SessionAction,
} from '../src';
import { AccessMatrix } from '../test/access-matrix';

/** One role (or policy) of one construct at one setting. */
export interface IamSizeRow {
  /** The construct, e.g. 'ScheduledQueryRole'. */
  readonly construct: string;
  /** Which role of the construct, e.g. 'the role' / 'Redshift SQL handler role' / 'Access Grants location role'. */
  readonly role: string;
  /** 'defaults' or e.g. 'N = 50 named creators (roles of this account)'. */
  readonly setting: string;
  /** N, for the settings that have one. */
  readonly n?: number;
  /** The trust policy; undefined when refused (or for a policy that is not a role). */
  readonly trustChars?: number;
  /** The largest inline policy of the role (0 when it has none). */
  readonly largestInlineChars?: number;
  /** All inline policies of the role, the AWS::IAM::Policy resources attached to it included (IAM counts those as inline). */
  readonly inlineTotalChars?: number;
  /** The largest customer-managed policy attached, if any. */
  readonly managedChars?: number;
  /**
   * How many customer-managed policies are attached to the role: CDK moves what does not fit in a role's
   * DefaultPolicy into OverflowPolicy managed policies, and a role may have 10 (20 after a quota increase).
   */
  readonly managedPolicyCount?: number;
  /** The synth-time error message when the construct refuses the setting (e.g. gotcha G19 checks). */
  readonly refused?: string;
}

/** IAM's quotas, in characters other than whitespace. */
export const IAM_LIMITS = {
  /** Role trust policy, default quota (it can be raised to 4,096 in Service Quotas). */
  trust: 2048,
  /** All inline policies of one role together. */
  inlineTotal: 10240,
  /** One customer-managed policy. */
  managed: 6144,
  /** Managed policies attached to one role, default quota (at most 20). */
  managedPerRole: 10,
} as const;

/** The values of N. */
export const N_VALUES: readonly number[] = [10, 50, 200];

/** The account, Region and stack name every setting is built in. */
export const BENCH_ENV = { account: '111111111111', region: 'us-east-1' } as const;
export const BENCH_STACK_NAME = 'AnalyticsAccessBench';

/** How the sizes were counted, one line for RESULTS.md. */
export const IAM_SIZES_NOTE = 'Characters as IAM counts them (the stored JSON without whitespace), after the intrinsics of the synthesized template were '
  + 'resolved to concrete values (account 111111111111, us-east-1, partition aws) by the AccessMatrix resolver of test/access-matrix.ts, '
  + 'with CloudFormation-generated names filled in as CloudFormation makes them (`<stack>-<logical id>-<13 characters>`, at most 64 for roles); '
  + 'default feature flags (no @aws-cdk/aws-iam:minimizePolicies). "over" marks a value above its limit; a refused setting failed at synth time.';

// ---------------------------------------------------------------------------------------------------------------------
// Counting

/**
 * The size IAM counts for a policy document: its JSON without whitespace. A string is taken as the stored text
 * (pretty-printed or not); any other value is serialized first. The document must hold no intrinsics.
 */
export function iamPolicyChars(document: unknown): number {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  if (text === undefined) {
    throw new Error('iamPolicyChars: no document');
  }
  return text.replace(/\s/g, '').length;
}

/** The sizes of one role of a synthesized template. */
export interface RoleSizes {
  readonly trustChars: number;
  readonly largestInlineChars: number;
  readonly inlineTotalChars: number;
  readonly managedChars?: number;
  readonly managedPolicyCount: number;
}

/**
 * A synthesized template whose policy documents can be counted: intrinsics are resolved by AccessMatrix, with
 * CloudFormation-generated names filled in first.
 */
export class SizedTemplate {
  private readonly resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  private readonly matrix: AccessMatrix;

  constructor(template: Record<string, any>, stackName: string = BENCH_STACK_NAME) {
    const copy = withGeneratedNames(JSON.parse(JSON.stringify(template)), stackName);
    this.resources = copy.Resources ?? {};
    this.matrix = AccessMatrix.fromTemplate(copy, { account: BENCH_ENV.account, region: BENCH_ENV.region, stackName });
  }

  /** The IAM size of a document of this template, intrinsics resolved. */
  public documentChars(document: unknown): number {
    const resolved = this.matrix.resolve(document);
    const text = JSON.stringify(resolved);
    if (/"(Ref|Fn::[A-Za-z]+)"/.test(text)) {
      throw new Error(`SizedTemplate: unresolved intrinsic left in ${text.slice(0, 200)}`);
    }
    return iamPolicyChars(resolved);
  }

  /** The trust policy, the inline policies (own and attached AWS::IAM::Policy) and the attached customer-managed policies of a role. */
  public roleSizes(roleLogicalId: string): RoleSizes {
    const role = this.resources[roleLogicalId];
    if (role?.Type !== 'AWS::IAM::Role') {
      throw new Error(`SizedTemplate: ${roleLogicalId} is not an AWS::IAM::Role of the template`);
    }
    const props = role.Properties ?? {};
    const refersToRole = (list: unknown) => Array.isArray(list) && list.some((r) => isRefTo(r, roleLogicalId));

    const inline: number[] = [];
    for (const policy of (props.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []) {
      inline.push(this.documentChars(policy.PolicyDocument));
    }
    const managed: number[] = [];
    const attachedManaged = new Set<string>();
    for (const arn of (props.ManagedPolicyArns as unknown[] | undefined) ?? []) {
      const id = refTarget(arn);
      if (id !== undefined && this.resources[id]?.Type === 'AWS::IAM::ManagedPolicy') {
        attachedManaged.add(id);
      }
    }
    for (const [id, resource] of Object.entries(this.resources)) {
      if (resource.Type === 'AWS::IAM::Policy' && refersToRole(resource.Properties?.Roles)) {
        inline.push(this.documentChars(resource.Properties!.PolicyDocument));
      }
      if (resource.Type === 'AWS::IAM::ManagedPolicy' && refersToRole(resource.Properties?.Roles)) {
        attachedManaged.add(id);
      }
    }
    for (const id of [...attachedManaged].sort()) {
      managed.push(this.managedPolicyChars(id));
    }
    return {
      trustChars: this.documentChars(props.AssumeRolePolicyDocument),
      largestInlineChars: Math.max(0, ...inline),
      inlineTotalChars: inline.reduce((a, b) => a + b, 0),
      managedChars: managed.length > 0 ? Math.max(...managed) : undefined,
      managedPolicyCount: managed.length,
    };
  }

  /** The document of a customer-managed policy of the template. */
  public managedPolicyChars(logicalId: string): number {
    const policy = this.resources[logicalId];
    if (policy?.Type !== 'AWS::IAM::ManagedPolicy') {
      throw new Error(`SizedTemplate: ${logicalId} is not an AWS::IAM::ManagedPolicy of the template`);
    }
    return this.documentChars(policy.Properties!.PolicyDocument);
  }
}

function refTarget(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof (value as { Ref: unknown }).Ref === 'string') {
      return (value as { Ref: string }).Ref;
    }
  }
  return undefined;
}

function isRefTo(value: unknown, logicalId: string): boolean {
  return refTarget(value) === logicalId;
}

/** Resource types whose name CloudFormation generates when the template gives none: name property, maximum length, lower case. */
const GENERATED_NAMES: Record<string, { property: string; max: number; lower?: boolean }> = {
  'AWS::IAM::Role': { property: 'RoleName', max: 64 },
  'AWS::IAM::ManagedPolicy': { property: 'ManagedPolicyName', max: 128 },
  'AWS::IAM::User': { property: 'UserName', max: 64 },
  'AWS::S3::Bucket': { property: 'BucketName', max: 63, lower: true },
  'AWS::Lambda::Function': { property: 'FunctionName', max: 64 },
  'AWS::Logs::LogGroup': { property: 'LogGroupName', max: 512 },
  'AWS::SNS::Topic': { property: 'TopicName', max: 256 },
  'AWS::SQS::Queue': { property: 'QueueName', max: 80 },
  'AWS::DynamoDB::Table': { property: 'TableName', max: 255 },
};

/**
 * Fill in the names CloudFormation would generate, `<stack name>-<logical id>-<13 random characters>` cut to
 * the type's maximum (the random part kept), deterministic here. The resolver alone would use
 * `<stack name>-<logical id>`, 14 characters shorter than the deployed ARNs.
 */
function withGeneratedNames(template: Record<string, any>, stackName: string): Record<string, any> {
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    const rule = GENERATED_NAMES[resource.Type];
    if (!rule) {
      continue;
    }
    resource.Properties = resource.Properties ?? {};
    if (resource.Properties[rule.property] !== undefined) {
      continue;
    }
    const suffix = createHash('sha256').update(`${stackName}/${id}`).digest('hex').slice(0, 13).toUpperCase();
    const name = `${`${stackName}-${id}`.slice(0, rule.max - suffix.length - 1)}-${suffix}`;
    resource.Properties[rule.property] = rule.lower ? name.toLowerCase() : name;
  }
  return template;
}

// ---------------------------------------------------------------------------------------------------------------------
// Settings

/** What one setting measures: a role, several roles (the largest value of each column), or a managed policy. */
interface Measured {
  readonly role: string;
  readonly of: IConstruct | IConstruct[];
  readonly managedPolicy?: boolean;
}

/** A thing a user adds many of. */
interface Dimension {
  /** The setting for N, e.g. `N = ${n} named creators (roles of this account)`. */
  readonly setting: (n: number) => string;
  /** The roles reported, in order; a refused setting gets one row for each. */
  readonly roles: string[];
  readonly build: (stack: Stack, n: number) => Measured[];
}

interface Scenario {
  readonly construct: string;
  /** The roles reported at the default settings, in order. */
  readonly roles: string[];
  readonly defaults: (stack: Stack) => Measured[];
  readonly dimensions: Dimension[];
}

const IDC_INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const ADMIN_SECRET_ARN = (cluster: string) => `arn:aws:secretsmanager:us-east-1:${BENCH_ENV.account}:secret:redshift!${cluster}-admin-AbCdEf`;
const pad = (i: number) => String(i).padStart(3, '0');
/** An identity store group id (10 hex digits, "-", a UUID), distinct for each i. */
const groupId = (i: number) => `90677d4a4c-${i.toString(16).padStart(8, '0')}-5f60-7182-93a4-b5c6d7e8f901`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const importedCluster = (name = 'analytics') => RedshiftTarget.fromClusterAttributes({ clusterIdentifier: name });

function serverlessTarget(stack: Stack): RedshiftTarget {
  const namespace = new rs.CfnNamespace(stack, 'Namespace', { namespaceName: 'sales', dbName: 'dev' });
  const workgroup = new rs.CfnWorkgroup(stack, 'Workgroup', { workgroupName: 'sales-wg', namespaceName: 'sales' });
  workgroup.addResourceDependency(namespace);
  return RedshiftTarget.serverless({ namespace, workgroup });
}

const adminSecret = (stack: Stack, cluster: string) =>
  secretsmanager.Secret.fromSecretCompleteArn(stack, `AdminSecret-${cluster}`, ADMIN_SECRET_ARN(cluster));

type CreatorProps = Pick<ScheduledQueryRoleProps, 'creators' | 'creatorRolePath' | 'creatorTag'>;

function scheduledQueryRole(stack: Stack, creators: CreatorProps = {}): ScheduledQueryRole {
  return new ScheduledQueryRole(stack, 'Role', { target: importedCluster(), auth: DataApiAuth.temporaryCredentials('awsuser'), ...creators });
}

/** The per-stack custom-resource handler role of a kind (StackProvider). */
function handlerRole(stack: Stack, providerId: string): IConstruct {
  return stack.node.findChild(providerId).node.findChild('Role');
}
const REDSHIFT_SQL_HANDLER = 'CdkAnalyticsAccessRedshiftSqlProvider';
const ROLE_ASSOCIATION_HANDLER = 'CdkAnalyticsAccessRoleAssociationProvider';
const ATHENA_HANDLER = 'CdkAnalyticsAccessAthenaIdcWorkGroupProvider';
const LF_SETTINGS_HANDLER = 'CdkAnalyticsAccessLakeFormationSettingsProvider';
const LF_IDC_HANDLER = 'CdkAnalyticsAccessLakeFormationIdentityCenterProvider';

/** A CrossAccountDataApiRole trusting roles of a consumer stack in account 222222222222, named as the construct's docs say (generated physical names). */
function consumerRoles(stack: Stack, n: number): iam.IRole[] {
  const consumerStack = new Stack(stack.node.root, 'DataApiConsumer', { env: { account: '222222222222', region: BENCH_ENV.region } });
  return range(n).map((i) => new iam.Role(consumerStack, `ReportingConsumer${pad(i)}`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    roleName: PhysicalName.GENERATE_IF_NEEDED,
  }));
}

function resultsLocation(stack: Stack, id = 'ResultsLocation'): AccessGrantsLocation {
  const instance = (stack.node.tryFindChild('AccessGrants') as AccessGrantsInstance | undefined)
    ?? new AccessGrantsInstance(stack, 'AccessGrants', { identityCenterArn: IDC_INSTANCE_ARN });
  const bucket = (stack.node.tryFindChild('Results') as s3.IBucket | undefined) ?? new s3.Bucket(stack, 'Results');
  return new AccessGrantsLocation(stack, id, { instance, bucket, prefix: 'athena-results/' });
}

function existingVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'ExistingVpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1c2d3e4f5a60718'],
  });
}

const workGroupArn = (i: number) => `arn:aws:athena:us-east-1:${BENCH_ENV.account}:workgroup/analysts-${pad(i)}`;

function emrStudio(stack: Stack, options: { workGroups?: number; groups?: number } = {}): EmrIdcStudio {
  const studio = new EmrIdcStudio(stack, 'Studio', {
    identityCenterInstanceArn: IDC_INSTANCE_ARN,
    vpc: existingVpc(stack),
    workspaceBucket: new s3.Bucket(stack, 'Workspaces'),
    groupNames: range(options.groups ?? 1).map((i) => (options.groups === undefined ? 'analysts' : `analysts-${pad(i)}`)),
  });
  for (const i of range(options.workGroups ?? 1)) {
    studio.grantAthenaQueries(workGroupArn(i));
  }
  return studio;
}

const EMR_ROLES = ['service role', 'user role', 'session policy (customer-managed, not attached)'];
const emrMeasured = (studio: EmrIdcStudio): Measured[] => [
  { role: EMR_ROLES[0], of: studio.serviceRole },
  { role: EMR_ROLES[1], of: studio.userRole },
  { role: EMR_ROLES[2], of: studio.sessionPolicy as iam.ManagedPolicy, managedPolicy: true },
];

function tip(stack: Stack, groups: number): AthenaTrustedIdentityPropagation {
  return new AthenaTrustedIdentityPropagation(stack, 'Tip', {
    identityCenterInstanceArn: IDC_INSTANCE_ARN,
    dataLocations: [{ bucket: new s3.Bucket(stack, 'Data'), prefix: 'warehouse/' }],
    resultsBucket: new s3.Bucket(stack, 'Results'),
    groups: range(groups).map((i) => ({
      groupId: groupId(i),
      displayName: groups === 1 ? 'analysts' : `analysts-${pad(i)}`,
      resources: [LakeFormationResource.allTables(groups === 1 ? 'sales' : `sales_${pad(i)}`)],
    })),
    studio: { vpc: existingVpc(stack), workspaceBucket: new s3.Bucket(stack, 'Workspaces') },
  });
}

const TIP_ROLES = [
  'Lake Formation data location role', 'Access Grants results location role', 'Athena workgroup execution role', 'Athena workgroup handler role',
  'Lake Formation settings handler role', 'Lake Formation IdC handler role', 'EMR Studio service role', 'EMR Studio user role',
  'EMR Studio session policy (customer-managed, not attached)',
];
function tipMeasured(stack: Stack, t: AthenaTrustedIdentityPropagation): Measured[] {
  return [
    { role: TIP_ROLES[0], of: t.dataLocations[0] },
    { role: TIP_ROLES[1], of: t.resultsLocation.role },
    { role: TIP_ROLES[2], of: t.workGroup.executionRole },
    { role: TIP_ROLES[3], of: handlerRole(stack, ATHENA_HANDLER) },
    { role: TIP_ROLES[4], of: handlerRole(stack, LF_SETTINGS_HANDLER) },
    { role: TIP_ROLES[5], of: handlerRole(stack, LF_IDC_HANDLER) },
    { role: TIP_ROLES[6], of: t.studio!.serviceRole },
    { role: TIP_ROLES[7], of: t.studio!.userRole },
    { role: TIP_ROLES[8], of: t.studio!.sessionPolicy as iam.ManagedPolicy, managedPolicy: true },
  ];
}

function redshiftIdc(stack: Stack, groups: number): RedshiftIdcApplication {
  return new RedshiftIdcApplication(stack, 'Idc', {
    target: importedCluster('reporting'),
    idcInstanceArn: IDC_INSTANCE_ARN,
    applicationName: 'reporting-idc',
    sqlAuth: DataApiAuth.secret(adminSecret(stack, 'reporting')),
    groups: range(groups).map((i) => ({ groupId: groupId(i), groupName: `analysts ${pad(i)}`, grants: [DatabaseGrant.readSchema(`reports_${pad(i)}`)] })),
  });
}
const IDC_ROLES = ['IdC application role', 'Redshift SQL handler role', 'role-association handler role'];
const idcMeasured = (stack: Stack, idc: RedshiftIdcApplication): Measured[] => [
  { role: IDC_ROLES[0], of: idc.role },
  { role: IDC_ROLES[1], of: handlerRole(stack, REDSHIFT_SQL_HANDLER) },
  { role: IDC_ROLES[2], of: handlerRole(stack, ROLE_ASSOCIATION_HANDLER) },
];

function athenaWorkGroup(stack: Stack, id: string, location: AccessGrantsLocation, groups = 0): AthenaIdcWorkGroup {
  return new AthenaIdcWorkGroup(stack, id, {
    identityCenterInstanceArn: IDC_INSTANCE_ARN,
    resultsLocation: location,
    groupIds: range(groups).map(groupId),
  });
}

function scheduledQueries(stack: Stack, n: number): Measured[] {
  const role = scheduledQueryRole(stack);
  const topic = new sns.Topic(stack, 'Alerts');
  for (const i of range(n)) {
    new ScheduledQuery(stack, `Query${pad(i)}`, {
      role,
      scheduleName: `nightly-rollup-${pad(i)}`,
      schedule: events.Schedule.rate(Duration.days(1)),
      sql: [`call refresh_rollup_${pad(i)}()`],
      notify: topic,
    });
  }
  const publisher = stack.node.children.find((c) => c.node.id.startsWith('ScheduledQueryNotify'))!;
  return [{ role: 'notification publisher role', of: publisher }, { role: 'the ScheduledQueryRole it runs with', of: role }];
}

/** Every construct of the library that creates IAM roles, with the things a user adds many of. */
const SCENARIOS: Scenario[] = [
  {
    construct: 'ScheduledQueryRole',
    roles: ['the role'],
    defaults: (stack) => [{ role: 'the role', of: scheduledQueryRole(stack) }],
    dimensions: [
      {
        setting: (n) => `N = ${n} named creators (roles of this account)`,
        roles: ['the role'],
        build: (stack, n) => [{
          role: 'the role',
          of: scheduledQueryRole(stack, {
            creators: range(n).map((i) => iam.Role.fromRoleArn(stack, `Creator${pad(i)}`,
              `arn:aws:iam::${BENCH_ENV.account}:role/analytics-creator-${pad(i)}`, { mutable: false })),
          }),
        }],
      },
      {
        setting: (n) => `N = ${n} named creators (roles of ${n} other accounts)`,
        roles: ['the role'],
        build: (stack, n) => [{
          role: 'the role',
          of: scheduledQueryRole(stack, {
            creators: range(n).map((i) => iam.Role.fromRoleArn(stack, `Creator${pad(i)}`,
              `arn:aws:iam::${200000000000 + i}:role/analytics-creator-${pad(i)}`, { mutable: false })),
          }),
        }],
      },
      {
        setting: (n) => `N = ${n} creator accounts (account principals)`,
        roles: ['the role'],
        build: (stack, n) => [{
          role: 'the role',
          of: scheduledQueryRole(stack, { creators: range(n).map((i) => new iam.AccountPrincipal(String(300000000000 + i))) }),
        }],
      },
      {
        setting: (n) => `N = ${n} creators by creatorRolePath`,
        roles: ['the role'],
        build: (stack, n) => {
          const role = scheduledQueryRole(stack, { creatorRolePath: '/analysts/' });
          for (const i of range(n)) {
            role.grantCreateSchedules(new iam.Role(stack, `Analyst${pad(i)}`, { assumedBy: new iam.AccountRootPrincipal(), path: '/analysts/' }));
          }
          return [{ role: 'the role', of: role }];
        },
      },
      {
        setting: (n) => `N = ${n} creators by creatorTag`,
        roles: ['the role'],
        build: (stack, n) => {
          const role = scheduledQueryRole(stack, { creatorTag: { key: 'team', value: 'bi' } });
          for (const i of range(n)) {
            const analyst = new iam.Role(stack, `Analyst${pad(i)}`, { assumedBy: new iam.AccountRootPrincipal() });
            Tags.of(analyst).add('team', 'bi');
            role.grantCreateSchedules(analyst);
          }
          return [{ role: 'the role', of: role }];
        },
      },
    ],
  },
  {
    construct: 'ScheduledQuery',
    roles: ['notification publisher role', 'the ScheduledQueryRole it runs with'],
    defaults: (stack) => scheduledQueries(stack, 1),
    dimensions: [{
      setting: (n) => `N = ${n} scheduled queries, one role and one topic`,
      roles: ['notification publisher role', 'the ScheduledQueryRole it runs with'],
      build: scheduledQueries,
    }],
  },
  {
    construct: 'CrossAccountDataApiRole',
    roles: ['the role'],
    defaults: (stack) => [{
      role: 'the role',
      of: new CrossAccountDataApiRole(stack, 'DataApi', { target: importedCluster(), auth: DataApiAuth.temporaryCredentials('reporting'), consumers: consumerRoles(stack, 1) }),
    }],
    dimensions: [
      {
        setting: (n) => `N = ${n} consumer roles (another account)`,
        roles: ['the role'],
        build: (stack, n) => [{
          role: 'the role',
          of: new CrossAccountDataApiRole(stack, 'DataApi', { target: importedCluster(), auth: DataApiAuth.temporaryCredentials('reporting'), consumers: consumerRoles(stack, n) }),
        }],
      },
      {
        setting: (n) => `N = ${n} consumer roles, with externalId and SET_SOURCE_IDENTITY`,
        roles: ['the role'],
        build: (stack, n) => [{
          role: 'the role',
          of: new CrossAccountDataApiRole(stack, 'DataApi', {
            target: importedCluster(),
            auth: DataApiAuth.temporaryCredentials('reporting'),
            consumers: consumerRoles(stack, n),
            externalId: 'reporting-from-account-a',
            sessionActions: [SessionAction.SET_SOURCE_IDENTITY],
          }),
        }],
      },
      {
        setting: (n) => `N = ${n} consumerAccounts`,
        roles: ['the role'],
        build: (stack, n) => [{
          role: 'the role',
          of: new CrossAccountDataApiRole(stack, 'DataApi', {
            target: importedCluster(),
            auth: DataApiAuth.temporaryCredentials('reporting'),
            consumerAccounts: range(n).map((i) => String(400000000000 + i)),
          }),
        }],
      },
    ],
  },
  {
    construct: 'RedshiftDataAccessRole',
    roles: ['the role'],
    defaults: (stack) => [{ role: 'the role', of: new RedshiftDataAccessRole(stack, 'CopyRole', { target: serverlessTarget(stack) }) }],
    dimensions: [
      {
        setting: (n) => `N = ${n} grantCopyFrom prefixes (one bucket)`,
        roles: ['the role'],
        build: (stack, n) => {
          const role = new RedshiftDataAccessRole(stack, 'CopyRole', { target: serverlessTarget(stack) });
          const bucket = new s3.Bucket(stack, 'Data');
          range(n).forEach((i) => role.grantCopyFrom(bucket, `incoming/table_${pad(i)}/`));
          return [{ role: 'the role', of: role }];
        },
      },
      {
        setting: (n) => `N = ${n} grantUnloadTo prefixes (one bucket)`,
        roles: ['the role'],
        build: (stack, n) => {
          const role = new RedshiftDataAccessRole(stack, 'CopyRole', { target: serverlessTarget(stack) });
          const bucket = new s3.Bucket(stack, 'Exports');
          range(n).forEach((i) => role.grantUnloadTo(bucket, `exports/table_${pad(i)}/`));
          return [{ role: 'the role', of: role }];
        },
      },
      {
        setting: (n) => `N = ${n} dbUsers (sts:ExternalId in the trust; cluster)`,
        roles: ['the role'],
        build: (stack, n) => [{
          role: 'the role',
          of: new RedshiftDataAccessRole(stack, 'CopyRole', { target: importedCluster(), dbUsers: range(n).map((i) => `etl_user_${pad(i)}`) }),
        }],
      },
    ],
  },
  {
    construct: 'RedshiftRoleAssociation',
    roles: ['role-association handler role'],
    defaults: (stack) => {
      RedshiftRoleAssociation.associate(stack, importedCluster(), new iam.Role(stack, 'CopyRole', { assumedBy: ServiceTrust.redshift() }));
      return [{ role: 'role-association handler role', of: handlerRole(stack, ROLE_ASSOCIATION_HANDLER) }];
    },
    dimensions: [
      {
        setting: (n) => `N = ${n} roles on one imported cluster`,
        roles: ['role-association handler role'],
        build: (stack, n) => {
          const target = importedCluster();
          range(n).forEach((i) => RedshiftRoleAssociation.associate(stack, target, new iam.Role(stack, `CopyRole${pad(i)}`, { assumedBy: ServiceTrust.redshift() })));
          return [{ role: 'role-association handler role', of: handlerRole(stack, ROLE_ASSOCIATION_HANDLER) }];
        },
      },
      {
        setting: (n) => `N = ${n} imported clusters, one role each`,
        roles: ['role-association handler role'],
        build: (stack, n) => {
          range(n).forEach((i) => RedshiftRoleAssociation.associate(stack, importedCluster(`analytics-${pad(i)}`),
            new iam.Role(stack, `CopyRole${pad(i)}`, { assumedBy: ServiceTrust.redshift() })));
          return [{ role: 'role-association handler role', of: handlerRole(stack, ROLE_ASSOCIATION_HANDLER) }];
        },
      },
    ],
  },
  {
    construct: 'RedshiftSql',
    roles: ['Redshift SQL handler role'],
    defaults: (stack) => {
      new RedshiftSql(stack, 'Sql', { target: importedCluster(), auth: DataApiAuth.secret(adminSecret(stack, 'analytics')), statements: ['create schema if not exists staging'] });
      return [{ role: 'Redshift SQL handler role', of: handlerRole(stack, REDSHIFT_SQL_HANDLER) }];
    },
    dimensions: [
      {
        setting: (n) => `N = ${n} RedshiftSql on one target`,
        roles: ['Redshift SQL handler role'],
        build: (stack, n) => {
          const target = importedCluster();
          const auth = DataApiAuth.secret(adminSecret(stack, 'analytics'));
          range(n).forEach((i) => new RedshiftSql(stack, `Sql${pad(i)}`, { target, auth, statements: [`create schema if not exists staging_${pad(i)}`] }));
          return [{ role: 'Redshift SQL handler role', of: handlerRole(stack, REDSHIFT_SQL_HANDLER) }];
        },
      },
      {
        setting: (n) => `N = ${n} RedshiftSql on ${n} targets (an admin secret each)`,
        roles: ['Redshift SQL handler role'],
        build: (stack, n) => {
          range(n).forEach((i) => new RedshiftSql(stack, `Sql${pad(i)}`, {
            target: importedCluster(`analytics-${pad(i)}`),
            auth: DataApiAuth.secret(adminSecret(stack, `analytics-${pad(i)}`)),
            statements: ['create schema if not exists staging'],
          }));
          return [{ role: 'Redshift SQL handler role', of: handlerRole(stack, REDSHIFT_SQL_HANDLER) }];
        },
      },
    ],
  },
  {
    construct: 'RedshiftIdcApplication',
    roles: IDC_ROLES,
    defaults: (stack) => idcMeasured(stack, redshiftIdc(stack, 0)),
    dimensions: [{
      setting: (n) => `N = ${n} IdC groups (a DatabaseGrant each)`,
      roles: IDC_ROLES,
      build: (stack, n) => idcMeasured(stack, redshiftIdc(stack, n)),
    }],
  },
  {
    construct: 'LakeFormationContextRole',
    roles: ['the role'],
    defaults: (stack) => [{ role: 'the role', of: new LakeFormationContextRole(stack, 'SalesLocation', { bucket: new s3.Bucket(stack, 'Data'), prefix: 'warehouse/sales/' }) }],
    dimensions: [{
      setting: (n) => `N = ${n} locations in one bucket (a role each)`,
      roles: ['each role (largest of N)'],
      build: (stack, n) => {
        const bucket = new s3.Bucket(stack, 'Data');
        return [{ role: 'each role (largest of N)', of: range(n).map((i) => new LakeFormationContextRole(stack, `Location${pad(i)}`, { bucket, prefix: `warehouse/table_${pad(i)}/` })) }];
      },
    }],
  },
  {
    construct: 'LakeFormationSettings',
    roles: ['settings handler role'],
    defaults: (stack) => {
      new LakeFormationSettings(stack, 'LakeSettings', {
        admins: [iam.Role.fromRoleArn(stack, 'DataAdmin', `arn:aws:iam::${BENCH_ENV.account}:role/data-lake-admin`, { mutable: false })],
        parameters: { SET_CONTEXT: 'TRUE' },
      });
      return [{ role: 'settings handler role', of: handlerRole(stack, LF_SETTINGS_HANDLER) }];
    },
    dimensions: [{
      setting: (n) => `N = ${n} admins`,
      roles: ['settings handler role'],
      build: (stack, n) => {
        new LakeFormationSettings(stack, 'LakeSettings', {
          admins: range(n).map((i) => iam.Role.fromRoleArn(stack, `DataAdmin${pad(i)}`, `arn:aws:iam::${BENCH_ENV.account}:role/data-lake-admin-${pad(i)}`, { mutable: false })),
          parameters: { SET_CONTEXT: 'TRUE' },
        });
        return [{ role: 'settings handler role', of: handlerRole(stack, LF_SETTINGS_HANDLER) }];
      },
    }],
  },
  {
    construct: 'LakeFormationIdentityCenter',
    roles: ['IdC configuration handler role'],
    defaults: (stack) => {
      new LakeFormationIdentityCenter(stack, 'LakeFormationIdc', { instanceArn: IDC_INSTANCE_ARN });
      return [{ role: 'IdC configuration handler role', of: handlerRole(stack, LF_IDC_HANDLER) }];
    },
    dimensions: [{
      setting: (n) => `N = ${n} share recipients (accounts)`,
      roles: ['IdC configuration handler role'],
      build: (stack, n) => {
        new LakeFormationIdentityCenter(stack, 'LakeFormationIdc', { instanceArn: IDC_INSTANCE_ARN, shareRecipients: range(n).map((i) => String(500000000000 + i)) });
        return [{ role: 'IdC configuration handler role', of: handlerRole(stack, LF_IDC_HANDLER) }];
      },
    }],
  },
  {
    construct: 'AccessGrantsLocation',
    roles: ['Access Grants location role'],
    defaults: (stack) => [{ role: 'Access Grants location role', of: resultsLocation(stack).role }],
    dimensions: [{
      setting: (n) => `N = ${n} grants (IdC groups)`,
      roles: ['Access Grants location role'],
      build: (stack, n) => {
        const location = resultsLocation(stack);
        range(n).forEach((i) => location.grant(`Analysts${pad(i)}`, {
          grantee: AccessGrantee.directoryGroup(groupId(i)),
          permission: AccessGrantPermission.READWRITE,
          prefix: `team_${pad(i)}/`,
        }));
        return [{ role: 'Access Grants location role', of: location.role }];
      },
    }],
  },
  {
    construct: 'AthenaIdcWorkGroup',
    roles: ['execution role', 'workgroup handler role'],
    defaults: (stack) => {
      const workGroup = athenaWorkGroup(stack, 'Analysts', resultsLocation(stack));
      return [{ role: 'execution role', of: workGroup.executionRole }, { role: 'workgroup handler role', of: handlerRole(stack, ATHENA_HANDLER) }];
    },
    dimensions: [
      {
        setting: (n) => `N = ${n} IdC groups`,
        roles: ['execution role', 'workgroup handler role'],
        build: (stack, n) => {
          const workGroup = athenaWorkGroup(stack, 'Analysts', resultsLocation(stack), n);
          return [{ role: 'execution role', of: workGroup.executionRole }, { role: 'workgroup handler role', of: handlerRole(stack, ATHENA_HANDLER) }];
        },
      },
      {
        setting: (n) => `N = ${n} workgroups in one stack (one results location)`,
        roles: ['each execution role (largest of N)', 'workgroup handler role'],
        build: (stack, n) => {
          const location = resultsLocation(stack);
          const workGroups = range(n).map((i) => athenaWorkGroup(stack, `Team${pad(i)}`, location, 1));
          return [
            { role: 'each execution role (largest of N)', of: workGroups.map((w) => w.executionRole) },
            { role: 'workgroup handler role', of: handlerRole(stack, ATHENA_HANDLER) },
          ];
        },
      },
    ],
  },
  {
    construct: 'EmrIdcStudio',
    roles: EMR_ROLES,
    defaults: (stack) => emrMeasured(emrStudio(stack)),
    dimensions: [
      { setting: (n) => `N = ${n} workgroups (grantAthenaQueries)`, roles: EMR_ROLES, build: (stack, n) => emrMeasured(emrStudio(stack, { workGroups: n })) },
      { setting: (n) => `N = ${n} mapped IdC groups`, roles: EMR_ROLES, build: (stack, n) => emrMeasured(emrStudio(stack, { groups: n })) },
    ],
  },
  {
    construct: 'AthenaTrustedIdentityPropagation',
    roles: TIP_ROLES,
    defaults: (stack) => tipMeasured(stack, tip(stack, 1)),
    dimensions: [{
      setting: (n) => `N = ${n} IdC groups (a table grant each)`,
      roles: TIP_ROLES,
      build: (stack, n) => tipMeasured(stack, tip(stack, n)),
    }],
  },
];

/** The constructs measured, in the order of the rows. */
export const MEASURED_CONSTRUCTS: readonly string[] = SCENARIOS.map((s) => s.construct);

// ---------------------------------------------------------------------------------------------------------------------
// Measuring

export interface MeasureOptions {
  /** Only these constructs. @default - all */
  readonly constructs?: readonly string[];
}

/**
 * Build every construct at its defaults and at N = 10, 50 and 200 of each dimension, each in a fresh App and
 * stack, and measure its roles. Deterministic: the same rows in the same order every run.
 */
export function measureIamSizes(options: MeasureOptions = {}): IamSizeRow[] {
  const rows: IamSizeRow[] = [];
  for (const scenario of SCENARIOS) {
    if (options.constructs && !options.constructs.includes(scenario.construct)) {
      continue;
    }
    rows.push(...measureSetting(scenario.construct, 'defaults', undefined, scenario.roles, scenario.defaults));
    for (const dimension of scenario.dimensions) {
      for (const n of N_VALUES) {
        rows.push(...measureSetting(scenario.construct, dimension.setting(n), n, dimension.roles, (stack) => dimension.build(stack, n)));
      }
    }
  }
  return rows;
}

function measureSetting(
  construct: string, setting: string, n: number | undefined, roles: string[], build: (stack: Stack) => Measured[],
): IamSizeRow[] {
  const app = new App();
  const stack = new Stack(app, BENCH_STACK_NAME, { env: BENCH_ENV });
  let measured: Measured[];
  let template: SizedTemplate;
  try {
    measured = build(stack);
    template = new SizedTemplate(Template.fromStack(stack).toJSON());
  } catch (e) {
    const refused = refusalMessage(e);
    return roles.map((role) => ({ construct, role, setting, n, refused }));
  }
  const labels = measured.map((m) => m.role);
  if (JSON.stringify(labels) !== JSON.stringify(roles)) {
    throw new Error(`measureIamSizes: ${construct} ${setting} measured ${labels.join(', ')}, declared ${roles.join(', ')}`);
  }
  return measured.map((m) => {
    const of = Array.isArray(m.of) ? m.of : [m.of];
    if (m.managedPolicy) {
      const sizes = of.map((policy) => template.managedPolicyChars(logicalIdOf(stack, policy, 'AWS::IAM::ManagedPolicy')));
      return { construct, role: m.role, setting, n, managedChars: Math.max(...sizes) };
    }
    const sizes = of.map((role) => template.roleSizes(logicalIdOf(stack, role, 'AWS::IAM::Role')));
    const largest = (pick: (s: RoleSizes) => number | undefined): number | undefined => {
      const values = sizes.map(pick).filter((v): v is number => v !== undefined);
      return values.length > 0 ? Math.max(...values) : undefined;
    };
    return {
      construct,
      role: m.role,
      setting,
      n,
      trustChars: largest((s) => s.trustChars),
      largestInlineChars: largest((s) => s.largestInlineChars),
      inlineTotalChars: largest((s) => s.inlineTotalChars),
      managedChars: largest((s) => s.managedChars),
      managedPolicyCount: largest((s) => s.managedPolicyCount),
    };
  });
}

function logicalIdOf(stack: Stack, construct: IConstruct, type: string): string {
  const cfn = [construct, construct.node.defaultChild, construct.node.tryFindChild('Resource')]
    .find((c) => c !== undefined && (c as { cfnResourceType?: string }).cfnResourceType === type);
  if (cfn === undefined) {
    throw new Error(`measureIamSizes: ${construct.node.path} is not (and does not wrap) an ${type}`);
  }
  return stack.resolve((cfn as unknown as { logicalId: string }).logicalId);
}

/** The message of a synth-time refusal, on one line, without CDK's "Validation failed" preamble. */
function refusalMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/^Validation failed with the following errors:\s*/, '')
    .split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' ');
}

// ---------------------------------------------------------------------------------------------------------------------
// Table

/** Thousands separated by commas, the same on every machine. */
function formatNumber(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function cell(value: number | undefined, limit?: number): string {
  if (value === undefined) {
    return '—';
  }
  return limit !== undefined && value > limit ? `**${formatNumber(value)} over**` : formatNumber(value);
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * The rows as a markdown table: the limits in the header, "over" on a value above its limit, and each
 * refusal's message as a numbered note under the table.
 */
export function iamSizesTable(rows: IamSizeRow[]): string {
  const lines = [
    `| Construct | Role | Setting | Trust policy (limit ${formatNumber(IAM_LIMITS.trust)}) | Largest inline policy | `
      + `Inline total (limit ${formatNumber(IAM_LIMITS.inlineTotal)}) | Largest managed policy (limit ${formatNumber(IAM_LIMITS.managed)}) | `
      + `Managed policies attached (quota ${IAM_LIMITS.managedPerRole}) |`,
    '|---|---|---|--:|--:|--:|--:|--:|',
  ];
  const refusals: string[] = [];
  for (const row of rows) {
    const head = `| ${escapeCell(row.construct)} | ${escapeCell(row.role)} | ${escapeCell(row.setting)} |`;
    if (row.refused !== undefined) {
      let index = refusals.indexOf(row.refused);
      if (index < 0) {
        refusals.push(row.refused);
        index = refusals.length - 1;
      }
      lines.push(`${head} refused at synth [${index + 1}] | — | — | — | — |`);
      continue;
    }
    lines.push(`${head} ${cell(row.trustChars, IAM_LIMITS.trust)} | ${cell(row.largestInlineChars, IAM_LIMITS.inlineTotal)} | `
      + `${cell(row.inlineTotalChars, IAM_LIMITS.inlineTotal)} | ${cell(row.managedChars, IAM_LIMITS.managed)} | `
      + `${cell(row.managedPolicyCount, IAM_LIMITS.managedPerRole)} |`);
  }
  if (refusals.length > 0) {
    lines.push('', ...refusals.map((message, i) => `[${i + 1}] ${message}`));
  }
  return lines.join('\n');
}
