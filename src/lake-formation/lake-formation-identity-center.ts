import { Aws, CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LakeFormationIdentityCenterFunction } from './private/lake-formation-identity-center-function';
import { allowIdentityCenterApplicationManagement, identityCenterInstanceId } from '../core/private/identity-center';
import { StackProvider } from '../core/private/stack-provider';
import { check } from '../core/private/validation';

/**
 * Properties of `LakeFormationIdentityCenter`.
 */
export interface LakeFormationIdentityCenterProps {
  /** The IAM Identity Center instance ARN (`arn:<partition>:sso:::instance/ssoins-...`). */
  readonly instanceArn: string;

  /**
   * The catalog (account id) to connect.
   *
   * @default - the stack's account
   */
  readonly catalogId?: string;

  /**
   * Accounts, organizations (`arn:aws:organizations::...:organization/o-...`) or organizational
   * units that Lake Formation shares its IdC application with (through AWS RAM), so their
   * services can use Lake Formation permissions of IdC users.
   *
   * @default - not shared
   */
  readonly shareRecipients?: string[];

  /**
   * Third-party applications (their IdC application ARNs) allowed to call Lake Formation for
   * IdC users ("external filtering").
   *
   * @default - external filtering off
   */
  readonly authorizedTargets?: string[];

  /**
   * How long the handler waits and retries (throttling, concurrent modification) per request.
   *
   * @default Duration.minutes(2)
   */
  readonly timeout?: Duration;
}

/**
 * Connects Lake Formation to IAM Identity Center (step 4 of seed 002), so Lake Formation
 * permissions can name IdC users and groups (`LakeFormationPrincipal.directoryGroup`) and Athena
 * workgroups, EMR Studio and Redshift can propagate their identities. CloudFormation has no
 * resource for it; this custom resource creates, updates and deletes the configuration. There
 * is one per catalog: a configuration that already names the same instance is taken over and
 * left in place on delete, one naming another instance fails the deployment with both ARNs.
 *
 * @example
 * new LakeFormationIdentityCenter(this, 'LakeFormationIdc', {
 *   instanceArn: 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0',
 * });
 *
 * @see https://docs.aws.amazon.com/lake-formation/latest/dg/identity-center-integration.html
 */
export class LakeFormationIdentityCenter extends Construct {
  /** The IdC application that Lake Formation created (`arn:aws:sso::<account>:application/ssoins-.../apl-...`). */
  public readonly applicationArn: string;
  /** The IAM Identity Center instance ARN. */
  public readonly instanceArn: string;
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: LakeFormationIdentityCenterProps) {
    super(scope, id);
    const instanceId = identityCenterInstanceId(this, 'instanceArn', props.instanceArn);
    const catalogId = props.catalogId ?? Stack.of(this).account;
    check(Token.isUnresolved(catalogId) || /^\d{12}$/.test(catalogId), this, 'catalogId', catalogId, 'Give the 12-digit account id of the catalog.');
    for (const recipient of props.shareRecipients ?? []) {
      check(Token.isUnresolved(recipient) || /^\d{12}$/.test(recipient) || /^arn:aws[a-z-]*:organizations::\d{12}:(organization\/o-|ou\/o-)[a-z0-9/-]+$/.test(recipient),
        this, 'shareRecipients', recipient, 'Give account ids, organization ARNs or organizational unit ARNs.');
    }
    for (const target of props.authorizedTargets ?? []) {
      check(Token.isUnresolved(target) || /^arn:aws[a-z-]*:sso::\d{12}:application\/(sso)?ins-[a-zA-Z0-9-.]{16}\/apl-[a-zA-Z0-9]{16}$/.test(target),
        this, 'authorizedTargets', target, 'Give IAM Identity Center application ARNs, arn:aws:sso::<account>:application/ssoins-.../apl-....');
    }
    const timeout = props.timeout ?? Duration.minutes(2);
    check(timeout.toSeconds() >= 10 && timeout.toSeconds() <= 14 * 60, this, 'timeout', timeout.toHumanString(), 'Give between 10 seconds and 14 minutes.');

    const provider = StackProvider.of(this, {
      id: 'CdkAnalyticsAccessLakeFormationIdentityCenterProvider',
      functionClass: LakeFormationIdentityCenterFunction,
      purpose: 'create, update and delete the Lake Formation IAM Identity Center configuration',
      wildcardReason: 'the lakeformation:*IdentityCenterConfiguration actions have no resource type; Lake Formation creates its IdC '
        + 'application with the caller\'s credentials, so the sso: application actions are granted on application/<instance id>/* '
        + '(any account: the instance\'s) and applicationProvider/*; RAM resource shares get generated names, and ram:CreateResourceShare / '
        + 'GetResourceShares have no resource type.',
      policySizeFix: 'Configure Lake Formation with IAM Identity Center from fewer stacks\' resources.',
    });
    // Lake Formation supports no resource ARN in policies (Service Authorization Reference).
    provider.fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['Create', 'Update', 'Delete', 'Describe'].map((verb) => `lakeformation:${verb}LakeFormationIdentityCenterConfiguration`),
      resources: ['*'],
    }));
    // The permissions the Lake Formation developer guide lists for creating, viewing, updating
    // and deleting the integration (identity-center-integration prerequisites).
    allowIdentityCenterApplicationManagement(provider.fn, props.instanceArn, instanceId, [
      'CreateApplication', 'PutApplicationAssignmentConfiguration', 'PutApplicationAuthenticationMethod', 'PutApplicationGrant',
      'PutApplicationAccessScope', 'DescribeApplication', 'UpdateApplication', 'DeleteApplication',
      'DeleteApplicationAuthenticationMethod', 'DeleteApplicationGrant',
    ]);
    if ((props.shareRecipients ?? []).length > 0) {
      // Sharing with other accounts goes through AWS RAM resource shares in this account.
      provider.fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['ram:DeleteResourceShare', 'ram:AssociateResourceShare', 'ram:DisassociateResourceShare'],
        resources: [`arn:${Aws.PARTITION}:ram:${Aws.REGION}:${Aws.ACCOUNT_ID}:resource-share/*`],
      }));
      // CreateResourceShare and GetResourceShares have no resource type.
      provider.fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['ram:CreateResourceShare', 'ram:GetResourceShares'],
        resources: ['*'],
      }));
    }

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.fn.functionArn,
      resourceType: 'Custom::LakeFormationIdentityCenter',
      properties: {
        CatalogId: catalogId,
        InstanceArn: props.instanceArn,
        ShareRecipients: props.shareRecipients ?? [],
        AuthorizedTargets: props.authorizedTargets,
        TimeoutSeconds: timeout.toSeconds(),
      },
    });
    this.applicationArn = this.resource.getAttString('ApplicationArn');
    this.instanceArn = props.instanceArn;
  }
}
