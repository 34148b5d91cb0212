import {
  AthenaClient,
  CreateWorkGroupCommand,
  CreateWorkGroupInput,
  DeleteWorkGroupCommand,
  GetWorkGroupCommand,
  InternalServerException,
  InvalidRequestException,
  ListTagsForResourceCommand,
  Tag,
  TooManyRequestsException,
  UpdateWorkGroupCommand,
  UpdateWorkGroupInput,
  WorkGroup,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, onEvent, OWNER_TAG, parseProps } from '../../src/athena/private/athena-idc-work-group.lambda';
import { CREATE_FAILED_PHYSICAL_ID, setHttpPut } from '../../src/core/private/cfn-response';
import { captureResponses, cfnEvents, eventBase, fakeClock, lambdaContext, Props } from '../handler-events';

const athena = mockClient(AthenaClient);

const BASE = eventBase('Custom::AthenaIdcWorkGroup', 'WorkGroup');
const { createEvent, updateEvent, deleteEvent } = cfnEvents(BASE);

const NAME = 'analysts-wg';
const NEW_NAME = 'analysts-wg-2';
const OWNER = BASE.StackId;
const OTHER_OWNER = 'arn:aws:cloudformation:us-east-1:111111111111:stack/other/5678';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const OTHER_INSTANCE = 'arn:aws:sso:::instance/ssoins-99887766554433aa';
const EXEC_ROLE = 'arn:aws:iam::111111111111:role/exec';
const OUTPUT = 's3://results-bucket/athena-results/';
const APPLICATION = 'arn:aws:sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/apl-a1b2c3d4e5f60718';
const arnOf = (name: string) => `arn:aws:athena:us-east-1:111111111111:workgroup/${name}`;

/** The properties as CloudFormation sends them: every scalar a string. */
const props = (extra: Props = {}): Props => ({
  Name: NAME,
  WorkGroupArn: arnOf(NAME),
  Description: 'Analysts',
  InstanceArn: INSTANCE,
  ExecutionRoleArn: EXEC_ROLE,
  OutputLocation: OUTPUT,
  CreateUserLevelPrefix: 'true',
  EngineVersion: 'AUTO',
  PublishCloudWatchMetrics: 'true',
  RecursiveDelete: 'false',
  TimeoutSeconds: '120',
  ...extra,
});
const renamed = (extra: Props = {}) => props({ Name: NEW_NAME, WorkGroupArn: arnOf(NEW_NAME), ...extra });

const alreadyCreated = () => new InvalidRequestException({ message: 'WorkGroup is already created', $metadata: {} });
const notFound = (name: string | undefined) => new InvalidRequestException({ message: `WorkGroup ${name} is not found.`, $metadata: {} });
const accessDenied = (action: string) => Object.assign(
  new Error(`User: arn:aws:sts::111111111111:assumed-role/handler/fn is not authorized to perform: athena:${action}`),
  { name: 'AccessDeniedException' });

interface Stored {
  workGroup: WorkGroup;
  tags: Tag[];
  /** Reads of the workgroup that still return it without its IdC application. */
  readsWithoutApplication: number;
  /** Holds named queries or query history: a non-recursive delete fails. */
  notEmpty?: boolean;
}

type Operation = 'create' | 'get' | 'update' | 'delete' | 'listTags';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/**
 * A stateful Athena holding workgroups by name. A created workgroup names its IdC application
 * after `readsWithoutApplication` reads. `errors` are thrown by the first calls of each
 * operation, one per call.
 */
