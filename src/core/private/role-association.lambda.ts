// The AWS SDK v3 comes from the Lambda runtime and is not bundled (DESIGN §6.7).
// eslint-disable-next-line import/no-extraneous-dependencies
import { DescribeClustersCommand, ModifyClusterIamRolesCommand, RedshiftClient } from '@aws-sdk/client-redshift';
// eslint-disable-next-line import/no-extraneous-dependencies
import { GetNamespaceCommand, RedshiftServerlessClient, UpdateNamespaceCommand } from '@aws-sdk/client-redshift-serverless';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResourceHandler, CustomResourceResult, withPhysicalResourceId } from './cfn-response';
import { Budget, Clock, errorName, parseSeconds, realClock } from './wait';

/** The resource properties, parsed (CloudFormation sends every scalar as a string). */
export interface RoleAssociationProps {
  readonly targetType: 'cluster' | 'namespace';
  readonly targetName: string;
  readonly roleArns: string[];
  readonly defaultRoleArn?: string;
  readonly waitTimeoutSeconds: number;
  readonly pollIntervalSeconds: number;
}

const RETRYABLE_ERRORS = new Set([
  'ConflictException', // Serverless: "can't update multiple configurations at the same time", "There is an operation running on the namespace" (G7)
  'InvalidClusterStateFault', // cluster not in the available state
  'ThrottlingException', 'Throttling', 'TooManyRequestsException',
]);
const NOT_FOUND_ERRORS = new Set(['ClusterNotFoundFault', 'ResourceNotFoundException']);
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

let redshift: RedshiftClient | undefined;
let serverless: RedshiftServerlessClient | undefined;

export const handler = customResourceHandler(onEvent);

/** Associate the owned roles with the target and remove the ones no longer owned; foreign roles stay (G8). */
export async function onEvent(event: CloudFormationCustomResourceEvent, context: Context, clock: Clock = realClock): Promise<CustomResourceResult> {
  const props = parseProps(event.ResourceProperties);
  const physicalResourceId = physicalIdOf(props);
  const budget = new Budget(clock, context, {
    timeoutSeconds: props.waitTimeoutSeconds, pollSeconds: props.pollIntervalSeconds, retryable: RETRYABLE_ERRORS,
  });
  const target = props.targetType === 'cluster' ? clusterTarget(props.targetName) : namespaceTarget(props.targetName);

  if (event.RequestType === 'Delete') {
    try {
      await reconcile(target, { ensure: [], remove: props.roleArns }, budget);
    } catch (error) {
      if (!NOT_FOUND_ERRORS.has(errorName(error))) {
        throw error;
      }
      console.log(`${target.label} no longer exists: nothing to disassociate`);
    }
    return { physicalResourceId };
  }

  if (event.RequestType === 'Update' && event.PhysicalResourceId === physicalResourceId) {
    const old = parseProps(event.OldResourceProperties);
    // After a rollback the old properties may name another target: none of them is ours here.
    const oldHere = physicalIdOf(old) === physicalResourceId;
    await reconcile(target, {
      ensure: props.roleArns,
      remove: oldHere ? old.roleArns : [],
      defaultRole: props.defaultRoleArn,
      releaseDefault: oldHere && !props.defaultRoleArn ? old.defaultRoleArn : undefined,
    }, budget);
    return { physicalResourceId };
  }

  // Create, or Update to another target (a new physical id: CloudFormation then deletes the old one).
  const progress = { wrote: false };
  try {
    await reconcile(target, { ensure: props.roleArns, remove: [], defaultRole: props.defaultRoleArn }, budget, progress);
  } catch (error) {
    // A Create that already wrote must be rolled back by a Delete that reaches the target.
    throw progress.wrote && event.RequestType === 'Create' ? withPhysicalResourceId(error, physicalResourceId) : error;
  }
  return { physicalResourceId };
}

