import {
  ClusterNotFoundFault,
  DescribeClustersCommand,
  InvalidClusterStateFault,
  ModifyClusterIamRolesCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  ConflictException,
  GetNamespaceCommand,
  NamespaceStatus,
  RedshiftServerlessClient,
  ResourceNotFoundException,
  ThrottlingException,
  UpdateNamespaceCommand,
  ValidationException,
} from '@aws-sdk/client-redshift-serverless';
import { mockClient } from 'aws-sdk-client-mock';
import { CREATE_FAILED_PHYSICAL_ID, customResourceHandler, responseBody, setHttpPut } from '../../src/core/private/cfn-response';
import { handler, onEvent, parseNamespaceRole } from '../../src/core/private/role-association.lambda';
import { cfnEvents, eventBase, fakeClock, lambdaContext, Props } from '../handler-events';

const redshift = mockClient(RedshiftClient);
const serverless = mockClient(RedshiftServerlessClient);

const OURS_A = 'arn:aws:iam::123456789012:role/ours-a';
const OURS_B = 'arn:aws:iam::123456789012:role/ours-b';
const OURS_C = 'arn:aws:iam::123456789012:role/ours-c';
const FOREIGN = 'arn:aws:iam::123456789012:role/foreign';
const OTHER_OWNER = 'arn:aws:iam::123456789012:role/other-owner';

const BASE = eventBase('Custom::RedshiftRoleAssociation', 'RoleAssociation', '123456789012');
const { createEvent, updateEvent, deleteEvent } = cfnEvents(BASE);

const clusterProps = (extra: Props = {}): Props => ({ TargetType: 'cluster', TargetName: 'c1', WaitTimeoutSeconds: '600', ...extra });
const namespaceProps = (extra: Props = {}): Props => ({ TargetType: 'namespace', TargetName: 'ns1', WaitTimeoutSeconds: '600', ...extra });

function cluster(roles: string[], opts: { status?: string; defaultRole?: string; applyStatus?: string } = {}) {
  return {
    Clusters: [{
      ClusterIdentifier: 'c1',
      ClusterStatus: opts.status ?? 'available',
      DefaultIamRoleArn: opts.defaultRole,
      IamRoles: roles.map((arn) => ({ IamRoleArn: arn, ApplyStatus: opts.applyStatus ?? 'in-sync' })),
    }],
  };
}

function namespace(roles: string[], opts: { status?: NamespaceStatus; defaultRole?: string } = {}) {
  return {
    namespace: {
      namespaceName: 'ns1',
      status: opts.status ?? 'AVAILABLE',
      defaultIamRoleArn: opts.defaultRole,
      // The shape GetNamespace really returns (see parseNamespaceRole).
      iamRoles: roles.map((arn) => `IamRole(applyStatus=in-sync, iamRoleArn=${arn})`),
    },
  };
}

const modifyCalls = () => redshift.commandCalls(ModifyClusterIamRolesCommand).map((call) => call.args[0].input);
const updateCalls = () => serverless.commandCalls(UpdateNamespaceCommand).map((call) => call.args[0].input);
const namedError = (name: string, message: string) => Object.assign(new Error(message), { name });