function athenaService(initial: Record<string, { owner?: string; notEmpty?: boolean }> = {}, options: {
  readsWithoutApplication?: number;
  errors?: Partial<Record<Operation, Error[]>>;
  /** Thrown by the first CreateWorkGroup calls after they made the workgroup (a lost answer). */
  errorsAfterCreate?: Error[];
} = {}) {
  const state = new Map<string, Stored>();
  for (const [name, { owner, notEmpty }] of Object.entries(initial)) {
    state.set(name, {
      workGroup: { Name: name, State: 'ENABLED', IdentityCenterApplicationArn: APPLICATION },
      tags: owner ? [{ Key: OWNER_TAG, Value: owner }] : [],
      readsWithoutApplication: 0,
      notEmpty,
    });
  }
  const fault = (operation: Operation) => {
    const error = options.errors?.[operation]?.shift();
    if (error) {
      throw error;
    }
  };
  const find = (name: string | undefined) => {
    const stored = state.get(name!);
    if (!stored) {
      throw notFound(name);
    }
    return stored;
  };
  athena.on(CreateWorkGroupCommand).callsFake(async (input: CreateWorkGroupInput) => {
    fault('create');
    if (state.has(input.Name!)) {
      throw alreadyCreated();
    }
    state.set(input.Name!, {
      workGroup: { Name: input.Name, State: 'ENABLED', Description: input.Description, Configuration: clone(input.Configuration) },
      tags: clone(input.Tags ?? []),
      readsWithoutApplication: options.readsWithoutApplication ?? 0,
    });
    const lostAnswer = options.errorsAfterCreate?.shift();
    if (lostAnswer) {
      throw lostAnswer;
    }
    return {};
  });
  athena.on(GetWorkGroupCommand).callsFake(async (input: { WorkGroup?: string }) => {
    fault('get');
    const stored = find(input.WorkGroup);
    if (stored.readsWithoutApplication > 0) {
      stored.readsWithoutApplication -= 1;
      return { WorkGroup: clone(stored.workGroup) };
    }
    return { WorkGroup: { ...clone(stored.workGroup), IdentityCenterApplicationArn: APPLICATION } };
  });
  athena.on(UpdateWorkGroupCommand).callsFake(async (input: UpdateWorkGroupInput) => {
    fault('update');
    const stored = find(input.WorkGroup);
    stored.workGroup.Description = input.Description;
    return {};
  });
  athena.on(DeleteWorkGroupCommand).callsFake(async (input: { WorkGroup?: string; RecursiveDeleteOption?: boolean }) => {
    fault('delete');
    const stored = find(input.WorkGroup);
    if (stored.notEmpty && !input.RecursiveDeleteOption) {
      throw new InvalidRequestException({ message: 'WorkGroup is not empty', $metadata: {} });
    }
    state.delete(input.WorkGroup!);
    return {};
  });
  athena.on(ListTagsForResourceCommand).callsFake(async (input: { ResourceARN?: string }) => {
    fault('listTags');
    const tags = find(input.ResourceARN!.split('/').pop()).tags;
    // Athena leaves Tags out when a workgroup has none.
    return tags.length > 0 ? { Tags: clone(tags) } : {};
  });
  return state;
}

const inputs = <T>(command: new (input: T) => unknown) =>
  athena.commandCalls(command as never).map((call) => (call.args[0] as unknown as { input: T }).input);
const createCalls = () => inputs<CreateWorkGroupInput>(CreateWorkGroupCommand);
const updateCalls = () => inputs<UpdateWorkGroupInput>(UpdateWorkGroupCommand);
const deleteCalls = () => inputs<{ WorkGroup: string; RecursiveDeleteOption?: boolean }>(DeleteWorkGroupCommand);
/** The commands sent, in order, by short name. */
const commandNames = () => athena.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));

const capture = captureResponses;

