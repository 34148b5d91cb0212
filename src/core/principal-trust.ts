import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { check } from './private/validation';
import { SessionAction } from './service-trust';

/**
 * Conditions and session actions of a trust in IAM principals.
 */
export interface PrincipalTrustOptions {
  /**
   * Session actions the callers may perform besides `sts:AssumeRole`. A caller that already has
   * a source identity must be allowed `sts:SetSourceIdentity` on every later role (gotcha G20).
   *
   * @default - none
   */
  readonly sessionActions?: SessionAction[];

  /**
   * Only principals of this AWS Organizations organization (`aws:PrincipalOrgID`).
   *
   * @default - no organization condition
   */
  readonly principalOrgId?: string;

  /**
   * An external id the callers must pass to `sts:AssumeRole` (`sts:ExternalId`). Only the
   * AssumeRole statement carries it: the session actions' requests have no such key.
   *
   * @default - none
   */
  readonly externalId?: string;

  /**
   * The only role session name callers may use (`sts:RoleSessionName`). Where the session name
   * becomes an identity downstream (the Redshift Data API database user on Serverless, gotcha
   * G11), this makes it fixed.
   *
   * @default - any session name
   */
  readonly roleSessionName?: string;
}

/**
 * Options for a trust in the principals of one account selected by a condition.
 */
export interface SelectedPrincipalsTrustOptions extends PrincipalTrustOptions {
  /**
   * The account whose principals are trusted.
   *
   * @default - the account of the stack the role is in
   */
  readonly account?: string;
}

/**
 * A trust in named IAM principals of other accounts: exactly the roles given (their ARNs), or,
 * only when asked for by name, whole accounts. `sts:AssumeRole` with all the conditions asked
 * for; the session actions asked for with the organization condition only (their requests carry
 * no external id or session name).
 *
 * Use it as the `assumedBy` of an `iam.Role`.
 *
 * @example
 * declare const consumer: iam.IRole;
 * const role = new iam.Role(this, 'Role', {
 *   assumedBy: PrincipalTrust.roles([consumer], { roleSessionName: 'reporting' }),
 * });
 */
export class PrincipalTrust extends iam.PrincipalBase implements iam.IAssumeRolePrincipal {
  /**
   * Exactly these roles. A role of another account must have a physical name (for example
   * `roleName: PhysicalName.GENERATE_IF_NEEDED`) so that its ARN is known to this account.
   */
  public static roles(roles: iam.IRole[], options: PrincipalTrustOptions = {}): PrincipalTrust {
    check(roles.length > 0, 'PrincipalTrust.roles', 'roles', roles, 'Give at least one role.');
    return new PrincipalTrust(roles.map((role) => role.roleArn), options);
  }

  /**
   * Exactly these IAM users or roles (their ARNs), such as the people who create schedules.
   */
  public static principals(principals: iam.IPrincipal[], options: PrincipalTrustOptions = {}): PrincipalTrust {
    const where = 'PrincipalTrust.principals';
    check(principals.length > 0, where, 'principals', principals, 'Give at least one user or role.');
    const arns = principals.flatMap((principal) => {
      const aws = ([] as string[]).concat(principal.policyFragment.principalJson.AWS ?? []);
      check(aws.length > 0, where, 'principals', principal.toString(), 'Give IAM users or roles (principals with an ARN), not services or federated principals.');
      return aws;
    });
    return new PrincipalTrust(arns, options);
  }