beforeEach(() => {
  redshift.reset();
  serverless.reset();
  setHttpPut(undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.useRealTimers();
});

describe('Create', () => {
  test('cluster: adds only the missing owned roles and sets the default', async () => {
    // GIVEN a cluster that already has a foreign role and one of ours
    redshift.on(DescribeClustersCommand)
      .resolvesOnce(cluster([FOREIGN, OURS_A]))
      .resolves(cluster([FOREIGN, OURS_A, OURS_B], { defaultRole: OURS_B }));
    redshift.on(ModifyClusterIamRolesCommand).resolves({});
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(clusterProps({ RoleArns: [OURS_A, OURS_B], DefaultRoleArn: OURS_B })), lambdaContext(), clock);

    // THEN one incremental call adds the missing role and makes it the default
    expect(result.physicalResourceId).toBe('cluster:c1');
    expect(modifyCalls()).toEqual([{ ClusterIdentifier: 'c1', AddIamRoles: [OURS_B], RemoveIamRoles: undefined, DefaultIamRoleArn: OURS_B }]);
  });

  test('cluster: does not write when every owned role is already there', async () => {
    // GIVEN
    redshift.on(DescribeClustersCommand).resolves(cluster([FOREIGN, OURS_A]));

    // WHEN
    await onEvent(createEvent(clusterProps({ RoleArns: [OURS_A] })), lambdaContext(), fakeClock());

    // THEN
    expect(modifyCalls()).toEqual([]);
  });

  test('namespace: sends the full list with foreign roles and the existing default kept (G7)', async () => {
    // GIVEN a namespace whose default role belongs to someone else
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN], { defaultRole: FOREIGN }))
      .resolves(namespace([FOREIGN, OURS_A, OURS_B], { defaultRole: FOREIGN }));
    serverless.on(UpdateNamespaceCommand).resolves({});

    // WHEN we associate two roles without asking for a default
    const result = await onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A, OURS_B] })), lambdaContext(), fakeClock());

    // THEN the whole list goes out with the default it already had
    expect(result.physicalResourceId).toBe('namespace:ns1');
    expect(updateCalls()).toEqual([{ namespaceName: 'ns1', iamRoles: [FOREIGN, OURS_A, OURS_B], defaultIamRoleArn: FOREIGN }]);
  });

  test('namespace: sets the requested default together with the full list', async () => {
    // GIVEN
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN]))
      .resolves(namespace([FOREIGN, OURS_A], { defaultRole: OURS_A }));
    serverless.on(UpdateNamespaceCommand).resolves({});

    // WHEN
    await onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A], DefaultRoleArn: OURS_A })), lambdaContext(), fakeClock());

    // THEN
    expect(updateCalls()).toEqual([{ namespaceName: 'ns1', iamRoles: [FOREIGN, OURS_A], defaultIamRoleArn: OURS_A }]);
  });

  test('waits until the namespace is AVAILABLE before writing (MODIFYING -> AVAILABLE)', async () => {
    // GIVEN a namespace busy with another change
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN], { status: 'MODIFYING' }))
      .resolvesOnce(namespace([FOREIGN]))
      .resolves(namespace([FOREIGN, OURS_A]));
    serverless.on(UpdateNamespaceCommand).callsFake(() => {
      // THEN the write only comes after an AVAILABLE read
      expect(serverless.commandCalls(GetNamespaceCommand)).toHaveLength(2);
      return {};
    });
    const clock = fakeClock();

    // WHEN
    await onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A], PollIntervalSeconds: '5' })), lambdaContext(), clock);

    // THEN it polled at the requested interval and wrote once
    expect(clock.sleeps[0]).toBe(5_000);
    expect(updateCalls()).toHaveLength(1);
  });

  test('waits until every cluster role is in-sync', async () => {
    // GIVEN our role is still being added after the write
    redshift.on(DescribeClustersCommand)
      .resolvesOnce(cluster([FOREIGN]))
      .resolvesOnce(cluster([FOREIGN, OURS_A], { applyStatus: 'adding' }))
      .resolves(cluster([FOREIGN, OURS_A]));
    redshift.on(ModifyClusterIamRolesCommand).resolves({});

    // WHEN
    await onEvent(createEvent(clusterProps({ RoleArns: [OURS_A] })), lambdaContext(), fakeClock());

    // THEN it read until in-sync and did not write twice
    expect(redshift.commandCalls(DescribeClustersCommand)).toHaveLength(3);
    expect(modifyCalls()).toHaveLength(1);
  });

  test('fails with a clear message when the target stays busy past the timeout', async () => {
    // GIVEN a namespace that never becomes AVAILABLE
    serverless.on(GetNamespaceCommand).resolves(namespace([FOREIGN], { status: 'MODIFYING' }));

    // WHEN / THEN
    await expect(onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A], WaitTimeoutSeconds: '60' })), lambdaContext(), fakeClock()))
      .rejects.toThrow('Timed out after 60 s waiting for namespace "ns1" to become AVAILABLE; last status: MODIFYING.');
    expect(updateCalls()).toEqual([]);
  });

  test('the wait is bounded by the Lambda deadline too', async () => {
    // GIVEN only 75 s left in the Lambda, less than WaitTimeoutSeconds
    serverless.on(GetNamespaceCommand).resolves(namespace([], { status: 'MODIFYING' }));

    // WHEN / THEN our own timeout (60 s = 75 s - 15 s margin) comes before the handler's deadline guard
    await expect(onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A], WaitTimeoutSeconds: '600' })), lambdaContext(75_000), fakeClock()))
      .rejects.toThrow(/Timed out after 60 s waiting/);
  });

  test('writes again when a concurrent writer dropped our role (G8)', async () => {
    // GIVEN another owner replaces the full list right after our write, without our role
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN]))
      .resolvesOnce(namespace([FOREIGN, OTHER_OWNER]))
      .resolves(namespace([FOREIGN, OTHER_OWNER, OURS_A]));
    serverless.on(UpdateNamespaceCommand).resolves({});

    // WHEN
    await onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A] })), lambdaContext(), fakeClock());

    // THEN the second write restores ours and keeps theirs
    expect(updateCalls()).toEqual([
      { namespaceName: 'ns1', iamRoles: [FOREIGN, OURS_A], defaultIamRoleArn: '' },
      { namespaceName: 'ns1', iamRoles: [FOREIGN, OTHER_OWNER, OURS_A], defaultIamRoleArn: '' },
    ]);
  });

  test('a failed Create that already wrote names the target, so the rollback Delete cleans up', async () => {
    // GIVEN the write succeeds but the namespace never settles
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN]))
      .resolves(namespace([FOREIGN, OURS_A], { status: 'MODIFYING' }));
    serverless.on(UpdateNamespaceCommand).resolves({});

    // WHEN
    const error = await onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A], WaitTimeoutSeconds: '30' })), lambdaContext(), fakeClock())
      .catch((e: unknown) => e);

    // THEN
    expect(error).toMatchObject({ name: 'TimeoutError', physicalResourceId: 'namespace:ns1' });
  });
});