beforeEach(() => {
  athena.reset();
  setHttpPut(undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

afterAll(() => {
  setHttpPut(undefined);
});

describe('Create', () => {
  test('creates the IdC enabled workgroup with our owner tag and answers its name and application', async () => {
    // GIVEN
    const state = athenaService();

    // WHEN
    const result = await onEvent(createEvent(props()), lambdaContext(), fakeClock());

    // THEN
    expect(createCalls()).toEqual([{
      Name: NAME,
      Description: 'Analysts',
      Configuration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: { OutputLocation: OUTPUT },
        ExecutionRole: EXEC_ROLE,
        EngineVersion: { SelectedEngineVersion: 'AUTO' },
        PublishCloudWatchMetricsEnabled: true,
        IdentityCenterConfiguration: { EnableIdentityCenter: true, IdentityCenterInstanceArn: INSTANCE },
        QueryResultsS3AccessGrantsConfiguration: { EnableS3AccessGrants: true, CreateUserLevelPrefix: true, AuthenticationType: 'DIRECTORY_IDENTITY' },
      },
      Tags: [{ Key: 'cdk-analytics-access:owner', Value: BASE.StackId }],
    }]);
    expect(commandNames()).toEqual(['CreateWorkGroup', 'GetWorkGroup']);
    expect(inputs(GetWorkGroupCommand)).toEqual([{ WorkGroup: NAME }]);
    expect(result).toEqual({ physicalResourceId: NAME, data: { WorkGroupName: NAME, IdentityCenterApplicationArn: APPLICATION } });
    expect(state.has(NAME)).toBe(true);
  });

  test('takes booleans as booleans too, and an engine version by name', async () => {
    // GIVEN
    athenaService();

    // WHEN
    await onEvent(createEvent(props({ CreateUserLevelPrefix: false, PublishCloudWatchMetrics: false, EngineVersion: 'Athena engine version 3' })),
      lambdaContext(), fakeClock());

    // THEN
    expect(createCalls()[0].Configuration).toMatchObject({
      EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      PublishCloudWatchMetricsEnabled: false,
      QueryResultsS3AccessGrantsConfiguration: { EnableS3AccessGrants: true, CreateUserLevelPrefix: false, AuthenticationType: 'DIRECTORY_IDENTITY' },
    });
  });

  test('waits until GetWorkGroup names the IdC application', async () => {
    // GIVEN
    athenaService({}, { readsWithoutApplication: 2 });
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(props()), lambdaContext(), clock);

    // THEN
    expect(inputs(GetWorkGroupCommand)).toHaveLength(3);
    expect(clock.sleeps).toEqual([2_000, 2_000]);
    expect(result.data).toEqual({ WorkGroupName: NAME, IdentityCenterApplicationArn: APPLICATION });
  });

  test('times out, naming the workgroup, when the IdC application never appears', async () => {
    // GIVEN
    athenaService({}, { readsWithoutApplication: Number.POSITIVE_INFINITY });
    const clock = fakeClock();

    // WHEN / THEN
    await expect(onEvent(createEvent(props({ TimeoutSeconds: '10' })), lambdaContext(), clock)).rejects.toThrow(
      `Timed out after 10 s waiting for the IAM Identity Center application of workgroup ${NAME}.`);
    expect(clock.time).toBe(10_000);
    expect(clock.sleeps).toEqual([2_000, 2_000, 2_000, 2_000, 2_000]);
    expect(inputs(GetWorkGroupCommand)).toHaveLength(6);
  });

  test('the handler answers the timeout FAILED with the workgroup name, so the rollback Delete removes it', async () => {
    // GIVEN
    jest.useFakeTimers();
    const state = athenaService({}, { readsWithoutApplication: Number.POSITIVE_INFINITY });
    const sent = capture();

    // WHEN: the handler waits on the real clock, here Jest's.
    const done = handler(createEvent(props({ TimeoutSeconds: '10' })), lambdaContext());
    await jest.advanceTimersByTimeAsync(12_000);
    await done;
    await handler(deleteEvent(sent[0].body.PhysicalResourceId as string, props()), lambdaContext());

    // THEN
    expect(sent).toHaveLength(2);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NAME });
    expect(sent[0].body.Reason).toBe(`TimeoutError: Timed out after 10 s waiting for the IAM Identity Center application of workgroup ${NAME}.`);
    expect(deleteCalls()).toEqual([{ WorkGroup: NAME, RecursiveDeleteOption: false }]);
    expect(sent[1].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: NAME });
    expect(state.has(NAME)).toBe(false);
  });

  test('a failed read after the create is answered FAILED with the workgroup name', async () => {
    // GIVEN
    athenaService({}, { errors: { get: [accessDenied('GetWorkGroup')] } });
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NAME });
    expect(sent[0].body.Reason).toMatch(/^AccessDeniedException: User: .* is not authorized to perform: athena:GetWorkGroup$/);
  });

  test('a failed CreateWorkGroup is answered FAILED with the create-failed id and Athena\'s text', async () => {
    // GIVEN
    athenaService({}, {
      errors: { create: [new InvalidRequestException({ message: 'Execution role arn:aws:iam::111111111111:role/exec is not valid', $metadata: {} })] },
    });
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN
    expect(commandNames()).toEqual(['CreateWorkGroup']);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID });
    expect(sent[0].body.Reason).toBe('InvalidRequestException: Execution role arn:aws:iam::111111111111:role/exec is not valid');
  });

  test('the handler answers SUCCESS with the name and the application', async () => {
    // GIVEN
    athenaService();
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN
    expect(sent).toEqual([{
      url: BASE.ResponseURL,
      body: {
        Status: 'SUCCESS',
        PhysicalResourceId: NAME,
        StackId: BASE.StackId,
        RequestId: 'request-1',
        LogicalResourceId: 'WorkGroup',
        Data: { WorkGroupName: NAME, IdentityCenterApplicationArn: APPLICATION },
      },
    }]);
  });
});

