// The AWS SDK v3 comes from the Lambda runtime and is not bundled (DESIGN §6.7).
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  AthenaClient,
  CreateWorkGroupCommand,
  DeleteWorkGroupCommand,
  GetWorkGroupCommand,
  ListTagsForResourceCommand,
  UpdateWorkGroupCommand,
  WorkGroup,
} from '@aws-sdk/client-athena';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResourceHandler, CustomResourceResult, withPhysicalResourceId } from '../../core/private/cfn-response';
import { Budget, Clock, errorName, parseSeconds, realClock } from '../../core/private/wait';

/** The resource properties, parsed (CloudFormation sends every scalar as a string). */
export interface WorkGroupProps {
  readonly name: string;
  readonly workGroupArn: string;
  readonly description: string;
  readonly instanceArn: string;
  readonly executionRoleArn: string;
  readonly outputLocation: string;
  readonly createUserLevelPrefix: boolean;
  readonly engineVersion: string;
  readonly publishCloudWatchMetrics: boolean;
  readonly recursiveDelete: boolean;
  readonly timeoutSeconds: number;
}

/**
 * Marks the workgroups a stack created (value: the stack id), so a retried Create takes its own
 * back and nobody else's, and the handler's policy reaches only its stack's workgroups.
 */
export const OWNER_TAG = 'cdk-analytics-access:owner';

const RETRYABLE_ERRORS = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'InternalServerException']);

let client: AthenaClient | undefined;
const athena = (): AthenaClient => (client ??= new AthenaClient({}));

export const handler = customResourceHandler(onEvent);

/**
 * Create, update and delete an IAM Identity Center enabled Athena workgroup (AWS::Athena::WorkGroup
 * cannot enable IAM Identity Center). The IdC settings are set only at creation (G17): a new
 * instance needs a new workgroup name, which CloudFormation handles as a replacement.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent, context: Context, clock: Clock = realClock): Promise<CustomResourceResult> {
  const props = parseProps(event.ResourceProperties);
  const budget = new Budget(clock, context, { timeoutSeconds: props.timeoutSeconds, pollSeconds: 2, retryable: RETRYABLE_ERRORS });
  const owner = event.StackId;

  if (event.RequestType === 'Delete') {
    // The physical id names the workgroup this resource made (the old one, after a rename).
    await deleteWorkGroup(event.PhysicalResourceId, props.recursiveDelete, budget);
    return { physicalResourceId: event.PhysicalResourceId };
  }
  if (event.RequestType === 'Update') {
    const old = parseProps(event.OldResourceProperties);
    if (old.name === props.name) {
      if (old.instanceArn !== props.instanceArn) {
        throw new Error(`Workgroup ${props.name}: the IAM Identity Center instance is set only when a workgroup is created (Athena has no update for it). `
          + 'Give a new workGroupName (or leave it to the construct): CloudFormation then creates the new workgroup and deletes the old one.');
      }
      await budget.retrying(`updating workgroup ${props.name}`, () => athena().send(new UpdateWorkGroupCommand({
        WorkGroup: props.name,
        Description: props.description,
        ConfigurationUpdates: { ...updatableSettings(props), ResultConfigurationUpdates: { OutputLocation: props.outputLocation } },
      })));
      return result(props.name, await waitForApplication(props, budget));
    }
    // A new name: a new workgroup; CloudFormation deletes the old one after a successful update.
  }
  await createWorkGroup(props, owner, budget);
  try {
    return result(props.name, await waitForApplication(props, budget));
  } catch (error) {
    if (event.RequestType === 'Create') {
      // The rollback Delete of this id removes the workgroup.
      throw withPhysicalResourceId(error, props.name);
    }
    // A failed rename keeps the old physical id, so nothing would delete the new workgroup.
    await deleteWorkGroup(props.name, props.recursiveDelete, budget).catch((cleanup) => console.log(`Could not delete ${props.name}: ${cleanup}`));
    throw error;
  }
}

function result(name: string, workGroup: WorkGroup): CustomResourceResult {
  return { physicalResourceId: name, data: { WorkGroupName: name, IdentityCenterApplicationArn: workGroup.IdentityCenterApplicationArn } };
}

/** The settings that CreateWorkGroup and UpdateWorkGroup share (the IdC ones are create-only). */
function updatableSettings(props: WorkGroupProps) {
  return {
    // A per-user results prefix needs the workgroup settings enforced.
    EnforceWorkGroupConfiguration: true,
    ExecutionRole: props.executionRoleArn,
    EngineVersion: { SelectedEngineVersion: props.engineVersion },
    PublishCloudWatchMetricsEnabled: props.publishCloudWatchMetrics,
    // Query results are written with the user's identity through S3 Access Grants.
    QueryResultsS3AccessGrantsConfiguration: {
      EnableS3AccessGrants: true, CreateUserLevelPrefix: props.createUserLevelPrefix, AuthenticationType: 'DIRECTORY_IDENTITY' as const,
    },
  };
}

