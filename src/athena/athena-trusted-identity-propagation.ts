import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AthenaIdcWorkGroup } from './athena-idc-work-group';
import { AccessGrantsInstance, IAccessGrantsInstance } from '../access-grants/access-grants-instance';
import { AccessGrantsLocation } from '../access-grants/access-grants-location';
import { stableIdPart } from '../core/private/ids';
import { check } from '../core/private/validation';
import { EmrIdcStudio } from '../emr/emr-idc-studio';
import { LakeFormationContextRole } from '../lake-formation/lake-formation-context-role';
import { LakeFormationGrant, LakeFormationPermission, LakeFormationPrincipal, LakeFormationResource } from '../lake-formation/lake-formation-grant';
import { LakeFormationIdentityCenter } from '../lake-formation/lake-formation-identity-center';
import { LakeFormationSettings } from '../lake-formation/lake-formation-settings';

/**
 * An S3 location of table data that Lake Formation governs.
 */
export interface AthenaTipDataLocation {
  /** The bucket. */
  readonly bucket: s3.IBucket;
  /**
   * The key prefix of the tables' data.
   *
   * @default - the whole bucket
   */
  readonly prefix?: string;
  /**
   * Whether queries may only read (no INSERT, CTAS or DELETE).
   *
   * @default true
   */
  readonly readOnly?: boolean;
}

/**
 * An IAM Identity Center group and the tables it may query.
 */
export interface AthenaTipGroup {
  /** The identity store group id (Lake Formation, the workgroup and the grants use it). */
  readonly groupId: string;
  /** The group's display name (EMR Studio maps groups by name). */
  readonly displayName: string;
  /** The databases and tables the group may use. */
  readonly resources: LakeFormationResource[];
  /**
   * The permissions on each table resource (database resources get DESCRIBE).
   *
   * @default [SELECT, DESCRIBE]
   */
  readonly permissions?: LakeFormationPermission[];
}

/**
 * Where the EMR Studio of the users goes.
 */
export interface AthenaTipStudioOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * One to five subnets.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The bucket of the Workspaces. */
  readonly workspaceBucket: s3.IBucket;
  /**
   * @default 'emr-studio/'
   */
  readonly workspacePrefix?: string;
}

/**
 * Properties of `AthenaTrustedIdentityPropagation`.
 */
export interface AthenaTrustedIdentityPropagationProps {
  /** The IAM Identity Center instance ARN (`arn:<partition>:sso:::instance/ssoins-...`). */
  readonly identityCenterInstanceArn: string;
  /** The S3 locations of the tables, registered with Lake Formation. */
  readonly dataLocations: AthenaTipDataLocation[];
  /** The bucket of the query results. */
  readonly resultsBucket: s3.IBucket;
  /**
   * The key prefix of the query results (each user's results go under `<prefix><user id>/`).
   *
   * @default 'athena-results/'
   */
  readonly resultsPrefix?: string;
  /** The IAM Identity Center groups and what each may query. */
  readonly groups: AthenaTipGroup[];
  /**
   * The EMR Studio from which the users query (IdC-enabled workgroups cannot be used from the
   * Athena console).
   *
   * @default - no Studio (SageMaker Unified Studio or the trusted identity propagation drivers)
   */
  readonly studio?: AthenaTipStudioOptions;
  /**
   * The account's S3 Access Grants instance, if it exists (there is one per account and Region).
   *
   * @default - one is created, associated with the IAM Identity Center instance
   */
  readonly accessGrantsInstance?: IAccessGrantsInstance;
  /**
   * Whether to connect Lake Formation to IAM Identity Center here (one configuration per
   * catalog; an existing one for the same instance is taken over and kept on delete).
   *
   * @default true
   */
  readonly connectLakeFormation?: boolean;
  /**
   * Data lake administrators to add (kept alongside the existing ones), for example the role
   * that deploys `LakeFormationGrant`s.
   *
   * @default - none added
   */
  readonly lakeFormationAdmins?: iam.IPrincipal[];
}

/**
 * Athena with trusted identity propagation, wired end to end (seed 002): IAM Identity Center
 * users query Lake Formation-governed tables in an IdC-enabled Athena workgroup from EMR Studio,
 * with their own identity all the way to S3.
 *
 * Creates: `LakeFormationSettings` (identity context in S3 data events, `SET_CONTEXT`),
 * `LakeFormationIdentityCenter`, a `LakeFormationContextRole` per data location (never the
 * service-linked role, G14), a `LakeFormationGrant` per group and resource, the S3 Access Grants
 * instance (or uses yours) and the results location (G15), the `AthenaIdcWorkGroup` with the
 * groups assigned and granted the results prefix (G16, G17), and the `EmrIdcStudio` with the
 * groups mapped and allowed to query the workgroup.
 *
 * @example
 * declare const data: s3.IBucket;
 * declare const results: s3.IBucket;
 * declare const workspaces: s3.IBucket;
 * declare const vpc: ec2.IVpc;
 * new AthenaTrustedIdentityPropagation(this, 'Tip', {
 *   identityCenterInstanceArn: 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0',
 *   dataLocations: [{ bucket: data, prefix: 'warehouse/' }],
 *   resultsBucket: results,
 *   groups: [{
 *     groupId: '90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901',
 *     displayName: 'analysts',
 *     resources: [LakeFormationResource.allTables('sales')],
 *   }],
 *   studio: { vpc, workspaceBucket: workspaces },
 * });
 */
