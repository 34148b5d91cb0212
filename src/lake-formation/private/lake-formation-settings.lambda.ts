// The AWS SDK v3 comes from the Lambda runtime and is not bundled (DESIGN §6.7).
// eslint-disable-next-line import/no-extraneous-dependencies
import { DataLakeSettings, GetDataLakeSettingsCommand, LakeFormationClient, PutDataLakeSettingsCommand } from '@aws-sdk/client-lakeformation';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResourceHandler, CustomResourceResult } from '../../core/private/cfn-response';
import { Budget, Clock, parseSeconds, realClock } from '../../core/private/wait';

/** The resource properties, parsed (CloudFormation sends every scalar as a string). */
export interface SettingsProps {
  readonly admins: string[];
  readonly readOnlyAdmins: string[];
  readonly parameters: Record<string, string>;
  readonly timeoutSeconds: number;
}

/** What this resource wants of the account's settings, and what it gives up. */
interface Intent {
  readonly admins: string[];
  readonly readOnlyAdmins: string[];
  readonly parameters: Record<string, string>;
  readonly releaseAdmins: string[];
  readonly releaseReadOnlyAdmins: string[];
}

const RETRYABLE_ERRORS = new Set([
  'ConcurrentModificationException', 'ThrottledException', 'ThrottlingException', 'Throttling', 'OperationTimeoutException', 'InternalServiceException',
]);
/** Another writer can replace the settings between our read and our write: read again this many times. */
const MAX_ROUNDS = 5;

let client: LakeFormationClient | undefined;
const lakeFormation = (): LakeFormationClient => (client ??= new LakeFormationClient({}));

export const handler = customResourceHandler(onEvent);

/**
 * Add data lake administrators and parameters to the account's Lake Formation settings without
 * replacing the rest: PutDataLakeSettings (and AWS::LakeFormation::DataLakeSettings) replace the
 * whole object, which drops every administrator and setting made elsewhere. On delete, only the
 * administrators this resource added are removed; parameters stay as set.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent, context: Context, clock: Clock = realClock): Promise<CustomResourceResult> {
  const props = parseProps(event.ResourceProperties);
  const physicalResourceId = `lake-formation-settings:${event.LogicalResourceId}`;
  const budget = new Budget(clock, context, { timeoutSeconds: props.timeoutSeconds, pollSeconds: 1, retryable: RETRYABLE_ERRORS });

  if (event.RequestType === 'Delete') {
    await reconcile({
      admins: [], readOnlyAdmins: [], parameters: {}, releaseAdmins: props.admins, releaseReadOnlyAdmins: props.readOnlyAdmins,
    }, budget);
    return { physicalResourceId };
  }
  const old = event.RequestType === 'Update' ? parseProps(event.OldResourceProperties) : undefined;
  await reconcile({
    admins: props.admins,
    readOnlyAdmins: props.readOnlyAdmins,
    parameters: props.parameters,
    releaseAdmins: old ? old.admins.filter((arn) => !props.admins.includes(arn)) : [],
    releaseReadOnlyAdmins: old ? old.readOnlyAdmins.filter((arn) => !props.readOnlyAdmins.includes(arn)) : [],
  }, budget);
  return { physicalResourceId };
}

/** Read, merge, write, and read again until the settings hold what we want (another writer may race us). */
async function reconcile(intent: Intent, budget: Budget): Promise<void> {
  for (let round = 1; ; round++) {
    const current = (await budget.retrying('reading the data lake settings',
      () => lakeFormation().send(new GetDataLakeSettingsCommand({})))).DataLakeSettings ?? {};
    const next = merge(current, intent);
    if (next === undefined) {
      return;
    }
    if (round > MAX_ROUNDS) {
      throw new Error(`The data lake settings changed under us ${MAX_ROUNDS} times (another writer replaces them): deploy again when it is done.`);
    }
    await budget.retrying('writing the data lake settings', () => lakeFormation().send(new PutDataLakeSettingsCommand({ DataLakeSettings: next })));
  }
}

/** The settings with the intent applied; `undefined` when they already satisfy it. */
export function merge(current: DataLakeSettings, intent: Intent): DataLakeSettings | undefined {
  const principals = (list: DataLakeSettings['DataLakeAdmins']) => (list ?? []).flatMap((p) => (p.DataLakePrincipalIdentifier ? [p.DataLakePrincipalIdentifier] : []));
  const apply = (existing: string[], add: string[], release: string[]) => {
    const kept = existing.filter((arn) => !release.includes(arn) || add.includes(arn));
    return [...kept, ...add.filter((arn) => !kept.includes(arn))];
  };
  const admins = principals(current.DataLakeAdmins);
  const readOnly = principals(current.ReadOnlyAdmins);
  const nextAdmins = apply(admins, intent.admins, intent.releaseAdmins);
  const nextReadOnly = apply(readOnly, intent.readOnlyAdmins, intent.releaseReadOnlyAdmins);
  const parameters = { ...(current.Parameters ?? {}), ...intent.parameters };
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (same(admins, nextAdmins) && same(readOnly, nextReadOnly) && JSON.stringify(parameters) === JSON.stringify(current.Parameters ?? {})) {
    return undefined;
  }
  const asPrincipals = (arns: string[]) => arns.map((arn) => ({ DataLakePrincipalIdentifier: arn }));
  return { ...current, DataLakeAdmins: asPrincipals(nextAdmins), ReadOnlyAdmins: asPrincipals(nextReadOnly), Parameters: parameters };
}

/** Validate and convert the raw resource properties. */
export function parseProps(raw: Record<string, unknown>): SettingsProps {
  const fail = (prop: string, value: unknown, fix: string): never => {
    throw new Error(`${prop}: ${JSON.stringify(value)} is not valid. ${fix}`);
  };
  const arns = (prop: string): string[] => {
    const value = raw[prop] ?? [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/\S+$/.test(v))) {
      fail(prop, value, 'Give a list of IAM role or user ARNs.');
    }
    return [...new Set(value as string[])];
  };
  const parameters = raw.Parameters ?? {};
  if (typeof parameters !== 'object' || Array.isArray(parameters) || Object.values(parameters as object).some((v) => typeof v !== 'string')) {
    fail('Parameters', parameters, 'Give a map of string values, such as {"SET_CONTEXT": "TRUE"}.');
  }
  return {
    admins: arns('Admins'),
    readOnlyAdmins: arns('ReadOnlyAdmins'),
    parameters: parameters as Record<string, string>,
    timeoutSeconds: parseSeconds('TimeoutSeconds', raw.TimeoutSeconds, 120, fail),
  };
}