describe('Create finding the workgroup already there', () => {
  test('ours (a retried Create): takes it and succeeds', async () => {
    // GIVEN
    athenaService({ [NAME]: { owner: OWNER } });

    // WHEN
    const result = await onEvent(createEvent(props()), lambdaContext(), fakeClock());

    // THEN
    expect(commandNames()).toEqual(['CreateWorkGroup', 'ListTagsForResource', 'GetWorkGroup']);
    expect(inputs(ListTagsForResourceCommand)).toEqual([{ ResourceARN: arnOf(NAME) }]);
    expect(result).toEqual({ physicalResourceId: NAME, data: { WorkGroupName: NAME, IdentityCenterApplicationArn: APPLICATION } });
  });

  test('another owner\'s: fails naming the owner, without touching it', async () => {
    // GIVEN
    const state = athenaService({ [NAME]: { owner: OTHER_OWNER } });

    // WHEN / THEN
    await expect(onEvent(createEvent(props()), lambdaContext(), fakeClock())).rejects.toThrow(
      `A workgroup named ${NAME} already exists and was not created by this resource (it belongs to ${OTHER_OWNER}). `
      + 'Give another workGroupName, or delete the existing workgroup.');
    expect(commandNames()).toEqual(['CreateWorkGroup', 'ListTagsForResource']);
    expect(updateCalls()).toEqual([]);
    expect(deleteCalls()).toEqual([]);
    expect(state.has(NAME)).toBe(true);
  });

  test('another owner\'s is answered FAILED with the create-failed id, so the rollback does not delete it', async () => {
    // GIVEN
    athenaService({ [NAME]: { owner: OTHER_OWNER } });
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID });
    expect(sent[0].body.Reason).toContain(`A workgroup named ${NAME} already exists`);
  });

  test('one without an owner tag: fails with the "already exists" message', async () => {
    // GIVEN
    athenaService({ [NAME]: {} });

    // WHEN / THEN
    await expect(onEvent(createEvent(props()), lambdaContext(), fakeClock())).rejects.toThrow(
      new RegExp(`^A workgroup named ${NAME} already exists and was not created by this resource\\. Give another workGroupName`));
  });

  test('one whose tags we may not read (not our stack\'s): fails with the "already exists" message', async () => {
    // GIVEN
    athenaService({ [NAME]: { owner: OTHER_OWNER } }, { errors: { listTags: [accessDenied('ListTagsForResource')] } });

    // WHEN / THEN
    await expect(onEvent(createEvent(props()), lambdaContext(), fakeClock())).rejects.toThrow(
      new RegExp(`^A workgroup named ${NAME} already exists and was not created by this resource\\. `));
    expect(updateCalls()).toEqual([]);
    expect(deleteCalls()).toEqual([]);
  });

  test('another error reading the tags fails with Athena\'s text', async () => {
    // GIVEN
    athenaService({ [NAME]: { owner: OWNER } }, {
      errors: { listTags: [new InvalidRequestException({ message: 'ResourceARN is not valid', $metadata: {} })] },
    });

    // WHEN / THEN
    await expect(onEvent(createEvent(props()), lambdaContext(), fakeClock())).rejects.toThrow('ResourceARN is not valid');
  });
});