  /**
   * The roles of one account under an IAM path (`aws:PrincipalArn` like
   * `arn:<partition>:iam::<account>:role<path>*`), however many: the trust policy does not grow
   * with them (gotcha G19). The account is the principal, so each role also needs
   * `sts:AssumeRole` on this role in its own policy.
   *
   * @param path an IAM path such as `/analysts/`
   */
  public static rolesWithPath(path: string, options: SelectedPrincipalsTrustOptions = {}): PrincipalTrust {
    check(Token.isUnresolved(path) || /^\/([\x21-\x7e]+\/)?$/.test(path) && path.length <= 512, 'PrincipalTrust.rolesWithPath', 'path', path,
      'An IAM path starts and ends with "/", such as "/analysts/".');
    const account = options.account ?? Aws.ACCOUNT_ID;
    return new PrincipalTrust([`arn:${Aws.PARTITION}:iam::${account}:root`], options, {
      ArnLike: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${account}:role${path}*` },
    });
  }

  /**
   * The users and roles of one account that carry a tag (`aws:PrincipalTag/<key>` = value),
   * however many: the trust policy does not grow with them (gotcha G19). Each also needs
   * `sts:AssumeRole` on this role in its own policy.
   */
  public static principalsWithTag(tagKey: string, tagValue: string, options: SelectedPrincipalsTrustOptions = {}): PrincipalTrust {
    check(Token.isUnresolved(tagKey) || /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(tagKey), 'PrincipalTrust.principalsWithTag', 'tagKey', tagKey,
      'A tag key is 1-128 letters, digits, spaces and _.:/=+-@.');
    const account = options.account ?? Aws.ACCOUNT_ID;
    return new PrincipalTrust([`arn:${Aws.PARTITION}:iam::${account}:root`], options, {
      StringEquals: { [`aws:PrincipalTag/${tagKey}`]: tagValue },
    });
  }

  /**
   * Every principal of these accounts that its own account allows to assume the role: the
   * account's administrators decide who. Prefer `roles`.
   */
  public static accounts(accountIds: string[], options: PrincipalTrustOptions = {}): PrincipalTrust {
    check(accountIds.length > 0, 'PrincipalTrust.accounts', 'accountIds', accountIds, 'Give at least one account id.');
    for (const account of accountIds) {
      check(Token.isUnresolved(account) || /^\d{12}$/.test(account), 'PrincipalTrust.accounts', 'accountIds', account, 'Give 12-digit AWS account ids.');
    }
    return new PrincipalTrust(accountIds.map((account) => `arn:${Aws.PARTITION}:iam::${account}:root`), options);
  }

  public readonly policyFragment: iam.PrincipalPolicyFragment;
  /** The trusted principal ARNs. */
  public readonly principalArns: string[];
  /** The actions callers may perform: `sts:AssumeRole` and the session actions. */
  public readonly actions: string[];
  private readonly sessionActions: string[];
  private readonly assumeConditions: Record<string, Record<string, unknown>>;
  private readonly sessionConditions: Record<string, Record<string, unknown>>;

  private constructor(arns: string[], options: PrincipalTrustOptions, selection: Record<string, Record<string, string>> = {}) {
    super();
    this.principalArns = arns;
    this.sessionActions = [...new Set(options.sessionActions ?? [])];
    this.actions = ['sts:AssumeRole', ...this.sessionActions];
    const org: Record<string, string> = {};
    if (options.principalOrgId !== undefined) {
      check(Token.isUnresolved(options.principalOrgId) || /^o-[a-z0-9]{10,32}$/.test(options.principalOrgId),
        'PrincipalTrust', 'principalOrgId', options.principalOrgId, 'Give the organization id, o- followed by 10-32 lowercase letters or digits.');
      org['aws:PrincipalOrgID'] = options.principalOrgId;
    }
    // sts:ExternalId and sts:RoleSessionName exist in AssumeRole requests only: on the statement
    // of the session actions they would never match, and SetSourceIdentity/TagSession would fail.
    const assumeOnly: Record<string, string> = {};
    if (options.externalId !== undefined) {
      check(Token.isUnresolved(options.externalId) || /^[\w+=,.@:/-]{2,1224}$/.test(options.externalId),
        'PrincipalTrust', 'externalId', options.externalId, 'An external id is 2-1224 letters, digits and _+=,.@:/-.');
      assumeOnly['sts:ExternalId'] = options.externalId;
    }
    if (options.roleSessionName !== undefined) {
      check(Token.isUnresolved(options.roleSessionName) || /^[\w+=,.@-]{2,64}$/.test(options.roleSessionName),
        'PrincipalTrust', 'roleSessionName', options.roleSessionName, 'A role session name is 2-64 letters, digits and _+=,.@-.');
      assumeOnly['sts:RoleSessionName'] = options.roleSessionName;
    }
    // The selection (path, tag) applies to every statement: it says who the principals are.
    const conditions = (values: Record<string, string>): Record<string, Record<string, unknown>> => {
      const result: Record<string, Record<string, unknown>> = {};
      for (const [operator, keys] of Object.entries(selection)) {
        result[operator] = { ...keys };
      }
      if (Object.keys(values).length > 0) {
        result.StringEquals = { ...(result.StringEquals ?? {}), ...values };
      }
      return result;
    };
    this.assumeConditions = conditions({ ...org, ...assumeOnly });
    this.sessionConditions = conditions(org);
    this.policyFragment = new iam.PrincipalPolicyFragment({ AWS: arns }, this.assumeConditions);
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    const statement = (actions: string[], conditions: Record<string, Record<string, unknown>>) => new iam.PolicyStatement({
      principals: this.principalArns.map((arn) => new iam.ArnPrincipal(arn)),
      actions,
      conditions: Object.keys(conditions).length > 0 ? conditions : undefined,
    });
    const separate = this.sessionActions.length > 0 && JSON.stringify(this.assumeConditions) !== JSON.stringify(this.sessionConditions);
    if (separate) {
      document.addStatements(statement(['sts:AssumeRole'], this.assumeConditions), statement(this.sessionActions, this.sessionConditions));
    } else {
      document.addStatements(statement(this.actions, this.assumeConditions));
    }
  }

  public dedupeString(): string | undefined {
    return `PrincipalTrust:${JSON.stringify([this.principalArns, this.actions, this.assumeConditions])}`;
  }

  public toString(): string {
    return `PrincipalTrust(${this.principalArns.join(',')})`;
  }
}
