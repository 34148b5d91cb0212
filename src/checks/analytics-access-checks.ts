import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import * as rules from './private/rules';

/** One rule of the pack: the gotcha it catches, its message with the fix, and its level. */
interface GotchaRule {
  readonly gotcha: string;
  readonly info: string;
  readonly explanation: string;
  readonly level: NagMessageLevel;
  readonly rule: (node: CfnResource) => NagRuleResult;
}

const RULES: GotchaRule[] = [
  {
    gotcha: 'G1',
    info: 'The IAM Identity Center application\'s role is in no role list of this stack: associate it with the namespace or cluster before CREATE IDENTITY PROVIDER.',
    explanation: 'Redshift uses the IdC application\'s role only when it is associated with the namespace or cluster; otherwise CREATE IDENTITY PROVIDER fails with "The requested role ... is not associated to cluster". RedshiftRoleAssociation or RedshiftIdcApplication associate it.',
    level: NagMessageLevel.WARN,
    rule: rules.idcRoleAssociated,
  },
  {
    gotcha: 'G5',
    info: 'The IAM Identity Center application\'s role does not let redshift.amazonaws.com or redshift-serverless.amazonaws.com call sts:AssumeRole and sts:SetContext: add both to its trust policy.',
    explanation: 'Trusted identity propagation passes the user\'s identity with sts:SetContext; a trust with AssumeRole only makes IdC sign-in fail.',
    level: NagMessageLevel.ERROR,
    rule: rules.idcRoleSetsContext,
  },
  {
    gotcha: 'G7',
    info: 'The Serverless namespace\'s DefaultIamRoleArn is not in its IamRoles: add it to the list.',
    explanation: 'Redshift Serverless rejects the update with "The list of customer IAM roles must contain the default IAM role."',
    level: NagMessageLevel.ERROR,
    rule: rules.serverlessDefaultRoleListed,
  },
  {
    gotcha: 'G8',
    info: 'A role association targets a cluster or namespace whose IamRoles this template also sets: let one owner manage the role list.',
    explanation: 'Each owner writes the whole list, so the template\'s next update drops the roles the association added, and the other way round.',
    level: NagMessageLevel.WARN,
    rule: rules.oneRoleListOwner,
  },
  {
    gotcha: 'G9',
    info: 'More than 50 IAM roles on one cluster or namespace: the default quota is 50 (10 in some Regions); chain roles for COPY or request a quota increase.',
    explanation: 'Associating more roles than the quota fails the deployment.',
    level: NagMessageLevel.ERROR,
    rule: rules.rolesPerWarehouse,
  },
  {
    gotcha: 'G10',
    info: 'redshift:GetClusterCredentials names a resource that cannot match: use arn:<partition>:redshift:<region>:<cluster account>:dbuser:<cluster>/<user> (and dbname:<cluster>/<db>).',
    explanation: 'The ARN is in the cluster\'s account, with the cluster first; ARNs built with the caller\'s account or as dbuser:<user>/<db> give "not authorized to perform: redshift:GetClusterCredentials".',
    level: NagMessageLevel.ERROR,
    rule: rules.getClusterCredentialsResources,
  },
  {
    gotcha: 'G12',
    info: 'The role of a Redshift Data API rule target does not trust events.amazonaws.com with sts:AssumeRole: add it to the trust policy.',
    explanation: 'EventBridge runs the scheduled query with this role; without the trust the schedule never runs.',
    level: NagMessageLevel.ERROR,
    rule: rules.scheduledQueryRoleTrustsEvents,
  },
  {
    gotcha: 'G13',
    info: 'The role runs Data API statements on a Serverless workgroup but may not call redshift-serverless:GetCredentials or read a secret: grant one of them.',
    explanation: 'The Data API needs temporary credentials (GetCredentials) or a secret to connect to a workgroup; without them the statement is "not authorized".',
    level: NagMessageLevel.WARN,
    rule: rules.serverlessDataApiCredentials,
  },
  {
    gotcha: 'G14',
    info: 'This app uses trusted identity propagation but the Lake Formation location\'s role cannot be assumed with sts:SetContext: register it with a role trusted by lakeformation.amazonaws.com for sts:AssumeRole and sts:SetContext (not the service-linked role).',
    explanation: 'The service-linked role cannot allow sts:SetContext; queries fail with "please allow sts:SetContext".',
    level: NagMessageLevel.ERROR,
    rule: rules.lakeFormationLocationSetsContext,
  },
  {
    gotcha: 'G15',
    info: 'The S3 Access Grants location role does not let access-grants.s3.amazonaws.com call sts:AssumeRole and sts:SetSourceIdentity (and sts:SetContext with IAM Identity Center): add them to its trust policy.',
    explanation: 'S3 Access Grants vends credentials with these session actions; a role created by the console wizard lacks them and every grant fails.',
    level: NagMessageLevel.ERROR,
    rule: rules.accessGrantsLocationTrust,
  },
  {
    gotcha: 'G16',
    info: 'The access grant covers nothing it seems to: end a prefix grant\'s S3SubPrefix in "*", and type only a single object as S3PrefixType Object.',
    explanation: 'A prefix without "*" or a prefix typed as an object matches no key; Athena then says the results bucket "does not exist".',
    level: NagMessageLevel.ERROR,
    rule: rules.accessGrantScope,
  },
  {
    gotcha: 'G17',
    info: 'The IdC Athena workgroup\'s execution role does not let athena.amazonaws.com call sts:AssumeRole and sts:SetContext: add both to its trust policy.',
    explanation: 'Athena assumes the execution role with the user\'s identity context; without sts:SetContext, credential vending fails.',
    level: NagMessageLevel.ERROR,
    rule: rules.athenaIdcExecutionRoleTrust,
  },
  {
    gotcha: 'G19',
    info: 'An IAM document is over its size quota: trim it, split it across roles, or raise the trust-policy quota (up to 4,096).',
    explanation: 'IAM counts characters without whitespace: 2,048 per trust policy by default, 10,240 for all inline policies of a role, 6,144 per managed policy. The deployment fails otherwise.',
    level: NagMessageLevel.ERROR,
    rule: rules.policySizes,
  },
  {
    gotcha: 'G21',
    info: 'An AWS-managed *FullAccess or AdministratorAccess policy is attached: grant the actions the workload needs on its resources instead.',
    explanation: 'The articles behind this library all "fixed" permissions this way; these policies allow every action of a service, or every service.',
    level: NagMessageLevel.ERROR,
    rule: rules.noFullAccessPolicies,
  },
];

/**
 * A cdk-nag rule pack that checks any app, not only the parts built with this library, for the
 * access mistakes behind the errors users of Redshift, Athena and Lake Formation hit: one rule
 * per gotcha that a template shows (rule ids `AnalyticsAccess-G<n>`). Suppress a finding the way
 * cdk-nag does (`NagSuppressions`).
 *
 * @example
 * declare const app: App;
 * Aspects.of(app).add(new AnalyticsAccessChecks());
 */
export class AnalyticsAccessChecks extends NagPack {
  constructor(props?: NagPackProps) {
    super(props);
    this.packName = 'AnalyticsAccess';
  }

  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource)) {
      return;
    }
    for (const rule of RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.gotcha,
        info: rule.info,
        explanation: rule.explanation,
        level: rule.level,
        rule: rule.rule,
        node,
      });
    }
  }
}