/** Validate and convert the raw resource properties. */
export function parseProps(raw: Record<string, unknown>): RoleAssociationProps {
  const fail = (prop: string, value: unknown, fix: string): never => {
    throw new Error(`${prop}: ${JSON.stringify(value)} is not valid. ${fix}`);
  };
  const targetType = raw.TargetType;
  if (targetType !== 'cluster' && targetType !== 'namespace') {
    fail('TargetType', targetType, "Use 'cluster' (provisioned) or 'namespace' (Serverless).");
  }
  const targetName = raw.TargetName;
  if (typeof targetName !== 'string' || targetName.trim() === '') {
    fail('TargetName', targetName, 'Give the cluster identifier or the namespace name.');
  }
  const roleArns = raw.RoleArns;
  if (!Array.isArray(roleArns) || roleArns.some((arn) => typeof arn !== 'string' || !ROLE_ARN.test(arn))) {
    fail('RoleArns', roleArns, 'Give a list of IAM role ARNs (arn:aws:iam::<account>:role/<name>).');
  }
  const defaultRoleArn = raw.DefaultRoleArn === undefined || raw.DefaultRoleArn === '' ? undefined : raw.DefaultRoleArn;
  if (defaultRoleArn !== undefined && !(roleArns as unknown[]).includes(defaultRoleArn)) {
    fail('DefaultRoleArn', defaultRoleArn, 'The default role must be one of RoleArns (G7: the role list must contain the default IAM role).');
  }
  return {
    targetType: targetType as 'cluster' | 'namespace',
    targetName: targetName as string,
    roleArns: [...new Set(roleArns as string[])],
    defaultRoleArn: defaultRoleArn as string | undefined,
    waitTimeoutSeconds: parseSeconds('WaitTimeoutSeconds', raw.WaitTimeoutSeconds, undefined, fail),
    pollIntervalSeconds: parseSeconds('PollIntervalSeconds', raw.PollIntervalSeconds, 15, fail),
  };
}

/**
 * GetNamespace returns each role as text such as
 * `IamRole(applyStatus=in-sync, iamRoleArn=arn:aws:iam::123456789012:role/x)`, the two fields
 * in either order, and may return a plain ARN. Role names may contain commas.
 */
export function parseNamespaceRole(raw: string): { readonly arn: string; readonly applyStatus?: string } {
  const text = raw.trim();
  const arn = /iamRoleArn=(.*?)(?:,\s*applyStatus=[^,)]*)?\)$/.exec(text)?.[1];
  if (arn === undefined) {
    return { arn: text };
  }
  return { arn: arn.trim(), applyStatus: /applyStatus=([^,)\s]+)/.exec(text)?.[1] };
}

interface RoleState {
  readonly roles: string[];
  readonly defaultRole?: string;
  /** For messages: the status the target reported. */
  readonly status: string;
  readonly ready: boolean;
}

interface Change {
  readonly add: string[];
  readonly remove: string[];
  /** The full role list after the change. */
  readonly roles: string[];
  readonly defaultRole?: string;
  readonly setDefault: boolean;
  readonly clearDefault: boolean;
}

interface Target {
  readonly label: string;
  readonly readyStatus: string;
  /** Only UpdateNamespace documents how to clear a default; ModifyClusterIamRoles has no way. */
  readonly canClearDefault: boolean;
  read(): Promise<RoleState>;
  write(change: Change): Promise<void>;
}

interface Intent {
  readonly ensure: string[];
  readonly remove: string[];
  readonly defaultRole?: string;
  /** Our former default: cleared if it is still the default, kept if someone else changed it. */
  readonly releaseDefault?: string;
}

function clusterTarget(clusterIdentifier: string): Target {
  const client = () => (redshift ??= new RedshiftClient({}));
  return {
    label: `cluster "${clusterIdentifier}"`,
    readyStatus: "'available' with every role 'in-sync'",
    canClearDefault: false,
    async read() {
      const out = await client().send(new DescribeClustersCommand({ ClusterIdentifier: clusterIdentifier }));
      const cluster = out.Clusters?.[0];
      if (!cluster) {
        throw Object.assign(new Error(`Cluster ${clusterIdentifier} not found.`), { name: 'ClusterNotFoundFault' });
      }
      const iamRoles = cluster.IamRoles ?? [];
      const pending = iamRoles.filter((r) => r.ApplyStatus !== 'in-sync').map((r) => `${r.IamRoleArn} ${r.ApplyStatus}`);
      return {
        roles: iamRoles.flatMap((r) => (r.IamRoleArn ? [r.IamRoleArn] : [])),
        defaultRole: cluster.DefaultIamRoleArn || undefined,
        status: [cluster.ClusterStatus ?? 'unknown', ...pending].join(', '),
        ready: cluster.ClusterStatus === 'available' && pending.length === 0,
      };
    },
    async write(change) {
      // ModifyClusterIamRoles is incremental: send only the diff, so other owners' roles are untouched.
      await client().send(new ModifyClusterIamRolesCommand({
        ClusterIdentifier: clusterIdentifier,
        AddIamRoles: change.add.length > 0 ? change.add : undefined,
        RemoveIamRoles: change.remove.length > 0 ? change.remove : undefined,
        DefaultIamRoleArn: change.setDefault ? change.defaultRole : undefined,
      }));
    },
  };
}

