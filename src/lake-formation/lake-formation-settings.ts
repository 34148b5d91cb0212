import { CustomResource, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LakeFormationSettingsFunction } from './private/lake-formation-settings-function';
import { StackProvider } from '../core/private/stack-provider';
import { check } from '../core/private/validation';

/**
 * Properties of `LakeFormationSettings`.
 */
export interface LakeFormationSettingsProps {
  /**
   * IAM roles or users to add as data lake administrators.
   *
   * @default - none
   */
  readonly admins?: iam.IPrincipal[];

  /**
   * IAM roles or users to add as read-only administrators.
   *
   * @default - none
   */
  readonly readOnlyAdmins?: iam.IPrincipal[];

  /**
   * Data lake parameters to set, such as `{ SET_CONTEXT: 'TRUE' }` (identity context in the S3
   * data events of trusted identity propagation) or `{ CROSS_ACCOUNT_VERSION: '4' }`.
   *
   * @default - none
   */
  readonly parameters?: { [key: string]: string };
}

/**
 * Adds administrators and parameters to the account's Lake Formation data lake settings, and
 * keeps everything else: `AWS::LakeFormation::DataLakeSettings` (like PutDataLakeSettings)
 * replaces the whole settings object, which drops the administrators and settings made elsewhere
 * (in the console, by another stack). On delete, only the administrators added here are removed;
 * parameters stay as set, also when they are taken out of `parameters` on update. Two of these
 * naming the same administrator share it: removing it from one removes it for both.
 *
 * @example
 * declare const dataAdmin: iam.IRole;
 * new LakeFormationSettings(this, 'Settings', {
 *   admins: [dataAdmin],
 *   parameters: { SET_CONTEXT: 'TRUE' },
 * });
 *
 * @see https://docs.aws.amazon.com/lake-formation/latest/APIReference/API_PutDataLakeSettings.html
 */
export class LakeFormationSettings extends Construct {
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: LakeFormationSettingsProps) {
    super(scope, id);
    const admins = principalArns(this, 'admins', props.admins ?? []);
    const readOnlyAdmins = principalArns(this, 'readOnlyAdmins', props.readOnlyAdmins ?? []);
    const parameters = props.parameters ?? {};
    for (const [key, value] of Object.entries(parameters)) {
      check(/^[A-Z][A-Z0-9_]*$/.test(key), this, 'parameters', key, 'Parameter names are upper-case words joined by "_", such as SET_CONTEXT.');
      check(typeof value === 'string' && value.length > 0, this, `parameters.${key}`, value, 'Give a non-empty string value.');
    }
    check(admins.length + readOnlyAdmins.length + Object.keys(parameters).length > 0, this, 'props', 'empty',
      'Give admins, readOnlyAdmins or parameters.');

    const provider = StackProvider.of(this, {
      id: 'CdkAnalyticsAccessLakeFormationSettingsProvider',
      functionClass: LakeFormationSettingsFunction,
      purpose: 'merge administrators and parameters into the Lake Formation data lake settings',
      wildcardReason: 'lakeformation:GetDataLakeSettings/PutDataLakeSettings have no resource type (the settings are the account\'s).',
      policySizeFix: 'Declare the data lake settings in fewer LakeFormationSettings resources per stack.',
    });
    provider.fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['lakeformation:GetDataLakeSettings', 'lakeformation:PutDataLakeSettings'],
      resources: ['*'],
    }));
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.fn.functionArn,
      resourceType: 'Custom::LakeFormationSettings',
      properties: { Admins: admins, ReadOnlyAdmins: readOnlyAdmins, Parameters: parameters },
    });
  }
}

function principalArns(scope: Construct, prop: string, principals: iam.IPrincipal[]): string[] {
  return principals.flatMap((principal) => {
    const arns = ([] as string[]).concat(principal.policyFragment.principalJson.AWS ?? []);
    // Roles and users only: a group or an account has a token ARN in the app too, and the
    // handler would refuse it only at deploy time.
    const roleOrUser = principal instanceof iam.Role || principal instanceof iam.User
      || (arns.length === 1 && !Token.isUnresolved(arns[0]) && /:(role|user)\//.test(arns[0]));
    check(arns.length === 1 && roleOrUser, scope, prop, principal.toString(),
      'Give IAM roles or users: Lake Formation administrators are IAM roles and users, not groups or accounts.');
    return arns;
  });
}
