import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The session actions a service may need besides `sts:AssumeRole`.
 */
export enum SessionAction {
  /**
   * `sts:SetContext`: trusted identity propagation passes the IAM Identity Center user's
   * context into the session (gotchas G5, G14, G15).
   */
  SET_CONTEXT = 'sts:SetContext',
  /**
   * `sts:SetSourceIdentity`: a source identity, once set, is sticky, so every later hop must
   * allow it (gotcha G20).
   */
  SET_SOURCE_IDENTITY = 'sts:SetSourceIdentity',
  /** `sts:TagSession`: the caller passes session tags. */
  TAG_SESSION = 'sts:TagSession',
}

/**
 * Options for the Amazon Redshift service trust.
 */
export interface RedshiftTrustOptions {
  /**
   * Restrict the role to these AWS Regions by trusting the regional service principals
   * `redshift.<region>.amazonaws.com` instead of the global one.
   *
   * @see https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-regions.html
   * @default - the global principal `redshift.amazonaws.com`: any Region
   */
  readonly regions?: string[];

  /**
   * Session actions to allow besides `sts:AssumeRole`.
   *
   * @default - none
   */
  readonly sessionActions?: SessionAction[];
}

/**
 * Options for the Amazon S3 Access Grants service trust.
 */
export interface AccessGrantsTrustOptions {
  /**
   * The ARN of the S3 Access Grants instance that may use the role
   * (`arn:<partition>:s3:<region>:<account>:access-grants/default`).
   */
  readonly instanceArn: string;

  /**
   * The account that owns the Access Grants instance.
   *
   * @default - the account of the stack the role is in
   */
  readonly account?: string;
}

/**
 * Options for the Amazon EventBridge service trust.
 */
export interface EventsTrustOptions {
  /**
   * Only these rules (on the default event bus) may make EventBridge use the role.
   *
   * @default - any rule of the account, or those of `ruleNamePrefix`
   */
  readonly ruleArns?: string[];

  /**
   * Only rules of the default event bus whose names start with this prefix (`aws:SourceArn`
   * `ArnLike` `rule/<prefix>*`), for roles shared by rules created later, in the console too.
   *
   * @default - any rule of the account
   */
  readonly ruleNamePrefix?: string;

  /**
   * The account of the rules.
   *
   * @default - the account of the stack the role is in
   */
  readonly account?: string;

  /**
   * The Region of the rules.
   *
   * @default - the Region of the stack the role is in
   */
  readonly region?: string;
}

interface TrustStatement {
  readonly actions: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/**
 * A service principal that a role trusts, with exactly the session actions and the
 * confused-deputy conditions AWS documents for that service: nothing added on a guess, since
 * a condition key the service does not send makes the role unusable.
 *
 * Use it as the `assumedBy` of an `iam.Role`; combine several with `iam.CompositePrincipal`.
 *
 * @example
 * const role = new iam.Role(this, 'Role', {
 *   assumedBy: ServiceTrust.redshiftWarehouse(),
 * });
 */
export class ServiceTrust extends iam.PrincipalBase implements iam.IAssumeRolePrincipal {
  /**
   * Amazon Redshift (`redshift.amazonaws.com`, or regional principals).
   *
   * AWS documents no `aws:SourceAccount`/`aws:SourceArn` condition for Redshift; it documents
   * Region restriction (this option) and `sts:ExternalId` set to the ARNs of the database users
   * allowed to use the role (the `externalIds` of `iam.Role`).
   *
   * @see https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-database-users.html
   */
  public static redshift(options: RedshiftTrustOptions = {}): ServiceTrust {
    const services = options.regions && options.regions.length > 0
      ? options.regions.map(region => `redshift.${region}.amazonaws.com`)
      : ['redshift.amazonaws.com'];
    return new ServiceTrust(services, [{ actions: ['sts:AssumeRole', ...(options.sessionActions ?? [])] }]);
  }

  /**
   * Amazon Redshift Serverless (`redshift-serverless.amazonaws.com`).
   *
   * @see https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-iam.html
   */
  public static redshiftServerless(sessionActions: SessionAction[] = []): ServiceTrust {
    return new ServiceTrust(['redshift-serverless.amazonaws.com'], [{ actions: ['sts:AssumeRole', ...sessionActions] }]);
  }

  /**
   * Both Redshift principals: a role that a provisioned cluster or a Serverless namespace
   * assumes (COPY/UNLOAD, IdC application, scheduled queries).
   */
  public static redshiftWarehouse(options: RedshiftTrustOptions = {}): iam.CompositePrincipal {
    return new iam.CompositePrincipal(
      ServiceTrust.redshift(options),
      ServiceTrust.redshiftServerless(options.sessionActions),
    );
  }