function namespaceTarget(namespaceName: string): Target {
  const client = () => (serverless ??= new RedshiftServerlessClient({}));
  return {
    label: `namespace "${namespaceName}"`,
    readyStatus: 'AVAILABLE',
    canClearDefault: true,
    async read() {
      const out = await client().send(new GetNamespaceCommand({ namespaceName }));
      const namespace = out.namespace;
      return {
        roles: (namespace?.iamRoles ?? []).map((raw) => parseNamespaceRole(raw).arn),
        defaultRole: namespace?.defaultIamRoleArn || undefined,
        status: namespace?.status ?? 'unknown',
        ready: namespace?.status === 'AVAILABLE',
      };
    },
    async write(change) {
      // G7: iamRoles and defaultIamRoleArn "must be updated together" (UpdateNamespace API reference),
      // so always send the full list with the default; an empty default clears it.
      await client().send(new UpdateNamespaceCommand({
        namespaceName,
        iamRoles: change.roles,
        defaultIamRoleArn: change.defaultRole ?? '',
      }));
    },
  };
}

/** What must change on the target so that it satisfies the intent; `undefined` when it already does. */
function planChange(state: RoleState, intent: Intent, canClearDefault: boolean): Change | undefined {
  const leaving = (role: string) => intent.remove.includes(role) && !intent.ensure.includes(role);
  const remove = state.roles.filter(leaving);
  const add = intent.ensure.filter((role) => !state.roles.includes(role));
  const roles = [...state.roles.filter((role) => !leaving(role)), ...add];

  let defaultRole = state.defaultRole;
  if (intent.defaultRole) {
    defaultRole = intent.defaultRole;
  } else if (defaultRole && (leaving(defaultRole) || defaultRole === intent.releaseDefault)) {
    defaultRole = undefined;
  }
  const setDefault = defaultRole !== undefined && defaultRole !== state.defaultRole;
  const clearDefault = canClearDefault && defaultRole === undefined && state.defaultRole !== undefined;
  if (add.length === 0 && remove.length === 0 && !setDefault && !clearDefault) {
    return undefined;
  }
  return { add, remove, roles, defaultRole, setDefault, clearDefault };
}

/**
 * Read, write the difference, and read again until the target is ready and satisfies the intent:
 * another owner writing the namespace's full list at the same time can drop our roles (G8).
 */
async function reconcile(target: Target, intent: Intent, budget: Budget, progress = { wrote: false }): Promise<void> {
  for (;;) {
    const state = await waitUntilReady(target, budget);
    const change = planChange(state, intent, target.canClearDefault);
    if (!change) {
      return;
    }
    if (progress.wrote) {
      console.warn(`${target.label} changed under us (G8: another owner of the role list?); writing again: ${describeChange(change)}`);
    }
    budget.check(() => `applying ${describeChange(change)} to ${target.label}`);
    console.log(`${target.label}: ${describeChange(change)}`);
    progress.wrote = true;
    await budget.retrying(`updating the roles of ${target.label}`, () => target.write(change));
    // The change is asynchronous: give the target time to leave its ready state before re-reading.
    await budget.sleep(budget.pollMs);
  }
}

async function waitUntilReady(target: Target, budget: Budget): Promise<RoleState> {
  for (;;) {
    const state = await budget.retrying(`reading ${target.label}`, () => target.read());
    if (state.ready) {
      return state;
    }
    budget.check(() => `waiting for ${target.label} to become ${target.readyStatus}; last status: ${state.status}`);
    await budget.sleep(budget.pollMs);
  }
}

function physicalIdOf(props: RoleAssociationProps): string {
  return `${props.targetType}:${props.targetName}`;
}

function describeChange(change: Change): string {
  const parts = [
    change.add.length > 0 ? `add ${change.add.join(', ')}` : '',
    change.remove.length > 0 ? `remove ${change.remove.join(', ')}` : '',
    change.setDefault ? `set default ${change.defaultRole}` : '',
    change.clearDefault ? 'clear the default role' : '',
  ];
  return parts.filter((part) => part !== '').join('; ');
}