describe('Update', () => {
  test('the same name and instance: updates the workgroup in place', async () => {
    // GIVEN
    const state = athenaService({ [NAME]: { owner: OWNER } });

    // WHEN
    const changed = props({
      Description: 'Analysts, EU',
      OutputLocation: 's3://results-bucket/v2/',
      EngineVersion: 'Athena engine version 3',
      ExecutionRoleArn: 'arn:aws:iam::111111111111:role/exec-2',
      CreateUserLevelPrefix: 'false',
    });
    const result = await onEvent(updateEvent(NAME, changed, props()), lambdaContext(), fakeClock());

    // THEN
    expect(updateCalls()).toEqual([{
      WorkGroup: NAME,
      Description: 'Analysts, EU',
      ConfigurationUpdates: {
        EnforceWorkGroupConfiguration: true,
        ResultConfigurationUpdates: { OutputLocation: 's3://results-bucket/v2/' },
        ExecutionRole: 'arn:aws:iam::111111111111:role/exec-2',
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        PublishCloudWatchMetricsEnabled: true,
        QueryResultsS3AccessGrantsConfiguration: { EnableS3AccessGrants: true, CreateUserLevelPrefix: false, AuthenticationType: 'DIRECTORY_IDENTITY' },
      },
    }]);
    expect(commandNames()).toEqual(['UpdateWorkGroup', 'GetWorkGroup']);
    expect(result).toEqual({ physicalResourceId: NAME, data: { WorkGroupName: NAME, IdentityCenterApplicationArn: APPLICATION } });
    expect(state.get(NAME)!.workGroup.Description).toBe('Analysts, EU');
  });

  test('the same name with a new instance: fails telling to give a new name, without any call', async () => {
    // GIVEN
    athenaService({ [NAME]: { owner: OWNER } });
    const sent = capture();

    // WHEN
    await handler(updateEvent(NAME, props({ InstanceArn: OTHER_INSTANCE }), props()), lambdaContext());

    // THEN
    expect(athena.calls()).toHaveLength(0);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NAME });
    expect(sent[0].body.Reason).toMatch(new RegExp(`^Error: Workgroup ${NAME}: the IAM Identity Center instance is set only when a workgroup is created`));
    expect(sent[0].body.Reason).toContain('Give a new workGroupName');
  });

  test('a new name: creates the new workgroup (a replacement) and leaves the old one to CloudFormation\'s Delete', async () => {
    // GIVEN
    const state = athenaService({ [NAME]: { owner: OWNER } });

    // WHEN
    const result = await onEvent(updateEvent(NAME, renamed({ InstanceArn: OTHER_INSTANCE }), props()), lambdaContext(), fakeClock());

    // THEN
    expect(createCalls()).toEqual([expect.objectContaining({
      Name: NEW_NAME,
      Configuration: expect.objectContaining({
        IdentityCenterConfiguration: { EnableIdentityCenter: true, IdentityCenterInstanceArn: OTHER_INSTANCE },
      }),
      Tags: [{ Key: OWNER_TAG, Value: OWNER }],
    })]);
    expect(commandNames()).toEqual(['CreateWorkGroup', 'GetWorkGroup']);
    expect(result).toEqual({ physicalResourceId: NEW_NAME, data: { WorkGroupName: NEW_NAME, IdentityCenterApplicationArn: APPLICATION } });
    expect([...state.keys()]).toEqual([NAME, NEW_NAME]);
  });

  test('a rename whose new workgroup never names its application: deletes the new workgroup and fails (the old id stays)', async () => {
    // GIVEN: the new workgroup never reports its IdC application.
    const state = athenaService({ [NAME]: { owner: OWNER } }, { readsWithoutApplication: Number.MAX_SAFE_INTEGER });

    // WHEN / THEN
    await expect(onEvent(updateEvent(NAME, renamed({ TimeoutSeconds: '10' }), props()), lambdaContext(), fakeClock()))
      .rejects.toThrow(`waiting for the IAM Identity Center application of workgroup ${NEW_NAME}`);
    expect(commandNames()).toContain('DeleteWorkGroup');
    expect([...state.keys()]).toEqual([NAME]);
  });

  test('retries TooManyRequestsException on UpdateWorkGroup, then succeeds', async () => {
    // GIVEN
    athenaService({ [NAME]: { owner: OWNER } }, {
      errors: { update: [new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} })] },
    });
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(updateEvent(NAME, props({ Description: 'x' }), props()), lambdaContext(), clock);

    // THEN
    expect(clock.sleeps).toEqual([2_000]);
    expect(updateCalls()).toHaveLength(2);
    expect(result.physicalResourceId).toBe(NAME);
  });
});