describe('retries', () => {
  test('ConflictException from UpdateNamespace is retried, then succeeds', async () => {
    // GIVEN the namespace rejects a concurrent configuration change once (G7)
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN]))
      .resolves(namespace([FOREIGN, OURS_A]));
    serverless.on(UpdateNamespaceCommand)
      .rejectsOnce(new ConflictException({ message: "You can't update multiple configurations at the same time.", $metadata: {} }))
      .resolves({});
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A] })), lambdaContext(), clock);

    // THEN it backed off and wrote again
    expect(result.physicalResourceId).toBe('namespace:ns1');
    expect(updateCalls()).toHaveLength(2);
    expect(clock.sleeps[0]).toBe(2_000);
  });

  test('InvalidClusterStateFault is retried with growing backoff', async () => {
    // GIVEN
    redshift.on(DescribeClustersCommand)
      .resolvesOnce(cluster([]))
      .resolves(cluster([OURS_A]));
    const busy = () => new InvalidClusterStateFault({ message: 'The specified cluster is not in the available state.', $metadata: {} });
    redshift.on(ModifyClusterIamRolesCommand).rejectsOnce(busy()).rejectsOnce(busy()).resolves({});
    const clock = fakeClock();

    // WHEN
    await onEvent(createEvent(clusterProps({ RoleArns: [OURS_A] })), lambdaContext(), clock);

    // THEN
    expect(modifyCalls()).toHaveLength(3);
    expect(clock.sleeps.slice(0, 2)).toEqual([2_000, 4_000]);
  });

  test('backoff is capped', async () => {
    // GIVEN a namespace that reports a running operation many times
    serverless.on(GetNamespaceCommand).resolvesOnce(namespace([])).resolves(namespace([OURS_A]));
    const running = () => new ConflictException({ message: 'There is an operation running on the namespace.', $metadata: {} });
    const update = serverless.on(UpdateNamespaceCommand);
    for (let i = 0; i < 6; i++) {
      update.rejectsOnce(running());
    }
    update.resolves({});
    const clock = fakeClock();

    // WHEN
    await onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A] })), lambdaContext(), clock);

    // THEN
    expect(clock.sleeps.slice(0, 6)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  test('ThrottlingException is retried', async () => {
    // GIVEN
    serverless.on(GetNamespaceCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves(namespace([OURS_A]));

    // WHEN
    const result = await onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A] })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe('namespace:ns1');
    expect(serverless.commandCalls(GetNamespaceCommand)).toHaveLength(2);
  });

  test.each(['Throttling', 'TooManyRequestsException'])('%s is retried', async (name) => {
    // GIVEN
    redshift.on(DescribeClustersCommand).rejectsOnce(namedError(name, 'Rate exceeded')).resolves(cluster([OURS_A]));

    // WHEN
    await onEvent(createEvent(clusterProps({ RoleArns: [OURS_A] })), lambdaContext(), fakeClock());

    // THEN
    expect(redshift.commandCalls(DescribeClustersCommand)).toHaveLength(2);
  });

  test('a retryable error that lasts past the timeout fails with the last error', async () => {
    // GIVEN
    serverless.on(GetNamespaceCommand).resolves(namespace([]));
    serverless.on(UpdateNamespaceCommand).rejects(new ConflictException({ message: 'There is an operation running on the namespace.', $metadata: {} }));

    // WHEN / THEN
    await expect(onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A], WaitTimeoutSeconds: '20' })), lambdaContext(), fakeClock()))
      .rejects.toThrow('Timed out after 20 s updating the roles of namespace "ns1"; last error: ConflictException: There is an operation running on the namespace.');
  });

  test('a non-retryable error fails at once with the service message', async () => {
    // GIVEN
    serverless.on(GetNamespaceCommand).resolves(namespace([]));
    serverless.on(UpdateNamespaceCommand).rejects(
      new ValidationException({ message: 'The list of customer IAM roles must contain the default IAM role.', $metadata: {} }));
    const clock = fakeClock();

    // WHEN / THEN
    await expect(onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A] })), lambdaContext(), clock))
      .rejects.toMatchObject({ name: 'ValidationException', message: 'The list of customer IAM roles must contain the default IAM role.' });
    expect(updateCalls()).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('Update', () => {
  test('namespace: removes only the roles we no longer own and adds the new ones', async () => {
    // GIVEN a foreign default role and two of ours
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN, OURS_A, OURS_B], { defaultRole: FOREIGN }))
      .resolves(namespace([FOREIGN, OURS_B, OURS_C], { defaultRole: FOREIGN }));
    serverless.on(UpdateNamespaceCommand).resolves({});

    // WHEN we stop owning A and start owning C
    const result = await onEvent(
      updateEvent('namespace:ns1', namespaceProps({ RoleArns: [OURS_B, OURS_C] }), namespaceProps({ RoleArns: [OURS_A, OURS_B] })),
      lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe('namespace:ns1');
    expect(updateCalls()).toEqual([{ namespaceName: 'ns1', iamRoles: [FOREIGN, OURS_B, OURS_C], defaultIamRoleArn: FOREIGN }]);
  });

  test('cluster: sends only the diff', async () => {
    // GIVEN
    redshift.on(DescribeClustersCommand)
      .resolvesOnce(cluster([FOREIGN, OURS_A, OURS_B]))
      .resolves(cluster([FOREIGN, OURS_B, OURS_C]));
    redshift.on(ModifyClusterIamRolesCommand).resolves({});

    // WHEN
    await onEvent(
      updateEvent('cluster:c1', clusterProps({ RoleArns: [OURS_B, OURS_C] }), clusterProps({ RoleArns: [OURS_A, OURS_B] })),
      lambdaContext(), fakeClock());

    // THEN
    expect(modifyCalls()).toEqual([{ ClusterIdentifier: 'c1', AddIamRoles: [OURS_C], RemoveIamRoles: [OURS_A], DefaultIamRoleArn: undefined }]);
  });

  test('namespace: dropping DefaultRoleArn clears our default but keeps the role', async () => {
    // GIVEN our role is the default
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN, OURS_A], { defaultRole: OURS_A }))
      .resolves(namespace([FOREIGN, OURS_A]));
    serverless.on(UpdateNamespaceCommand).resolves({});

    // WHEN
    await onEvent(
      updateEvent('namespace:ns1', namespaceProps({ RoleArns: [OURS_A] }), namespaceProps({ RoleArns: [OURS_A], DefaultRoleArn: OURS_A })),
      lambdaContext(), fakeClock());

    // THEN an empty default clears it
    expect(updateCalls()).toEqual([{ namespaceName: 'ns1', iamRoles: [FOREIGN, OURS_A], defaultIamRoleArn: '' }]);
  });

  test('to another target: acts as Create there and returns the new id', async () => {
    // GIVEN the association moves from a cluster to a namespace
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN]))
      .resolves(namespace([FOREIGN, OURS_A]));
    serverless.on(UpdateNamespaceCommand).resolves({});

    // WHEN
    const result = await onEvent(
      updateEvent('cluster:c1', namespaceProps({ RoleArns: [OURS_A] }), clusterProps({ RoleArns: [OURS_A] })),
      lambdaContext(), fakeClock());

    // THEN the new target gets the role; the old one is left to CloudFormation's Delete
    expect(result.physicalResourceId).toBe('namespace:ns1');
    expect(updateCalls()).toEqual([{ namespaceName: 'ns1', iamRoles: [FOREIGN, OURS_A], defaultIamRoleArn: '' }]);
    expect(redshift.calls()).toHaveLength(0);
  });
});

