// The AWS SDK v3 comes from the Lambda runtime and is not bundled (DESIGN §6.7).
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  CreateLakeFormationIdentityCenterConfigurationCommand,
  DeleteLakeFormationIdentityCenterConfigurationCommand,
  DescribeLakeFormationIdentityCenterConfigurationCommand,
  DescribeLakeFormationIdentityCenterConfigurationCommandOutput,
  LakeFormationClient,
  UpdateLakeFormationIdentityCenterConfigurationCommand,
} from '@aws-sdk/client-lakeformation';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResourceHandler, CustomResourceResult, withPhysicalResourceId } from '../../core/private/cfn-response';
import { Budget, Clock, errorName, parseSeconds, realClock } from '../../core/private/wait';

/** The resource properties, parsed (CloudFormation sends every scalar as a string). */
export interface IdentityCenterProps {
  readonly catalogId: string;
  readonly instanceArn: string;
  /** Third-party applications (IdC application ARNs) allowed to call Lake Formation for IdC users; `undefined` = filtering off. */
  readonly authorizedTargets?: string[];
  /** Accounts, organizations or OUs that the configuration's IdC application is shared with. */
  readonly shareRecipients: string[];
  readonly timeoutSeconds: number;
}

const RETRYABLE_ERRORS = new Set([
  'ConcurrentModificationException', 'ThrottledException', 'ThrottlingException', 'Throttling', 'OperationTimeoutException', 'InternalServiceException',
]);

/** The configuration was there before this resource: delete leaves it. */
const ADOPTED_SUFFIX = ':adopted';

let client: LakeFormationClient | undefined;
const lakeFormation = (): LakeFormationClient => (client ??= new LakeFormationClient({}));

export const handler = customResourceHandler(onEvent);

/**
 * Create, update and delete the Lake Formation IAM Identity Center configuration of one catalog
 * (there is no CloudFormation resource for it). There is one configuration per catalog: a
 * configuration that already names the same IdC instance is taken over and left in place on
 * delete; one naming another instance is refused. The instance cannot be updated in place
 * (UpdateLakeFormationIdentityCenterConfiguration has no InstanceArn), so a new instance deletes
 * and re-creates the configuration, which is then this resource's. A configuration deleted
 * outside the stack is created again on update.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent, context: Context, clock: Clock = realClock): Promise<CustomResourceResult> {
  const props = parseProps(event.ResourceProperties);
  const budget = new Budget(clock, context, { timeoutSeconds: props.timeoutSeconds, pollSeconds: 1, retryable: RETRYABLE_ERRORS });
  const ownId = `lake-formation-identity-center:${props.catalogId}`;

  if (event.RequestType === 'Delete') {
    if (!event.PhysicalResourceId.endsWith(ADOPTED_SUFFIX)) {
      await deleteConfiguration(props.catalogId, budget);
    }
    return { physicalResourceId: event.PhysicalResourceId };
  }

  if (event.RequestType === 'Update') {
    const old = parseProps(event.OldResourceProperties);
    if (old.catalogId === props.catalogId) {
      const existing = await describe(props.catalogId, budget);
      if (existing && existing.InstanceArn !== props.instanceArn && existing.InstanceArn === old.instanceArn) {
        // InstanceArn is set only on create: delete and create again. The configuration is
        // ours from now on, also if it was taken over (a new id: the old one's Delete is a no-op).
        await deleteConfiguration(props.catalogId, budget);
        return { physicalResourceId: ownId, data: { ApplicationArn: await create(props, budget, ownId) } };
      }
      if (existing) {
        checkSameInstance(existing, props);
        await update(props, budget);
        return result(event.PhysicalResourceId, existing);
      }
      // Deleted outside the stack: create it again.
      return { physicalResourceId: ownId, data: { ApplicationArn: await create(props, budget, ownId) } };
    }
    // Another catalog: a new physical id; CloudFormation deletes the old catalog's configuration afterwards.
  }
  const existing = await describe(props.catalogId, budget);
  if (existing) {
    checkSameInstance(existing, props);
    await update(props, budget);
    return result(`${ownId}${ADOPTED_SUFFIX}`, existing);
  }
  return { physicalResourceId: ownId, data: { ApplicationArn: await create(props, budget, ownId) } };
}

type Described = DescribeLakeFormationIdentityCenterConfigurationCommandOutput;

function result(physicalResourceId: string, described: Described): CustomResourceResult {
  return { physicalResourceId, data: { ApplicationArn: described.ApplicationArn ?? '' } };
}

function checkSameInstance(existing: DescribeLakeFormationIdentityCenterConfigurationCommandOutput, props: IdentityCenterProps): void {
  if (existing.InstanceArn !== props.instanceArn) {
    throw new Error(`Catalog ${props.catalogId} is already connected to IAM Identity Center instance ${existing.InstanceArn}, not ${props.instanceArn}. `
      + 'Lake Formation has one Identity Center configuration per catalog: delete the existing one (Lake Formation console, '
      + 'Administration > IAM Identity Center integration) or name the same instance.');
  }
}

async function describe(catalogId: string, budget: Budget): Promise<DescribeLakeFormationIdentityCenterConfigurationCommandOutput | undefined> {
  try {
    return await budget.retrying('reading the Lake Formation Identity Center configuration',
      () => lakeFormation().send(new DescribeLakeFormationIdentityCenterConfigurationCommand({ CatalogId: catalogId })));
  } catch (error) {
    if (errorName(error) === 'EntityNotFoundException') {
      return undefined;
    }
    throw error;
  }
}

/** Create the configuration; returns the IdC application Lake Formation made for it. */
async function create(props: IdentityCenterProps, budget: Budget, physicalResourceId: string): Promise<string> {
  try {
    const created = await budget.retrying('creating the Lake Formation Identity Center configuration', () => lakeFormation().send(
      new CreateLakeFormationIdentityCenterConfigurationCommand({
        CatalogId: props.catalogId,
        InstanceArn: props.instanceArn,
        ExternalFiltering: externalFiltering(props),
        ShareRecipients: shareRecipients(props),
      })));
    if (!created.ApplicationArn) {
      throw withPhysicalResourceId(new Error('Lake Formation created the Identity Center configuration but returned no application ARN.'), physicalResourceId);
    }
    return created.ApplicationArn;
  } catch (error) {
    if (errorName(error) === 'AlreadyExistsException') {
      // Another writer created one between our read and our write: it is not ours to delete.
      throw error;
    }
    // Whatever this call managed to create is cleaned up by the rollback Delete of this id.
    throw withPhysicalResourceId(error, physicalResourceId);
  }
}