describe('Delete', () => {
  test('deletes the workgroup the physical id names, not the Name property', async () => {
    // GIVEN: the Delete of the old workgroup after a rename carries the old properties and id.
    const state = athenaService({ [NAME]: { owner: OWNER }, [NEW_NAME]: { owner: OWNER } });

    // WHEN
    const result = await onEvent(deleteEvent(NAME, renamed()), lambdaContext(), fakeClock());

    // THEN
    expect(deleteCalls()).toEqual([{ WorkGroup: NAME, RecursiveDeleteOption: false }]);
    expect(commandNames()).toEqual(['DeleteWorkGroup']);
    expect(result).toEqual({ physicalResourceId: NAME });
    expect([...state.keys()]).toEqual([NEW_NAME]);
  });

  test('deletes recursively when RecursiveDelete is true', async () => {
    // GIVEN
    const state = athenaService({ [NAME]: { owner: OWNER, notEmpty: true } });

    // WHEN
    await onEvent(deleteEvent(NAME, props({ RecursiveDelete: 'true' })), lambdaContext(), fakeClock());

    // THEN
    expect(deleteCalls()).toEqual([{ WorkGroup: NAME, RecursiveDeleteOption: true }]);
    expect(state.size).toBe(0);
  });

  test('succeeds when the workgroup is already gone', async () => {
    // GIVEN
    athenaService();
    const sent = capture();

    // WHEN
    await handler(deleteEvent(NAME, props()), lambdaContext());

    // THEN
    expect(deleteCalls()).toEqual([{ WorkGroup: NAME, RecursiveDeleteOption: false }]);
    expect(sent.map((s) => s.body)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: NAME })]);
  });

  test('another InvalidRequestException (not empty) is answered FAILED with Athena\'s text', async () => {
    // GIVEN
    const state = athenaService({ [NAME]: { owner: OWNER, notEmpty: true } });
    const sent = capture();

    // WHEN
    await handler(deleteEvent(NAME, props()), lambdaContext());

    // THEN
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: NAME, Reason: 'InvalidRequestException: WorkGroup is not empty' });
    expect(state.has(NAME)).toBe(true);
  });

  test('the handler answers a rollback Delete of the create-failed id without calling Athena', async () => {
    // GIVEN
    athenaService({ [NAME]: { owner: OTHER_OWNER } });
    const sent = capture();

    // WHEN
    await handler(deleteEvent(CREATE_FAILED_PHYSICAL_ID, props()), lambdaContext());

    // THEN
    expect(athena.calls()).toHaveLength(0);
    expect(sent.map((s) => s.body)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID })]);
  });
});

