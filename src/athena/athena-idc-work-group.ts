import { Aws, CustomResource, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sso from 'aws-cdk-lib/aws-sso';
import { Construct } from 'constructs';
import { AthenaIdcWorkGroupFunction } from './private/athena-idc-work-group-function';
import { AccessGrant, AccessGrantee, AccessGrantPermission } from '../access-grants/access-grant';
import { AccessGrantsInstance } from '../access-grants/access-grants-instance';
import { AccessGrantsLocation } from '../access-grants/access-grants-location';
import { allowIdentityCenterApplicationManagement, checkIdentityStoreId, identityCenterInstanceId } from '../core/private/identity-center';
import { stableIdPart } from '../core/private/ids';
import { suppressNag } from '../core/private/nag';
import { markDedicatedRole } from '../core/private/role-purpose';
import { checkS3KeyPrefix } from '../core/private/s3-prefix';
import { StackProvider } from '../core/private/stack-provider';
import { check } from '../core/private/validation';
import { ServiceTrust } from '../core/service-trust';

/**
 * Properties of an `AthenaIdcWorkGroup`.
 */
export interface AthenaIdcWorkGroupProps {
  /** The IAM Identity Center instance ARN (`arn:<partition>:sso:::instance/ssoins-...`). */
  readonly identityCenterInstanceArn: string;

  /**
   * The S3 Access Grants location of the query results. Athena writes the results with the
   * user's identity through S3 Access Grants, so the users need a grant there (G16/G17): the
   * workgroup makes one READWRITE grant per assigned group and user unless `grantResults` is
   * false.
   */
  readonly resultsLocation: AccessGrantsLocation;

  /**
   * The key prefix of the results, within the location's prefix (e.g. `athena-results/`).
   *
   * @default - the location's prefix
   */
  readonly resultsPrefix?: string;

  /**
   * Whether each user's results go under a prefix of their own (`<results>/<user id>/`). The
   * workgroup's settings always override the clients' (EnforceWorkGroupConfiguration), which the
   * per-user prefix needs and which keeps results where the grants are.
   *
   * @default true
   */
  readonly createUserLevelPrefix?: boolean;

  /**
   * Identity store ids of the IAM Identity Center groups that may use the workgroup (assigned to
   * its IdC application, and granted the results location).
   *
   * @default - none
   */
  readonly groupIds?: string[];

  /**
   * Identity store ids of IAM Identity Center users that may use the workgroup.
   *
   * @default - none
   */
  readonly userIds?: string[];

  /**
   * Whether to grant the assigned groups and users READWRITE on the results prefix.
   *
   * @default true
   */
  readonly grantResults?: boolean;

  /**
   * The workgroup name. Changing it (or the IdC instance, which is part of the generated name)
   * replaces the workgroup: IAM Identity Center is set only when a workgroup is created.
   *
   * @default - generated from the construct path and the IdC instance id
   */
  readonly workGroupName?: string;

  /**
   * @default - "IAM Identity Center enabled workgroup (cdk-analytics-access)"
   */
  readonly description?: string;

  /**
   * The execution role Athena assumes, with `sts:SetContext`, to reach Lake Formation and S3
   * Access Grants as the user. Bring your own only if it allows both in its trust.
   *
   * @default - a role with `ServiceTrust.athena()` and the permissions of the role the Athena
   * console creates, least-privilege
   */
  readonly executionRole?: iam.IRole;

  /**
   * Let the created execution role create, change and drop Glue databases, tables and
   * partitions (DDL from the Athena SQL editor); Lake Formation still decides per user.
   *
   * @default false - read the catalog only
   */
  readonly catalogWrites?: boolean;

  /**
   * The Athena engine version (trusted identity propagation needs Trino, engine 3 or later).
   *
   * @default 'AUTO'
   */
  readonly engineVersion?: string;

  /**
   * Delete the workgroup's saved queries with it; without it, a workgroup with saved queries
   * fails to delete.
   *
   * @default false
   */
  readonly recursiveDelete?: boolean;

  /**
   * How long the handler waits and retries per request.
   *
   * @default Duration.minutes(2)
   */
  readonly timeout?: Duration;
}

/**
 * An Athena workgroup with IAM Identity Center enabled (trusted identity propagation, step 6 of
 * seed 002): `AWS::Athena::WorkGroup` cannot enable IAM Identity Center, so a custom resource
 * calls the Athena API. It creates the execution role (`sts:SetContext`, G17), writes query
 * results through S3 Access Grants (per-user prefixes), assigns IdC groups and users to the
 * workgroup's IdC application, and grants them the results prefix — the grant whose absence
 * made Athena say the results bucket "does not exist" (G16).
 *
 * Queries of such a workgroup run from EMR Studio, SageMaker Unified Studio or the trusted
 * identity propagation drivers, not from the Athena console.
 *
 * @example
 * declare const resultsLocation: AccessGrantsLocation;
 * new AthenaIdcWorkGroup(this, 'Analysts', {
 *   identityCenterInstanceArn: 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0',
 *   resultsLocation,
 *   groupIds: ['90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901'],
 * });
 *
 * @see https://docs.aws.amazon.com/athena/latest/ug/workgroups-identity-center.html
 */
export class AthenaIdcWorkGroup extends Construct {
  /** The workgroup name. */
  public readonly workGroupName: string;
  /** The workgroup ARN. */
  public readonly workGroupArn: string;
  /** The IAM Identity Center application of the workgroup, to which users are assigned. */
  public readonly identityCenterApplicationArn: string;
  /** The execution role. */
  public readonly executionRole: iam.IRole;
  /** The query results location (`s3://<bucket>/<prefix>`). */
  public readonly outputLocation: string;
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** The results grants, one per group and user. */
  public readonly resultsGrants: AccessGrant[] = [];

  constructor(scope: Construct, id: string, props: AthenaIdcWorkGroupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const instanceArn = props.identityCenterInstanceArn;
    const instanceId = identityCenterInstanceId(this, 'identityCenterInstanceArn', instanceArn);
    const location = props.resultsLocation;
    const grantsIdc = location.instance.identityCenterArn;
    check(grantsIdc === undefined || Token.isUnresolved(grantsIdc) || Token.isUnresolved(instanceArn) || grantsIdc === instanceArn,
      this, 'resultsLocation', grantsIdc,
      `The results location's Access Grants instance is associated with another IAM Identity Center instance than ${instanceArn}: `
      + 'Athena could not vend result credentials to the workgroup\'s users. Associate both with the same instance.');

    check(!(location.instance instanceof AccessGrantsInstance && grantsIdc === undefined), this, 'resultsLocation', location.locationScope,
      'Athena writes the results through S3 Access Grants as the IdC user: give identityCenterArn to the AccessGrantsInstance.');
    check(location.prefix === undefined || Token.isUnresolved(location.prefix) || location.prefix.endsWith('/'), this, 'resultsLocation', location.prefix,
      'Give the results location a prefix that ends in "/" (a folder), so the output location and the results grants name the same keys.');
    this.workGroupName = props.workGroupName ?? generatedName(this, instanceId);
    check(Token.isUnresolved(this.workGroupName) || /^[a-zA-Z0-9._-]{1,128}$/.test(this.workGroupName), this, 'workGroupName', this.workGroupName,
      'Give 1 to 128 letters, digits, ".", "_" or "-".');
    check(this.workGroupName !== 'primary', this, 'workGroupName', this.workGroupName, 'The primary workgroup exists in every account: choose another name.');
    if (props.resultsPrefix !== undefined) {
      checkS3KeyPrefix(this, 'resultsPrefix', props.resultsPrefix, false);
      check(props.resultsPrefix.endsWith('/'), this, 'resultsPrefix', props.resultsPrefix, 'End the prefix with "/": Athena writes under it.');
    }
    const resultsPrefix = props.resultsPrefix ?? '';
    const locationPrefix = location.prefix ?? '';
    this.outputLocation = `s3://${location.bucket.bucketName}/${locationPrefix}${resultsPrefix}`;
    const engineVersion = props.engineVersion ?? 'AUTO';
    check(/^(AUTO|Athena engine version \d+)$/.test(engineVersion) && engineVersion !== 'Athena engine version 2', this, 'engineVersion', engineVersion,
      'Give AUTO or "Athena engine version 3" (trusted identity propagation needs Trino).');
    const groupIds = props.groupIds ?? [];
    const userIds = props.userIds ?? [];
    for (const [prop, ids] of [['groupIds', groupIds], ['userIds', userIds]] as const) {
      ids.forEach((value) => checkIdentityStoreId(this, prop, value));
      check(new Set(ids).size === ids.length, this, prop, ids, 'Give each id once.');
    }
    const timeout = props.timeout ?? Duration.minutes(2);
    check(timeout.toSeconds() >= 10 && timeout.toSeconds() <= 14 * 60, this, 'timeout', timeout.toHumanString(), 'Give between 10 seconds and 14 minutes.');
    this.workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName });

    // Last: a construct that failed a check above claims nothing.
    claimName(this, this.workGroupName);

    this.executionRole = props.executionRole ?? this.createExecutionRole(location, props.catalogWrites ?? false);

    const provider = StackProvider.of(this, {
      id: 'CdkAnalyticsAccessAthenaIdcWorkGroupProvider',
      functionClass: AthenaIdcWorkGroupFunction,
      purpose: 'create, update and delete IAM Identity Center enabled Athena workgroups',
      wildcardReason: 'the athena: workgroup actions are on workgroup/* but only where the owner tag names this stack (a renamed workgroup '
        + 'is deleted after the policy names the new one); Athena creates the workgroup\'s IdC application with the caller\'s credentials, '
        + 'so the sso: application actions are granted on application/<instance id>/* (any account: the instance\'s) and applicationProvider/*.',
      policySizeFix: 'Each workgroup adds its results location and IdC grants to the handler\'s policy: define some workgroups in another stack.',
    });
    grantWorkGroupManagement(provider.fn, stack);
    provider.fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [this.executionRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'athena.amazonaws.com' } },
    }));
    // The IdC application actions of the Athena guide's policy for creating such a workgroup.
    allowIdentityCenterApplicationManagement(provider.fn, instanceArn, instanceId, [
      'CreateApplication', 'DeleteApplication', 'PutApplicationGrant', 'PutApplicationAuthenticationMethod',
      'PutApplicationAccessScope', 'PutApplicationAssignmentConfiguration',
    ]);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.fn.functionArn,
      resourceType: 'Custom::AthenaIdcWorkGroup',
      properties: {
        Name: this.workGroupName,
        WorkGroupArn: this.workGroupArn,
        Description: props.description ?? 'IAM Identity Center enabled workgroup (cdk-analytics-access)',
        InstanceArn: instanceArn,
        ExecutionRoleArn: this.executionRole.roleArn,
        OutputLocation: this.outputLocation,
        CreateUserLevelPrefix: props.createUserLevelPrefix ?? true,
        EngineVersion: engineVersion,
        PublishCloudWatchMetrics: true,
        RecursiveDelete: props.recursiveDelete ?? false,
        TimeoutSeconds: timeout.toSeconds(),
      },
    });
    const rolePolicy = this.executionRole.node.tryFindChild('DefaultPolicy');
    if (rolePolicy) {
      this.resource.node.addDependency(rolePolicy);
    }
    this.identityCenterApplicationArn = this.resource.getAttString('IdentityCenterApplicationArn');

    // Users reach the workgroup only through an assignment to its IdC application.
    const principals = [...groupIds.map((value) => ({ type: 'GROUP', value })), ...userIds.map((value) => ({ type: 'USER', value }))];
    for (const principal of principals) {
      const idPart = `${principal.type === 'GROUP' ? 'Group' : 'User'}${stableIdPart(principal.value)}`;
      new sso.CfnApplicationAssignment(this, `Assignment${idPart}`, {
        applicationArn: this.identityCenterApplicationArn,
        principalId: principal.value,
        principalType: principal.type,
      });
      if (props.grantResults ?? true) {
        this.resultsGrants.push(new AccessGrant(this, `Results${idPart}`, {
          location,
          grantee: principal.type === 'GROUP' ? AccessGrantee.directoryGroup(principal.value) : AccessGrantee.directoryUser(principal.value),
          permission: AccessGrantPermission.READWRITE,
          prefix: resultsPrefix === '' ? undefined : resultsPrefix,
        }));
      }
    }
  }

  private createExecutionRole(location: AccessGrantsLocation, catalogWrites: boolean): iam.IRole {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: ServiceTrust.athena(),
      description: 'Athena IAM Identity Center workgroup execution role (cdk-analytics-access)',
    });
    markDedicatedRole(role, 'the execution role of an IAM Identity Center enabled Athena workgroup');
    // What the role the Athena console creates (AWSAthenaSQLRole-*) holds, scoped to this
    // workgroup, this account's catalog, the results bucket and this Access Grants instance.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['athena:GetPreparedStatement', 'athena:ListPreparedStatements', 'athena:CreatePreparedStatement',
        'athena:UpdatePreparedStatement', 'athena:DeletePreparedStatement', 'athena:GetDataCatalog'],
      resources: [this.workGroupArn, stack.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: '*' })],
    }));
    const catalogResources = [
      stack.formatArn({ service: 'glue', resource: 'catalog' }),
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: '*' }),
      stack.formatArn({ service: 'glue', resource: 'table', resourceName: '*/*' }),
    ];
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
      resources: catalogResources,
    }));
    if (catalogWrites) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['glue:CreateDatabase', 'glue:UpdateDatabase', 'glue:DeleteDatabase', 'glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable',
          'glue:BatchDeleteTable', 'glue:CreatePartition', 'glue:BatchCreatePartition', 'glue:UpdatePartition', 'glue:DeletePartition',
          'glue:BatchDeletePartition'],
        resources: catalogResources,
      }));
    }
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [location.bucket.bucketArn] }));
    // Credentials for the user's data and results: S3 Access Grants and Lake Formation vend them.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetDataAccess', 's3:GetAccessGrantsInstanceForPrefix'],
      resources: [location.instance.instanceArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lakeformation:GetDataAccess'], resources: ['*'] }));
    suppressNag(role, 'AwsSolutions-IAM5',
      'lakeformation:GetDataAccess has no resource type; the Glue catalog actions are on this account\'s databases and tables (Lake Formation '
      + 'decides per user); athena:GetDataCatalog on this account\'s data catalogs.',
      [/^Resource::\*$/, /^Resource::arn:<AWS::Partition>:glue:.*:(database\/\*|table\/\*\/\*)$/, /^Resource::arn:<AWS::Partition>:athena:.*:datacatalog\/\*$/]);
    return role;
  }
}

