import { Aws, Fn, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { check, validationError } from './validation';

/** `arn:<partition>:sso:::instance/ssoins-<16>` (organization instance) or `ins-<16>` (account instance). */
const INSTANCE_ARN = /^arn:aws[a-z-]*:sso:::instance\/((?:sso)?ins-[a-zA-Z0-9-.]{16})$/;

/** Identity store user and group ids: a UUID, optionally prefixed by 10 hex digits and "-". */
const IDENTITY_STORE_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

/**
 * The instance id (`ssoins-...`) of an IAM Identity Center instance ARN, checked: an application
 * ARN or an instance id given in its place fails only at deploy time otherwise.
 */
export function identityCenterInstanceId(scope: IConstruct | string, prop: string, instanceArn: string): string {
  if (Token.isUnresolved(instanceArn)) {
    return Fn.select(1, Fn.split('/', instanceArn));
  }
  const match = INSTANCE_ARN.exec(instanceArn);
  if (!match) {
    throw validationError(scope, prop, instanceArn,
      'Give the IAM Identity Center INSTANCE ARN, arn:aws:sso:::instance/ssoins-<16 characters> (aws sso-admin list-instances), not an application ARN.');
  }
  return match[1];
}

/** Check an identity store user or group id: display names are the usual mistake. */
export function checkIdentityStoreId(scope: IConstruct | string, prop: string, value: string): void {
  check(Token.isUnresolved(value) || IDENTITY_STORE_ID.test(value), scope, prop, value,
    'Give the identity store id (a UUID, optionally prefixed by 10 hex digits and "-"), not the display name.');
}

/**
 * Let a custom-resource handler call an API through which an AWS service creates, updates or
 * deletes its own IAM Identity Center application (Lake Formation's and Athena's IdC
 * configurations): the service makes the `sso:` calls with the caller's credentials, so the
 * caller needs them, scoped to the one instance. The application ARN's account is left open
 * because it is the IdC instance's account (the organization's management or delegated
 * administrator account), not necessarily this one.
 */
export function allowIdentityCenterApplicationManagement(grantee: iam.IGrantable, instanceArn: string, instanceId: string, actions: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: actions.map((action) => `sso:${action}`),
    resources: [
      instanceArn,
      `arn:${Aws.PARTITION}:sso::*:application/${instanceId}/*`,
      `arn:${Aws.PARTITION}:sso::aws:applicationProvider/*`,
    ],
  }));
}