describe('retries', () => {
  test('retries TooManyRequestsException and InternalServerException, then succeeds', async () => {
    // GIVEN
    athenaService({}, {
      errors: {
        create: [new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} })],
        get: [
          new InternalServerException({ message: 'Internal error', $metadata: {} }),
          new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }),
        ],
      },
    });
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(props()), lambdaContext(), clock);

    // THEN
    expect(commandNames()).toEqual(['CreateWorkGroup', 'CreateWorkGroup', 'GetWorkGroup', 'GetWorkGroup', 'GetWorkGroup']);
    expect(clock.sleeps).toEqual([2_000, 2_000, 4_000]);
    expect(result.physicalResourceId).toBe(NAME);
  });

  test('a throttled create that had made the workgroup finds it ours on the retry', async () => {
    // GIVEN: the first CreateWorkGroup made the workgroup but answered with a server error.
    const state = athenaService({}, { errorsAfterCreate: [new InternalServerException({ message: 'Internal error', $metadata: {} })] });

    // WHEN
    const result = await onEvent(createEvent(props()), lambdaContext(), fakeClock());

    // THEN
    expect(commandNames()).toEqual(['CreateWorkGroup', 'CreateWorkGroup', 'ListTagsForResource', 'GetWorkGroup']);
    expect(result.physicalResourceId).toBe(NAME);
    expect(state.get(NAME)!.tags).toEqual([{ Key: OWNER_TAG, Value: OWNER }]);
  });

  test('retries a throttled delete', async () => {
    // GIVEN
    const state = athenaService({ [NAME]: { owner: OWNER } }, {
      errors: { delete: [new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} })] },
    });
    const clock = fakeClock();

    // WHEN
    await onEvent(deleteEvent(NAME, props()), lambdaContext(), clock);

    // THEN
    expect(clock.sleeps).toEqual([2_000]);
    expect(deleteCalls()).toHaveLength(2);
    expect(state.size).toBe(0);
  });
});