async function createWorkGroup(props: WorkGroupProps, owner: string, budget: Budget): Promise<void> {
  try {
    await budget.retrying(`creating workgroup ${props.name}`, () => athena().send(new CreateWorkGroupCommand({
      Name: props.name,
      Description: props.description,
      Configuration: {
        ...updatableSettings(props),
        ResultConfiguration: { OutputLocation: props.outputLocation },
        IdentityCenterConfiguration: { EnableIdentityCenter: true, IdentityCenterInstanceArn: props.instanceArn },
      },
      Tags: [{ Key: OWNER_TAG, Value: owner }],
    })));
  } catch (error) {
    if (!isAlreadyCreated(error)) {
      throw error;
    }
    // A retried Create finds the workgroup it made; any other workgroup of that name is not ours.
    const ownerTag = await ownerOf(props, budget);
    if (ownerTag !== owner) {
      throw new Error(`A workgroup named ${props.name} already exists and was not created by this resource${ownerTag ? ` (it belongs to ${ownerTag})` : ''}. `
        + 'Give another workGroupName, or delete the existing workgroup.');
    }
  }
}

/** The owner tag of an existing workgroup; `undefined` when it has none or is not ours to read (the policy allows only our stack's). */
async function ownerOf(props: WorkGroupProps, budget: Budget): Promise<string | undefined> {
  try {
    const tags = await budget.retrying(`reading the tags of workgroup ${props.name}`,
      () => athena().send(new ListTagsForResourceCommand({ ResourceARN: props.workGroupArn })));
    return (tags.Tags ?? []).find((tag) => tag.Key === OWNER_TAG)?.Value;
  } catch (error) {
    if (['AccessDeniedException', 'AccessDenied'].includes(errorName(error))) {
      return undefined;
    }
    throw error;
  }
}

/** Athena creates the workgroup's IdC application with the workgroup; wait until GetWorkGroup names it. */
async function waitForApplication(props: WorkGroupProps, budget: Budget): Promise<WorkGroup> {
  for (;;) {
    const workGroup = (await budget.retrying(`reading workgroup ${props.name}`,
      () => athena().send(new GetWorkGroupCommand({ WorkGroup: props.name })))).WorkGroup;
    if (workGroup?.IdentityCenterApplicationArn) {
      return workGroup;
    }
    budget.check(() => `waiting for the IAM Identity Center application of workgroup ${props.name}`);
    await budget.sleep(budget.pollMs);
  }
}

async function deleteWorkGroup(name: string, recursiveDelete: boolean, budget: Budget): Promise<void> {
  try {
    await budget.retrying(`deleting workgroup ${name}`,
      () => athena().send(new DeleteWorkGroupCommand({ WorkGroup: name, RecursiveDeleteOption: recursiveDelete })));
  } catch (error) {
    if (!isNotFound(error)) {
      throw error;
    }
  }
}

/** Athena reports both with InvalidRequestException and says which in the message. */
function isAlreadyCreated(error: unknown): boolean {
  return errorName(error) === 'InvalidRequestException' && /already (created|exists)/i.test((error as Error).message);
}

function isNotFound(error: unknown): boolean {
  return errorName(error) === 'InvalidRequestException' && /not found|does not exist/i.test((error as Error).message);
}

/** Validate and convert the raw resource properties. */
export function parseProps(raw: Record<string, unknown>): WorkGroupProps {
  const fail = (prop: string, value: unknown, fix: string): never => {
    throw new Error(`${prop}: ${JSON.stringify(value)} is not valid. ${fix}`);
  };
  const text = (prop: string, pattern: RegExp, fix: string): string => {
    const value = raw[prop];
    if (typeof value !== 'string' || !pattern.test(value)) {
      fail(prop, value, fix);
    }
    return value as string;
  };
  const flag = (prop: string, fallback: boolean): boolean => {
    const value = raw[prop];
    if (value === undefined) {
      return fallback;
    }
    if (value !== true && value !== false && value !== 'true' && value !== 'false') {
      fail(prop, value, 'Give true or false.');
    }
    return value === true || value === 'true';
  };
  return {
    name: text('Name', /^[a-zA-Z0-9._-]{1,128}$/, 'Give 1 to 128 letters, digits, ".", "_" or "-".'),
    workGroupArn: text('WorkGroupArn', /^arn:aws[a-z-]*:athena:[a-z0-9-]+:\d{12}:workgroup\/[a-zA-Z0-9._-]{1,128}$/, 'Give the workgroup ARN.'),
    description: text('Description', /^[\s\S]{0,1024}$/, 'Give at most 1024 characters.'),
    instanceArn: text('InstanceArn', /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/, 'Give an IAM Identity Center instance ARN.'),
    executionRoleArn: text('ExecutionRoleArn', /^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, 'Give an IAM role ARN.'),
    outputLocation: text('OutputLocation', /^s3:\/\/[a-z0-9.-]{3,63}\/\S*$/, 'Give s3://<bucket>/<prefix>/.'),
    createUserLevelPrefix: flag('CreateUserLevelPrefix', true),
    engineVersion: text('EngineVersion', /^(AUTO|Athena engine version \d+)$/, 'Give AUTO or "Athena engine version <n>".'),
    publishCloudWatchMetrics: flag('PublishCloudWatchMetrics', true),
    recursiveDelete: flag('RecursiveDelete', false),
    timeoutSeconds: parseSeconds('TimeoutSeconds', raw.TimeoutSeconds, 120, fail),
  };
}