  /**
   * Amazon EventBridge (`events.amazonaws.com`), for rule targets that run with a role:
   * `aws:SourceAccount` = the rules' account, and `aws:SourceArn` = the rule ARNs (or the ARNs of
   * the rules whose names start with `ruleNamePrefix`), as EventBridge's confused-deputy
   * prevention documents for event bus rule targets.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
   */
  public static events(options: EventsTrustOptions = {}): ServiceTrust {
    const account = options.account ?? Aws.ACCOUNT_ID;
    const conditions: Record<string, Record<string, unknown>> = { StringEquals: { 'aws:SourceAccount': account } };
    if (options.ruleArns && options.ruleArns.length > 0) {
      conditions.ArnEquals = { 'aws:SourceArn': options.ruleArns };
    } else if (options.ruleNamePrefix !== undefined) {
      const region = options.region ?? Aws.REGION;
      conditions.ArnLike = { 'aws:SourceArn': `arn:${Aws.PARTITION}:events:${region}:${account}:rule/${options.ruleNamePrefix}*` };
    }
    return new ServiceTrust(['events.amazonaws.com'], [{ actions: ['sts:AssumeRole'], conditions }]);
  }

  /**
   * AWS Lake Formation (`lakeformation.amazonaws.com`) for a user-defined location role:
   * `sts:AssumeRole` and `sts:SetContext`, which the service-linked role cannot allow (G14).
   *
   * @see https://docs.aws.amazon.com/lake-formation/latest/dg/registration-role.html
   */
  public static lakeFormation(): ServiceTrust {
    return new ServiceTrust(['lakeformation.amazonaws.com'], [{ actions: ['sts:AssumeRole', SessionAction.SET_CONTEXT] }]);
  }

  /**
   * Amazon Athena (`athena.amazonaws.com`) for the execution role of an IAM Identity Center
   * enabled workgroup: `sts:AssumeRole` and `sts:SetContext`, which carries the user's identity
   * to Lake Formation and S3 Access Grants (G17). AWS documents no `aws:SourceAccount` /
   * `aws:SourceArn` condition for this role (the role the Athena console creates has none).
   *
   * @see https://docs.aws.amazon.com/athena/latest/ug/workgroups-identity-center.html
   */
  public static athena(): ServiceTrust {
    return new ServiceTrust(['athena.amazonaws.com'], [{ actions: ['sts:AssumeRole', SessionAction.SET_CONTEXT] }]);
  }

  /**
   * Amazon EMR Studio (`elasticmapreduce.amazonaws.com`) for a Studio's service role:
   * `sts:AssumeRole` from this account's EMR resources (`aws:SourceAccount`, and `aws:SourceArn`
   * like `arn:<partition>:elasticmapreduce:<region>:<account>:*`), as the EMR Studio guide
   * documents against the confused deputy.
   *
   * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-studio-service-role.html
   */
  public static emrStudioService(): ServiceTrust {
    return new ServiceTrust(['elasticmapreduce.amazonaws.com'], [{
      actions: ['sts:AssumeRole'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:elasticmapreduce:${Aws.REGION}:${Aws.ACCOUNT_ID}:*` },
      },
    }]);
  }

  /**
   * Amazon EMR Studio (`elasticmapreduce.amazonaws.com`) for the user role of a Studio with IAM
   * Identity Center: `sts:AssumeRole` and `sts:SetContext`, with which the Studio starts trusted
   * identity propagation. AWS documents no source condition for this role.
   *
   * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-studio-user-permissions.html
   */
  public static emrStudioUser(): ServiceTrust {
    return new ServiceTrust(['elasticmapreduce.amazonaws.com'], [{ actions: ['sts:AssumeRole', SessionAction.SET_CONTEXT] }]);
  }

  /**
   * Amazon S3 Access Grants (`access-grants.s3.amazonaws.com`) for a location role: the two
   * statements of the trusted identity propagation tutorial (G15), each conditioned on
   * `aws:SourceAccount` and `aws:SourceArn` = the instance; `sts:SetContext` only with the
   * IAM Identity Center context provider.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-grants-location-register.html
   */
  public static accessGrants(options: AccessGrantsTrustOptions): ServiceTrust {
    const source = {
      StringEquals: { 'aws:SourceAccount': options.account ?? Aws.ACCOUNT_ID },
      ArnEquals: { 'aws:SourceArn': options.instanceArn },
    };
    return new ServiceTrust(['access-grants.s3.amazonaws.com'], [
      { actions: ['sts:AssumeRole', SessionAction.SET_SOURCE_IDENTITY], conditions: source },
      {
        actions: [SessionAction.SET_CONTEXT],
        conditions: {
          ...source,
          'ForAllValues:ArnEquals': { 'sts:RequestContextProviders': `arn:${Aws.PARTITION}:iam::aws:contextProvider/IdentityCenter` },
        },
      },
    ]);
  }

  public readonly policyFragment: iam.PrincipalPolicyFragment;

  private constructor(private readonly services: string[], private readonly statements: TrustStatement[]) {
    super();
    // Used when this principal appears in another resource policy: the AssumeRole statement's
    // conditions describe who the principal is.
    this.policyFragment = new iam.PrincipalPolicyFragment(
      { Service: services },
      statements[0].conditions as Record<string, any> | undefined,
    );
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    for (const statement of this.statements) {
      document.addStatements(new iam.PolicyStatement({
        principals: this.services.map(service => new iam.ServicePrincipal(service)),
        actions: statement.actions,
        conditions: statement.conditions,
      }));
    }
  }

  public dedupeString(): string | undefined {
    return `ServiceTrust:${JSON.stringify([this.services, this.statements])}`;
  }

  public toString(): string {
    return `ServiceTrust(${this.services.join(',')})`;
  }
}
