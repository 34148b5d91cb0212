import * as iam from 'aws-cdk-lib/aws-iam';
import { checkDataApiAccess, type DataApiGrantOptions } from '../data-api-auth';
import { validationError } from './validation';
import type { RedshiftTarget } from '../redshift-target';

/** Why the owner-scoped statement actions are on Resource "*", for cdk-nag on roles the library owns. */
export const DATA_API_STATEMENTS_WILDCARD_REASON = 'redshift-data DescribeStatement, CancelStatement, GetStatementResult and ListStatements have no resource type; '
  + 'they are limited to the caller\'s own statements by redshift-data:statement-owner-iam-userid.';

/**
 * The Data API permissions on one target: run statements there (`ExecuteStatement`,
 * `BatchExecuteStatement` on the cluster or workgroup ARN), describe, cancel and optionally read
 * only the caller's own statements (`redshift-data:statement-owner-iam-userid`), and the
 * credentials of `auth`.
 */
export function grantDataApiAccess(grantee: iam.IGrantable, target: RedshiftTarget, options: DataApiGrantOptions): iam.Grant {
  checkDataApiAccess(`RedshiftTarget(${target.toString()}).grantDataApi`, options.auth, target, options.database);
  const run = iam.Grant.addToPrincipal({
    grantee,
    actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
    resourceArns: [target.dataApiArn],
  });
  const ownStatements = iam.Grant.addToPrincipal({
    grantee,
    actions: [
      'redshift-data:DescribeStatement',
      'redshift-data:CancelStatement',
      ...(options.readResults ?? true
        ? ['redshift-data:GetStatementResult', 'redshift-data:ListStatements']
        : []),
    ],
    // These actions have no resource type: statements are scoped by their owner instead.
    resourceArns: ['*'],
    conditions: ownerCondition(grantee, target, options),
  });
  return run.combine(ownStatements).combine(options.auth.grantCredentials(grantee, target, options.database));
}

/** This session's statements, or, when asked for, those of every session of the grantee role. */
function ownerCondition(grantee: iam.IGrantable, target: RedshiftTarget, options: DataApiGrantOptions): Record<string, Record<string, unknown>> {
  if (!options.statementsOfAllSessions) {
    return { StringEquals: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' } };
  }
  const principal = grantee.grantPrincipal;
  if (!(principal instanceof iam.Role)) {
    throw validationError(`RedshiftTarget(${target.toString()}).grantDataApi`, 'statementsOfAllSessions', true,
      'Statements of all sessions are scoped by the unique id of a role: grant to an iam.Role defined in this app.');
  }
  // A role session's user id is "<role id>:<session name>".
  return { StringLike: { 'redshift-data:statement-owner-iam-userid': `${principal.roleId}:*` } };
}