describe('Delete', () => {
  test('namespace: removes our roles, keeps foreign roles and the foreign default', async () => {
    // GIVEN
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN, OURS_A, OURS_B], { defaultRole: FOREIGN }))
      .resolves(namespace([FOREIGN], { defaultRole: FOREIGN }));
    serverless.on(UpdateNamespaceCommand).resolves({});

    // WHEN
    const result = await onEvent(deleteEvent('namespace:ns1', namespaceProps({ RoleArns: [OURS_A, OURS_B] })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe('namespace:ns1');
    expect(updateCalls()).toEqual([{ namespaceName: 'ns1', iamRoles: [FOREIGN], defaultIamRoleArn: FOREIGN }]);
  });

  test('namespace: clears the default when it is one of the roles we remove', async () => {
    // GIVEN our role is the default; a default must stay in the list (G7)
    serverless.on(GetNamespaceCommand)
      .resolvesOnce(namespace([FOREIGN, OURS_A], { defaultRole: OURS_A }))
      .resolves(namespace([FOREIGN]));
    serverless.on(UpdateNamespaceCommand).resolves({});

    // WHEN
    await onEvent(deleteEvent('namespace:ns1', namespaceProps({ RoleArns: [OURS_A], DefaultRoleArn: OURS_A })), lambdaContext(), fakeClock());

    // THEN
    expect(updateCalls()).toEqual([{ namespaceName: 'ns1', iamRoles: [FOREIGN], defaultIamRoleArn: '' }]);
  });

  test('cluster: removes only owned roles still present', async () => {
    // GIVEN OURS_B was already removed by someone else
    redshift.on(DescribeClustersCommand)
      .resolvesOnce(cluster([FOREIGN, OURS_A], { defaultRole: FOREIGN }))
      .resolves(cluster([FOREIGN], { defaultRole: FOREIGN }));
    redshift.on(ModifyClusterIamRolesCommand).resolves({});

    // WHEN
    await onEvent(deleteEvent('cluster:c1', clusterProps({ RoleArns: [OURS_A, OURS_B] })), lambdaContext(), fakeClock());

    // THEN
    expect(modifyCalls()).toEqual([{ ClusterIdentifier: 'c1', AddIamRoles: undefined, RemoveIamRoles: [OURS_A], DefaultIamRoleArn: undefined }]);
  });

  test('succeeds when the cluster no longer exists', async () => {
    // GIVEN
    redshift.on(DescribeClustersCommand).rejects(new ClusterNotFoundFault({ message: 'Cluster c1 not found.', $metadata: {} }));

    // WHEN
    const result = await onEvent(deleteEvent('cluster:c1', clusterProps({ RoleArns: [OURS_A] })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe('cluster:c1');
    expect(modifyCalls()).toEqual([]);
  });

  test('succeeds when the namespace no longer exists', async () => {
    // GIVEN
    serverless.on(GetNamespaceCommand).rejects(new ResourceNotFoundException({ message: 'Namespace ns1 not found.', resourceName: 'ns1', $metadata: {} }));

    // WHEN
    const result = await onEvent(deleteEvent('namespace:ns1', namespaceProps({ RoleArns: [OURS_A] })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe('namespace:ns1');
  });

  test('a missing target still fails a Create, with the service message', async () => {
    // GIVEN
    redshift.on(DescribeClustersCommand).rejects(new ClusterNotFoundFault({ message: 'Cluster c1 not found.', $metadata: {} }));

    // WHEN / THEN
    await expect(onEvent(createEvent(clusterProps({ RoleArns: [OURS_A] })), lambdaContext(), fakeClock()))
      .rejects.toMatchObject({ name: 'ClusterNotFoundFault', message: 'Cluster c1 not found.' });
  });
});

describe('input validation', () => {
  test.each([
    [{ TargetType: 'workgroup' }, /TargetType: "workgroup" is not valid. Use 'cluster' \(provisioned\) or 'namespace' \(Serverless\)/],
    [{ TargetName: ' ' }, /TargetName: " " is not valid/],
    [{ RoleArns: ['not-an-arn'] }, /RoleArns: \["not-an-arn"\] is not valid. Give a list of IAM role ARNs/],
    [{ DefaultRoleArn: OURS_B }, /DefaultRoleArn: ".*ours-b" is not valid. The default role must be one of RoleArns/],
    [{ WaitTimeoutSeconds: 'soon' }, /WaitTimeoutSeconds: "soon" is not valid. Give a positive number of seconds/],
    [{ PollIntervalSeconds: '0' }, /PollIntervalSeconds: "0" is not valid/],
  ])('fails when %j', async (bad, message) => {
    // WHEN / THEN no AWS call is made
    await expect(onEvent(createEvent(namespaceProps({ RoleArns: [OURS_A], ...bad })), lambdaContext(), fakeClock())).rejects.toThrow(message);
    expect(serverless.calls()).toHaveLength(0);
  });
});

describe('parseNamespaceRole', () => {
  test.each([
    ['IamRole(applyStatus=in-sync, iamRoleArn=arn:aws:iam::123456789012:role/x)', 'arn:aws:iam::123456789012:role/x', 'in-sync'],
    ['IamRole(iamRoleArn=arn:aws:iam::123456789012:role/x, applyStatus=adding)', 'arn:aws:iam::123456789012:role/x', 'adding'],
    ['IamRole(applyStatus=in-sync, iamRoleArn=arn:aws:iam::123456789012:role/path/a,b)', 'arn:aws:iam::123456789012:role/path/a,b', 'in-sync'],
    [' arn:aws:iam::123456789012:role/plain ', 'arn:aws:iam::123456789012:role/plain', undefined],
  ])('%s', (raw, arn, applyStatus) => {
    expect(parseNamespaceRole(raw)).toEqual({ arn, applyStatus });
  });
});

describe('cfn-response', () => {
  function capture() {
    const sent: Array<{ url: string; body: Record<string, unknown> }> = [];
    setHttpPut(async (url, body) => {
      sent.push({ url, body: JSON.parse(body) });
    });
    return sent;
  }

  test('the role-association handler answers SUCCESS with the target as physical id', async () => {
    // GIVEN
    const sent = capture();
    redshift.on(DescribeClustersCommand).resolves(cluster([OURS_A]));

    // WHEN
    await handler(createEvent(clusterProps({ RoleArns: [OURS_A] })), lambdaContext());

    // THEN the request's identifiers are echoed
    expect(sent).toEqual([{
      url: BASE.ResponseURL,
      body: {
        Status: 'SUCCESS',
        PhysicalResourceId: 'cluster:c1',
        StackId: BASE.StackId,
        RequestId: BASE.RequestId,
        LogicalResourceId: BASE.LogicalResourceId,
      },
    }]);
  });

  test('the role-association handler answers FAILED with the service error name and message', async () => {
    // GIVEN
    const sent = capture();
    serverless.on(GetNamespaceCommand).resolves(namespace([FOREIGN]));
    serverless.on(UpdateNamespaceCommand).rejects(
      new ValidationException({ message: 'To change the default IAM role, you must specify the entire list of IAM roles.', $metadata: {} }));

    // WHEN
    await handler(updateEvent('namespace:ns1', namespaceProps({ RoleArns: [OURS_A] }), namespaceProps({ RoleArns: [OURS_A] })), lambdaContext());

    // THEN
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: 'ValidationException: To change the default IAM role, you must specify the entire list of IAM roles.',
      PhysicalResourceId: 'namespace:ns1',
      StackId: BASE.StackId,
      RequestId: BASE.RequestId,
      LogicalResourceId: BASE.LogicalResourceId,
    });
  });

  test('a failed Create without an id gets the stable fallback id, and its rollback Delete is a no-op', async () => {
    // GIVEN
    const sent = capture();
    const onEventMock = jest.fn().mockRejectedValue(namedError('AccessDeniedException', 'not authorized'));
    const wrapped = customResourceHandler(onEventMock);

    // WHEN
    await wrapped(createEvent({}), lambdaContext());
    await wrapped(deleteEvent(CREATE_FAILED_PHYSICAL_ID, {}), lambdaContext());

    // THEN
    expect(sent.map((s) => [s.body.Status, s.body.PhysicalResourceId, s.body.Reason])).toEqual([
      ['FAILED', CREATE_FAILED_PHYSICAL_ID, 'AccessDeniedException: not authorized'],
      ['SUCCESS', CREATE_FAILED_PHYSICAL_ID, undefined],
    ]);
    expect(onEventMock).toHaveBeenCalledTimes(1);
  });

  test('success passes Data through', async () => {
    // GIVEN
    const sent = capture();
    const wrapped = customResourceHandler(async () => ({ physicalResourceId: 'id-1', data: { Answer: '42' } }));

    // WHEN
    await wrapped(createEvent({}), lambdaContext());

    // THEN
    expect(sent[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'id-1', Data: { Answer: '42' } });
  });

  test('a long reason is truncated to keep the body within 4096 bytes', () => {
    // WHEN
    const body = responseBody(createEvent({}), { status: 'FAILED', physicalResourceId: 'id-1', reason: `ValidationException: ${'é"'.repeat(5_000)}` });

    // THEN
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4096);
    expect(JSON.parse(body).Reason).toMatch(/^ValidationException: é".*\[truncated\]$/);
  });

  test('Data too large for CloudFormation turns the answer into FAILED', () => {
    // WHEN
    const body = JSON.parse(responseBody(createEvent({}), { status: 'SUCCESS', physicalResourceId: 'id-1', data: { Big: 'x'.repeat(5_000) } }));

    // THEN
    expect(body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'id-1', Reason: expect.stringMatching(/CloudFormation accepts at most 4096/) });
    expect(body.Data).toBeUndefined();
  });

  test('the deadline guard answers FAILED 10 s before the Lambda timeout', async () => {
    // GIVEN a handler that never finishes and 60 s left in the Lambda
    jest.useFakeTimers();
    const sent = capture();
    const wrapped = customResourceHandler(() => new Promise(() => undefined));

    // WHEN
    const done = wrapped(updateEvent('namespace:ns1', {}, {}), lambdaContext(60_000));
    await jest.advanceTimersByTimeAsync(49_999);

    // THEN nothing yet, then FAILED at 50 s
    expect(sent).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    await done;
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'namespace:ns1', RequestId: BASE.RequestId });
    expect(sent[0].body.Reason).toMatch(/^Timed out: the handler was still running 50 s after it started, 10 s before the Lambda timeout/);
  });
});