export class AthenaTrustedIdentityPropagation extends Construct {
  /** The Lake Formation IAM Identity Center configuration, unless `connectLakeFormation` is false. */
  public readonly lakeFormationIdentityCenter?: LakeFormationIdentityCenter;
  /** The Lake Formation location roles, one per data location. */
  public readonly dataLocations: LakeFormationContextRole[];
  /** The Lake Formation grants. */
  public readonly grants: LakeFormationGrant[] = [];
  /** The S3 Access Grants instance. */
  public readonly accessGrantsInstance: IAccessGrantsInstance;
  /** The query results location. */
  public readonly resultsLocation: AccessGrantsLocation;
  /** The workgroup. */
  public readonly workGroup: AthenaIdcWorkGroup;
  /** The EMR Studio, if `studio` is given. */
  public readonly studio?: EmrIdcStudio;

  constructor(scope: Construct, id: string, props: AthenaTrustedIdentityPropagationProps) {
    super(scope, id);
    check(props.dataLocations.length > 0, this, 'dataLocations', props.dataLocations, 'Give at least one S3 location of table data.');
    check(props.groups.length > 0, this, 'groups', props.groups, 'Give at least one IAM Identity Center group.');
    for (const group of props.groups) {
      check(group.resources.length > 0, this, `groups[${group.displayName}].resources`, group.resources, 'Give the databases or tables the group may query.');
    }
    const instanceArn = props.identityCenterInstanceArn;

    new LakeFormationSettings(this, 'LakeFormationSettings', {
      admins: props.lakeFormationAdmins,
      parameters: { SET_CONTEXT: 'TRUE' },
    });
    if (props.connectLakeFormation ?? true) {
      this.lakeFormationIdentityCenter = new LakeFormationIdentityCenter(this, 'LakeFormationIdentityCenter', { instanceArn });
    }
    this.dataLocations = props.dataLocations.map((location, index) => new LakeFormationContextRole(this, `DataLocation${index + 1}`, {
      bucket: location.bucket,
      prefix: location.prefix,
      readOnly: location.readOnly ?? true,
    }));
    for (const group of props.groups) {
      const tablePermissions = group.permissions ?? [LakeFormationPermission.SELECT, LakeFormationPermission.DESCRIBE];
      group.resources.forEach((resource) => {
        this.grants.push(new LakeFormationGrant(this, `Grant${stableIdPart(group.groupId)}${stableIdPart(`${resource.databaseName}.${resource.tableName ?? '*'}`)}`, {
          principal: LakeFormationPrincipal.directoryGroup(group.groupId),
          resource,
          permissions: resource.kind === 'database' ? [LakeFormationPermission.DESCRIBE] : tablePermissions,
          identityCenter: this.lakeFormationIdentityCenter,
        }));
      });
    }

    this.accessGrantsInstance = props.accessGrantsInstance ?? new AccessGrantsInstance(this, 'AccessGrants', { identityCenterArn: instanceArn });
    this.resultsLocation = new AccessGrantsLocation(this, 'ResultsLocation', {
      instance: this.accessGrantsInstance,
      bucket: props.resultsBucket,
      prefix: props.resultsPrefix ?? 'athena-results/',
    });
    const groupIds = props.groups.map((group) => group.groupId);
    this.workGroup = new AthenaIdcWorkGroup(this, 'WorkGroup', {
      identityCenterInstanceArn: instanceArn,
      resultsLocation: this.resultsLocation,
      groupIds,
    });
    if (this.lakeFormationIdentityCenter) {
      this.workGroup.node.addDependency(this.lakeFormationIdentityCenter);
    }

    if (props.studio) {
      this.studio = new EmrIdcStudio(this, 'Studio', {
        identityCenterInstanceArn: instanceArn,
        vpc: props.studio.vpc,
        vpcSubnets: props.studio.vpcSubnets,
        workspaceBucket: props.studio.workspaceBucket,
        workspacePrefix: props.studio.workspacePrefix,
        groupNames: props.groups.map((group) => group.displayName),
      });
      this.studio.grantAthenaQueries(this.workGroup.workGroupArn);
    }
  }
}