describe('parseProps', () => {
  test('parses the properties CloudFormation sends as strings', () => {
    expect(parseProps({ ServiceToken: BASE.ServiceToken, ...props() })).toEqual({
      name: NAME,
      workGroupArn: arnOf(NAME),
      description: 'Analysts',
      instanceArn: INSTANCE,
      executionRoleArn: EXEC_ROLE,
      outputLocation: OUTPUT,
      createUserLevelPrefix: true,
      engineVersion: 'AUTO',
      publishCloudWatchMetrics: true,
      recursiveDelete: false,
      timeoutSeconds: 120,
    });
  });

  test('takes booleans, and defaults the flags and the timeout', () => {
    // WHEN
    const withBooleans = parseProps(props({ CreateUserLevelPrefix: false, PublishCloudWatchMetrics: false, RecursiveDelete: true }));
    const withDefaults = parseProps(props({
      CreateUserLevelPrefix: undefined, PublishCloudWatchMetrics: undefined, RecursiveDelete: undefined, TimeoutSeconds: undefined,
    }));

    // THEN
    expect(withBooleans).toMatchObject({ createUserLevelPrefix: false, publishCloudWatchMetrics: false, recursiveDelete: true });
    expect(withDefaults).toMatchObject({ createUserLevelPrefix: true, publishCloudWatchMetrics: true, recursiveDelete: false, timeoutSeconds: 120 });
  });

  test('accepts an empty description, other partitions and a role path', () => {
    expect(parseProps(props({
      Description: '',
      WorkGroupArn: 'arn:aws-cn:athena:cn-north-1:111111111111:workgroup/analysts-wg',
      InstanceArn: 'arn:aws-cn:sso:::instance/ssoins-0123456789abcdef',
      ExecutionRoleArn: 'arn:aws-cn:iam::111111111111:role/service-role/exec',
    }))).toMatchObject({ description: '', instanceArn: 'arn:aws-cn:sso:::instance/ssoins-0123456789abcdef' });
  });

  const errors: Array<[string, Props, RegExp]> = [
    ['a name with a space', { Name: 'analysts wg' }, /^Name: "analysts wg" is not valid\. Give 1 to 128 letters, digits, "\.", "_" or "-"\.$/],
    ['a name of 129 characters', { Name: 'a'.repeat(129) }, /^Name: "a{129}" is not valid\./],
    ['an empty name', { Name: '' }, /^Name: "" is not valid\./],
    ['a missing name', { Name: undefined }, /^Name: undefined is not valid\./],
    ['a workgroup ARN of another service', { WorkGroupArn: 'arn:aws:glue:us-east-1:111111111111:catalog' }, /^WorkGroupArn: .* is not valid\. Give the workgroup ARN\.$/],
    ['a description over 1024 characters', { Description: 'x'.repeat(1025) }, /^Description: "x+" is not valid\. Give at most 1024 characters\.$/],
    ['an application ARN as InstanceArn', { InstanceArn: APPLICATION }, /^InstanceArn: .* is not valid\. Give an IAM Identity Center instance ARN\.$/],
    ['an instance id without its ARN', { InstanceArn: 'ssoins-7223a4d1b8c6e5f0' }, /^InstanceArn: "ssoins-7223a4d1b8c6e5f0" is not valid\./],
    ['a user ARN as ExecutionRoleArn', { ExecutionRoleArn: 'arn:aws:iam::111111111111:user/exec' }, /^ExecutionRoleArn: .* is not valid\. Give an IAM role ARN\.$/],
    ['an https OutputLocation', { OutputLocation: 'https://results-bucket.s3.amazonaws.com/athena-results/' },
      /^OutputLocation: .* is not valid\. Give s3:\/\/<bucket>\/<prefix>\/\.$/],
    ['an OutputLocation without a slash after the bucket', { OutputLocation: 's3://results-bucket' }, /^OutputLocation: "s3:\/\/results-bucket" is not valid\./],
    ['EngineVersion v3', { EngineVersion: 'v3' }, /^EngineVersion: "v3" is not valid\. Give AUTO or "Athena engine version <n>"\.$/],
    ['CreateUserLevelPrefix yes', { CreateUserLevelPrefix: 'yes' }, /^CreateUserLevelPrefix: "yes" is not valid\. Give true or false\.$/],
    ['PublishCloudWatchMetrics 1', { PublishCloudWatchMetrics: 1 }, /^PublishCloudWatchMetrics: 1 is not valid\. Give true or false\.$/],
    ['RecursiveDelete TRUE', { RecursiveDelete: 'TRUE' }, /^RecursiveDelete: "TRUE" is not valid\./],
    ['a zero TimeoutSeconds', { TimeoutSeconds: '0' }, /^TimeoutSeconds: "0" is not valid\. Give a positive number of seconds\.$/],
  ];
  test.each(errors)('rejects %s', (_name, extra, error) => {
    expect(() => parseProps(props(extra))).toThrow(error);
  });

  test('a bad property fails the Create through the handler before any call', async () => {
    // GIVEN
    athenaService();
    const sent = capture();

    // WHEN
    await handler(createEvent(props({ OutputLocation: 'results-bucket/athena-results/' })), lambdaContext());

    // THEN
    expect(athena.calls()).toHaveLength(0);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID });
    expect(sent[0].body.Reason).toMatch(/^Error: OutputLocation: "results-bucket\/athena-results\/" is not valid/);
  });
});