async function update(props: IdentityCenterProps, budget: Budget): Promise<void> {
  await budget.retrying('updating the Lake Formation Identity Center configuration', () => lakeFormation().send(
    new UpdateLakeFormationIdentityCenterConfigurationCommand({
      CatalogId: props.catalogId,
      ExternalFiltering: externalFiltering(props),
      ShareRecipients: shareRecipients(props),
    })));
}

async function deleteConfiguration(catalogId: string, budget: Budget): Promise<void> {
  try {
    await budget.retrying('deleting the Lake Formation Identity Center configuration',
      () => lakeFormation().send(new DeleteLakeFormationIdentityCenterConfigurationCommand({ CatalogId: catalogId })));
  } catch (error) {
    if (errorName(error) !== 'EntityNotFoundException') {
      throw error;
    }
  }
}

function externalFiltering(props: IdentityCenterProps) {
  return props.authorizedTargets
    ? { Status: 'ENABLED' as const, AuthorizedTargets: props.authorizedTargets }
    : { Status: 'DISABLED' as const, AuthorizedTargets: [] };
}

function shareRecipients(props: IdentityCenterProps) {
  return props.shareRecipients.map((id) => ({ DataLakePrincipalIdentifier: id }));
}

/** Validate and convert the raw resource properties. */
export function parseProps(raw: Record<string, unknown>): IdentityCenterProps {
  const fail = (prop: string, value: unknown, fix: string): never => {
    throw new Error(`${prop}: ${JSON.stringify(value)} is not valid. ${fix}`);
  };
  const catalogId = raw.CatalogId;
  if (typeof catalogId !== 'string' || !/^\d{12}$/.test(catalogId)) {
    fail('CatalogId', catalogId, 'Give the 12-digit account id of the catalog.');
  }
  const instanceArn = raw.InstanceArn;
  if (typeof instanceArn !== 'string' || !/^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/.test(instanceArn)) {
    fail('InstanceArn', instanceArn, 'Give an IAM Identity Center instance ARN, arn:aws:sso:::instance/ssoins-<16 characters>.');
  }
  const strings = (prop: string): string[] | undefined => {
    const value = raw[prop];
    if (value === undefined) {
      return undefined;
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
      fail(prop, value, 'Give a list of non-empty strings.');
    }
    return [...new Set(value as string[])];
  };
  return {
    catalogId: catalogId as string,
    instanceArn: instanceArn as string,
    authorizedTargets: strings('AuthorizedTargets'),
    shareRecipients: strings('ShareRecipients') ?? [],
    timeoutSeconds: parseSeconds('TimeoutSeconds', raw.TimeoutSeconds, 120, fail),
  };
}