/** `<stack>-<path>-<hash>-<instance id tail>`: a new IdC instance gives a new workgroup (replacement). */
function generatedName(scope: Construct, instanceId: string): string {
  const base = Names.uniqueResourceName(scope, { maxLength: 100, separator: '-', allowedSpecialCharacters: '._-' });
  return Token.isUnresolved(instanceId) ? base : `${base}-${instanceId.slice(-8)}`;
}

/** Workgroup names per stack: the handler takes back a workgroup its stack tagged, so two resources must not share one. */
const NAMES_BY_STACK = new WeakMap<Stack, Map<string, string>>();

function claimName(scope: Construct, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const stack = Stack.of(scope);
  const names = NAMES_BY_STACK.get(stack) ?? new Map<string, string>();
  NAMES_BY_STACK.set(stack, names);
  const owner = names.get(name);
  check(owner === undefined, scope, 'workGroupName', name, `${owner} already creates a workgroup of this name in this stack: give each its own name.`);
  names.set(name, scope.node.path);
}

/**
 * The handler may create workgroups tagged as this stack's and touch only those: a renamed
 * workgroup is deleted after the policy already names the new one, so the ARN cannot be the key.
 */
function grantWorkGroupManagement(fn: iam.IGrantable, stack: Stack): void {
  if (stack.node.tryFindChild('CdkAnalyticsAccessAthenaIdcWorkGroupGrants')) {
    return;
  }
  new Construct(stack, 'CdkAnalyticsAccessAthenaIdcWorkGroupGrants');
  const workGroups = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: '*' });
  const ours = Aws.STACK_ID;
  fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['athena:CreateWorkGroup', 'athena:TagResource'],
    resources: [workGroups],
    conditions: { StringEquals: { 'aws:RequestTag/cdk-analytics-access:owner': ours } },
  }));
  fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['athena:GetWorkGroup', 'athena:UpdateWorkGroup', 'athena:DeleteWorkGroup', 'athena:ListTagsForResource'],
    resources: [workGroups],
    conditions: { StringEquals: { 'aws:ResourceTag/cdk-analytics-access:owner': ours } },
  }));
}
