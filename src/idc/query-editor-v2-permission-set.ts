import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as sso from 'aws-cdk-lib/aws-sso';
import { Construct } from 'constructs';
import { stableIdPart } from '../core/private/ids';
import { check } from '../core/private/validation';

/**
 * Properties of a `QueryEditorV2PermissionSet`.
 */
export interface QueryEditorV2PermissionSetProps {
  /** The ARN of the IAM Identity Center instance. */
  readonly idcInstanceArn: string;

  /**
   * The Region whose Query Editor v2 the permission set opens (the relay state).
   *
   * @default - the Region of the stack
   */
  readonly region?: string;

  /**
   * IdC groups (identity store group ids) to assign the permission set to, in each of `accounts`.
   *
   * @default - no assignments
   */
  readonly groupIds?: string[];

  /**
   * AWS accounts in which the groups get the permission set.
   *
   * @default - no assignments
   */
  readonly accounts?: string[];

  /**
   * The name of the permission set: 1-32 letters, digits and `_+=,.@-`.
   *
   * @default 'RedshiftQueryEditorV2'
   */
  readonly permissionSetName?: string;

  /**
   * How long a session lasts (1 to 12 hours).
   *
   * @default Duration.hours(1)
   */
  readonly sessionDuration?: Duration;

  /**
   * Managed policies for Query Editor v2's own actions (`sqlworkbench:*`), which the library does
   * not choose for you: AWS documents the read-only `AmazonRedshiftQueryEditorV2ReadSharing` for
   * this permission set, or give a customer-managed policy of your own (by ARN). `*FullAccess`
   * and `AdministratorAccess` policies are refused.
   *
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/setting-up-tip-redshift.html
   * @default - none: only the IdC application look-ups below, not enough to run queries in Query Editor v2
   */
  readonly managedPolicyArns?: string[];
}

/**
 * An IAM Identity Center permission set for Amazon Redshift Query Editor v2 with trusted
 * identity propagation: its relay state opens Query Editor v2 in the warehouse's Region, and it
 * allows the IdC application look-ups AWS documents for it, instead of administrator access.
 * Query Editor v2's own permissions come from the managed policy you choose (`managedPolicyArns`):
 * the library attaches no AWS-managed policy by itself.
 *
 * Deploy it in the stack of the IAM Identity Center management (or delegated administrator)
 * account: permission sets are created there.
 *
 * @example
 * new QueryEditorV2PermissionSet(this, 'QueryEditor', {
 *   idcInstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
 *   region: 'us-east-1',
 *   groupIds: ['90677d4a4c-1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901'],
 *   accounts: ['111111111111'],
 * });
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/setting-up-tip-redshift.html
 */
export class QueryEditorV2PermissionSet extends Construct {
  /** The permission set. */
  public readonly permissionSet: sso.CfnPermissionSet;
  /** The ARN of the permission set. */
  public readonly permissionSetArn: string;

  constructor(scope: Construct, id: string, props: QueryEditorV2PermissionSetProps) {
    super(scope, id);
    const name = props.permissionSetName ?? 'RedshiftQueryEditorV2';
    check(Token.isUnresolved(name) || /^[\w+=,.@-]{1,32}$/.test(name), this, 'permissionSetName', name,
      'Use 1-32 letters, digits and _+=,.@- (CreatePermissionSet).');
    const duration = props.sessionDuration ?? Duration.hours(1);
    const hours = duration.toHours({ integral: false });
    check(hours >= 1 && hours <= 12, this, 'sessionDuration', `${hours} hours`, 'Use between 1 and 12 hours.');
    const region = props.region ?? Stack.of(this).region;
    const managedPolicyArns = props.managedPolicyArns ?? [];
    for (const arn of managedPolicyArns) {
      // G21: least privilege is the point of this library; a full-access policy is never the fix.
      check(Token.isUnresolved(arn) || !/(FullAccess|AdministratorAccess)$/.test(arn), this, 'managedPolicyArns', arn,
        'Attach a read-only or scoped policy (AWS documents AmazonRedshiftQueryEditorV2ReadSharing for Query Editor v2), not a *FullAccess or AdministratorAccess one.');
    }

    this.permissionSet = new sso.CfnPermissionSet(this, 'Resource', {
      instanceArn: props.idcInstanceArn,
      name,
      description: 'Amazon Redshift Query Editor v2 with IAM Identity Center (cdk-analytics-access)',
      relayStateType: `https://${region}.console.aws.amazon.com/sqlworkbench/home`,
      sessionDuration: duration.toIsoString(),
      managedPolicies: managedPolicyArns.length > 0 ? managedPolicyArns : undefined,
      inlinePolicy: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'QueryEditorV2IdcApplications',
          Effect: 'Allow',
          // AWS documents these list actions with Resource "*" for Query Editor v2 users.
          Action: [
            'redshift:DescribeQev2IdcApplications',
            'redshift-serverless:ListNamespaces',
            'redshift-serverless:ListWorkgroups',
            'redshift-serverless:GetWorkgroup',
          ],
          Resource: '*',
        }],
      },
    });
    this.permissionSetArn = this.permissionSet.attrPermissionSetArn;

    for (const account of props.accounts ?? []) {
      check(Token.isUnresolved(account) || /^\d{12}$/.test(account), this, 'accounts', account, 'Give 12-digit AWS account ids.');
      for (const groupId of props.groupIds ?? []) {
        new sso.CfnAssignment(this, `Assignment${stableIdPart(`${account}/${groupId}`, 0)}`, {
          instanceArn: props.idcInstanceArn,
          permissionSetArn: this.permissionSetArn,
          principalId: groupId,
          principalType: 'GROUP',
          targetId: account,
          targetType: 'AWS_ACCOUNT',
        });
      }
    }
  }
}
