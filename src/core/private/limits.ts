/**
 * Most roles Amazon Redshift accepts in one `IAM_ROLE` chain (gotcha G9).
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service.html#authorizing-redshift-service-chaining-roles
 */
export const MAX_ROLE_CHAIN_LENGTH = 10;
