import { Annotations, Names, Stack, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { identityCenterInstanceId } from '../core/private/identity-center';
import { stableIdPart } from '../core/private/ids';
import { suppressNag } from '../core/private/nag';
import { checkRolePolicySizes, estimatedPolicyLength, MANAGED_POLICY_QUOTA } from '../core/private/policy-size';
import { markDedicatedRole } from '../core/private/role-purpose';
import { grantS3Prefix, s3KeyPattern } from '../core/private/s3-prefix';
import { check } from '../core/private/validation';
import { ServiceTrust } from '../core/service-trust';

/** The cdk-nag findings of `grantAthenaQueries`: ListWorkGroups on "*" and this account's Glue databases and tables. */
const CATALOG_READ_FINDINGS = [/^Resource::\*$/, /^Resource::arn:<AWS::Partition>:glue:.*:database\/\*$/, /^Resource::arn:<AWS::Partition>:glue:.*:table\/\*\/\*$/];

/**
 * Who may open an EMR Studio with IAM Identity Center.
 */
export enum EmrStudioUserAssignment {
  /** Only the users and groups mapped to the Studio (`groupNames`, `userNames`). */
  REQUIRED = 'REQUIRED',
  /** Every user of the IAM Identity Center instance. */
  OPTIONAL = 'OPTIONAL',
}

/**
 * Properties of an `EmrIdcStudio`.
 */
export interface EmrIdcStudioProps {
  /**
   * The IAM Identity Center instance ARN (`arn:<partition>:sso:::instance/ssoins-...`); IAM
   * Identity Center must be enabled in the Studio's Region.
   */
  readonly identityCenterInstanceArn: string;

  /** The VPC of the Studio. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the Studio (one to five).
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** The bucket where the Studio keeps Workspaces and notebook files. */
  readonly workspaceBucket: s3.IBucket;

  /**
   * The key prefix in `workspaceBucket`.
   *
   * @default 'emr-studio/'
   */
  readonly workspacePrefix?: string;

  /**
   * Who may open the Studio.
   *
   * @default EmrStudioUserAssignment.REQUIRED
   */
  readonly userAssignment?: EmrStudioUserAssignment;

  /**
   * IAM Identity Center group display names to map to the Studio (EMR assigns them to the
   * Studio's IdC application). EMR names groups by display name, not id.
   *
   * @default - none
   */
  readonly groupNames?: string[];

  /**
   * IAM Identity Center user names to map to the Studio.
   *
   * @default - none
   */
  readonly userNames?: string[];

  /**
   * The session policy of the mapped groups and users: their permissions are the user role's
   * intersected with it.
   *
   * @default - a managed policy with exactly the user role's permissions
   */
  readonly sessionPolicy?: iam.IManagedPolicy;

  /**
   * The Studio name (at most 256 characters).
   *
   * @default - generated from the construct path
   */
  readonly studioName?: string;

  /**
   * @default - "EMR Studio with IAM Identity Center (cdk-analytics-access)"
   */
  readonly description?: string;
}

/**
 * An EMR Studio with IAM Identity Center authentication and trusted identity propagation (steps
 * 2, 3 and 8 of seed 002): users sign in through the AWS access portal and their identity reaches
 * Athena, Lake Formation and S3 Access Grants.
 *
 * It creates the service role (S3 on the workspace location only, trusted with the documented
 * confused-deputy conditions), the user role (`sts:AssumeRole` + `sts:SetContext`, which starts
 * the propagation; Athena SQL on the workgroups given to `grantAthenaQueries`), a session policy,
 * the engine and workspace security groups (port 18888 between them only), and one session
 * mapping per IdC group or user. Changing the IdC settings, the roles, the security groups or the
 * VPC replaces the Studio (new id and URL).
 *
 * The Studio's service role has no EC2 permissions: attaching EMR on EC2 clusters to Workspaces
 * needs the tag-conditioned EC2 statements of the EMR Studio guide on `serviceRole`.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const bucket: s3.IBucket;
 * declare const workGroup: AthenaIdcWorkGroup;
 * const studio = new EmrIdcStudio(this, 'Studio', {
 *   identityCenterInstanceArn: 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0',
 *   vpc,
 *   workspaceBucket: bucket,
 *   groupNames: ['analysts'],
 * });
 * studio.grantAthenaQueries(workGroup.workGroupArn);
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/setting-up-tip-emr.html
 */
export class EmrIdcStudio extends Construct {
  /** The Studio. */
  public readonly studio: emr.CfnStudio;
  /** The Studio id (`es-...`). */
  public readonly studioId: string;
  /** The Studio URL. */
  public readonly studioUrl: string;
  /** The service role. */
  public readonly serviceRole: iam.Role;
  /** The user role: the most any Studio user may do. */
  public readonly userRole: iam.Role;
  /** The session policy of the mapped groups and users. */
  public readonly sessionPolicy: iam.IManagedPolicy;
  /** The engine security group. */
  public readonly engineSecurityGroup: ec2.SecurityGroup;
  /** The workspace security group. */
  public readonly workspaceSecurityGroup: ec2.SecurityGroup;
  private readonly ownSessionPolicy?: iam.ManagedPolicy;
  private readonly athenaWorkGroupArns: string[] = [];
  /** The workgroup statement of the user role and of the session policy, which later grants extend. */
  private readonly workGroupStatements: iam.PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: EmrIdcStudioProps) {
    super(scope, id);
    const stack = Stack.of(this);
    identityCenterInstanceId(this, 'identityCenterInstanceArn', props.identityCenterInstanceArn);
    const subnetIds = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
    check(subnetIds.length >= 1 && subnetIds.length <= 5, this, 'vpcSubnets', `${subnetIds.length} subnets`,
      'EMR Studio takes one to five subnets: select fewer (e.g. { subnetType, onePerAz: true, availabilityZones }).');
    const prefix = props.workspacePrefix ?? 'emr-studio/';
    const keyPattern = s3KeyPattern(this, 'workspacePrefix', prefix);
    const studioName = props.studioName ?? Names.uniqueResourceName(this, { maxLength: 256, separator: '-' });
    check(Token.isUnresolved(studioName) || (studioName.length >= 1 && studioName.length <= 256 && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(studioName)),
      this, 'studioName', studioName, 'Give 1 to 256 characters without control characters.');
    const groupNames = props.groupNames ?? [];
    const userNames = props.userNames ?? [];
    for (const [prop, names] of [['groupNames', groupNames], ['userNames', userNames]] as const) {
      for (const name of names) {
        check(Token.isUnresolved(name) || (name.length >= 1 && name.length <= 256 && name.trim() === name), this, prop, name,
          'Give the IAM Identity Center display name (group) or user name, 1 to 256 characters, without leading or trailing spaces.');
      }
      check(new Set(names).size === names.length, this, prop, names, 'Give each name once.');
    }
    const userAssignment = props.userAssignment ?? EmrStudioUserAssignment.REQUIRED;
    if (userAssignment === EmrStudioUserAssignment.REQUIRED && groupNames.length + userNames.length === 0) {
      // Not an error: users may be mapped later (console or another stack).
      Annotations.of(this).addWarningV2('cdk-analytics-access:emr-studio-nobody',
        'No groupNames or userNames: with userAssignment REQUIRED, nobody can open the Studio until someone is mapped.');
    }

    this.serviceRole = new iam.Role(this, 'ServiceRole', {
      assumedBy: ServiceTrust.emrStudioService(),
      description: 'EMR Studio service role (cdk-analytics-access)',
    });
    markDedicatedRole(this.serviceRole, 'the service role of an EMR Studio');
    // The TIP tutorial's service role: the workspace location only, in this account.
    const inAccount = { StringEquals: { 'aws:ResourceAccount': stack.account } };
    grantS3Prefix(this.serviceRole, props.workspaceBucket, prefix, keyPattern,
      ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], 'EMR Studio reads and writes Workspace files in', inAccount);
    this.serviceRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetEncryptionConfiguration'],
      resources: [props.workspaceBucket.bucketArn],
      conditions: inAccount,
    }));
    if (props.workspaceBucket.encryptionKey) {
      props.workspaceBucket.encryptionKey.grant(this.serviceRole, 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey');
    }

    this.userRole = new iam.Role(this, 'UserRole', {
      assumedBy: ServiceTrust.emrStudioUser(),
      description: 'EMR Studio user role for IAM Identity Center users (cdk-analytics-access)',
    });
    markDedicatedRole(this.userRole, 'the user role of an EMR Studio');
    if (props.sessionPolicy) {
      this.sessionPolicy = props.sessionPolicy;
    } else {
      this.ownSessionPolicy = new iam.ManagedPolicy(this, 'SessionPolicy', {
        description: 'EMR Studio session policy: the user role\'s permissions (cdk-analytics-access)',
      });
      this.sessionPolicy = this.ownSessionPolicy;
    }

    // The Studio's Workspaces reach their engines on 18888 and nothing else.
    this.engineSecurityGroup = new ec2.SecurityGroup(this, 'EngineSecurityGroup', {
      vpc: props.vpc, allowAllOutbound: false, description: 'EMR Studio engine security group (cdk-analytics-access)',
    });
    this.workspaceSecurityGroup = new ec2.SecurityGroup(this, 'WorkspaceSecurityGroup', {
      vpc: props.vpc, allowAllOutbound: false, description: 'EMR Studio workspace security group (cdk-analytics-access)',
    });
    this.engineSecurityGroup.addIngressRule(this.workspaceSecurityGroup, ec2.Port.tcp(18888), 'EMR Studio Workspaces to their engine');
    this.workspaceSecurityGroup.addEgressRule(this.engineSecurityGroup, ec2.Port.tcp(18888), 'EMR Studio Workspaces to their engine');
    for (const group of [this.engineSecurityGroup, this.workspaceSecurityGroup]) {
      // The tag the EMR Studio guide's tag-conditioned service role statements look for.
      Tags.of(group).add('for-use-with-amazon-emr-managed-policies', 'true');
    }

    this.studio = new emr.CfnStudio(this, 'Resource', {
      name: studioName,
      description: props.description ?? 'EMR Studio with IAM Identity Center (cdk-analytics-access)',
      authMode: 'SSO',
      idcInstanceArn: props.identityCenterInstanceArn,
      idcUserAssignment: userAssignment,
      trustedIdentityPropagationEnabled: true,
      serviceRole: this.serviceRole.roleArn,
      userRole: this.userRole.roleArn,
      vpcId: props.vpc.vpcId,
      subnetIds,
      engineSecurityGroupId: this.engineSecurityGroup.securityGroupId,
      workspaceSecurityGroupId: this.workspaceSecurityGroup.securityGroupId,
      defaultS3Location: `s3://${props.workspaceBucket.bucketName}/${prefix}`,
    });
    // On the roles' constructs, so the policies added later (grantAthenaQueries) count too.
    this.studio.node.addDependency(this.serviceRole, this.userRole);
    this.studioId = this.studio.attrStudioId;
    this.studioUrl = this.studio.attrUrl;

    const identities = [...groupNames.map((name) => ({ type: 'GROUP', name })), ...userNames.map((name) => ({ type: 'USER', name }))];
    for (const identity of identities) {
      new emr.CfnStudioSessionMapping(this, `${identity.type === 'GROUP' ? 'Group' : 'User'}${stableIdPart(identity.name)}`, {
        studioId: this.studioId,
        identityType: identity.type,
        identityName: identity.name,
        sessionPolicyArn: this.sessionPolicy.managedPolicyArn,
      });
    }
    this.node.addValidation({ validate: () => this.validateUserPermissions() });
    // With the user's own session policy, the user role's policies are the limit that grows.
    checkRolePolicySizes(this.userRole, 'grantAthenaQueries', 'Give the Studio fewer workgroups.');
  }

  /**
   * Let the Studio's users run Athena SQL in a workgroup (for an `AthenaIdcWorkGroup`, its
   * `workGroupArn`): the query actions of the trusted identity propagation tutorial on that
   * workgroup, and reading this account's Glue catalog. Data access itself is decided by Lake
   * Formation and S3 Access Grants per user.
   */
  public grantAthenaQueries(workGroupArn: string): void {
    check(Token.isUnresolved(workGroupArn) || /^arn:aws[a-z-]*:athena:[a-z0-9-]+:\d{12}:workgroup\/[a-zA-Z0-9._-]{1,128}$/.test(workGroupArn),
      this, 'workGroupArn', workGroupArn, 'Give an Athena workgroup ARN, arn:aws:athena:<region>:<account>:workgroup/<name>.');
    if (this.workGroupStatements.length > 0) {
      // One statement lists every workgroup: each grant adds an ARN, not a statement, so the
      // managed session policy stays far below IAM's 6,144 characters (gotcha G19).
      this.athenaWorkGroupArns.push(workGroupArn);
      this.workGroupStatements.forEach((statement) => statement.addResources(workGroupArn));
      return;
    }
    const stack = Stack.of(this);
    const statements = [
      new iam.PolicyStatement({
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution',
          'athena:ListQueryExecutions', 'athena:GetQueryResultsStream', 'athena:GetWorkGroup',
          'athena:CreatePreparedStatement', 'athena:GetPreparedStatement', 'athena:DeletePreparedStatement'],
        resources: [workGroupArn],
      }),
      // ListWorkGroups has no resource type.
      new iam.PolicyStatement({ actions: ['athena:ListWorkGroups'], resources: ['*'] }),
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: '*' }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: '*/*' }),
        ],
      }),
    ];
    this.athenaWorkGroupArns.push(workGroupArn);
    this.workGroupStatements.push(statements[0]);
    statements.forEach((statement) => this.userRole.addToPrincipalPolicy(statement));
    if (this.ownSessionPolicy) {
      const copies = statements.map((statement) => statement.copy());
      this.workGroupStatements.push(copies[0]);
      this.ownSessionPolicy.addStatements(...copies);
    }
    // After the statements: the acknowledgement goes on the policy resources that now exist.
    const reason = 'athena:ListWorkGroups has no resource type; the Glue reads are on this account\'s catalog (Lake Formation decides per user).';
    suppressNag(this.userRole, 'AwsSolutions-IAM5', reason, CATALOG_READ_FINDINGS);
    if (this.ownSessionPolicy) {
      suppressNag(this.ownSessionPolicy, 'AwsSolutions-IAM5', `The session policy repeats the user role's permissions: ${reason}`, CATALOG_READ_FINDINGS);
    }
  }

  private validateUserPermissions(): string[] {
    if (!this.ownSessionPolicy) {
      return [];
    }
    if (this.athenaWorkGroupArns.length === 0) {
      return ['the Studio\'s users may do nothing yet: call grantAthenaQueries(workGroupArn) (an empty session policy cannot be created).'];
    }
    const size = estimatedPolicyLength(Stack.of(this), this.ownSessionPolicy.document);
    return size > MANAGED_POLICY_QUOTA
      ? [`grantAthenaQueries: the session policy is about ${size} characters with ${this.athenaWorkGroupArns.length} workgroups; IAM allows `
        + `${MANAGED_POLICY_QUOTA} for a managed policy (not counting whitespace; gotcha G19). Give the Studio fewer workgroups, `
        + 'or pass your own sessionPolicy.']
      : [];
  }
}
