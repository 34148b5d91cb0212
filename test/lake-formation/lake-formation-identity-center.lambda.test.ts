import {
  AccessDeniedException,
  AlreadyExistsException,
  ConcurrentModificationException,
  CreateLakeFormationIdentityCenterConfigurationCommand,
  DataLakePrincipal,
  DeleteLakeFormationIdentityCenterConfigurationCommand,
  DescribeLakeFormationIdentityCenterConfigurationCommand,
  EntityNotFoundException,
  ExternalFilteringConfiguration,
  InvalidInputException,
  LakeFormationClient,
  ThrottledException,
  UpdateLakeFormationIdentityCenterConfigurationCommand,
} from '@aws-sdk/client-lakeformation';
import { mockClient } from 'aws-sdk-client-mock';
import { CREATE_FAILED_PHYSICAL_ID, setHttpPut } from '../../src/core/private/cfn-response';
import { handler, onEvent, parseProps } from '../../src/lake-formation/private/lake-formation-identity-center.lambda';
import { captureResponses, cfnEvents, eventBase, fakeClock, lambdaContext, Props } from '../handler-events';

const lf = mockClient(LakeFormationClient);

const BASE = eventBase('Custom::LakeFormationIdentityCenter', 'LakeFormationIdc');
const { createEvent, updateEvent, deleteEvent } = cfnEvents(BASE);

const CATALOG = '111111111111';
const OTHER_CATALOG = '222222222222';
const PHYSICAL_ID = `lake-formation-identity-center:${CATALOG}`;
const ADOPTED_ID = `${PHYSICAL_ID}:adopted`;
const INSTANCE = 'arn:aws:sso:::instance/ssoins-7223a4d1b8c6e5f0';
const OTHER_INSTANCE = 'arn:aws:sso:::instance/ssoins-99887766554433aa';
const THIRD_INSTANCE = 'arn:aws:sso:::instance/ssoins-1122334455667788';
const TARGET = 'arn:aws:sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/apl-0a1b2c3d4e5f6a7b';
const ORG = 'arn:aws:organizations::111111111111:organization/o-abc123def4';
const EXISTING_APP = 'arn:aws:sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/apl-e0e1e2e3e4e5e6e7';

const principals = (...ids: string[]): DataLakePrincipal[] => ids.map((id) => ({ DataLakePrincipalIdentifier: id }));
const DISABLED: ExternalFilteringConfiguration = { Status: 'DISABLED', AuthorizedTargets: [] };

interface Configuration {
  InstanceArn: string;
  ApplicationArn: string;
  ExternalFiltering?: ExternalFilteringConfiguration;
  ShareRecipients?: DataLakePrincipal[];
}

type Operation = 'describe' | 'create' | 'update' | 'delete';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const notFound = (catalogId: string | undefined) =>
  new EntityNotFoundException({ message: `No Identity Center configuration found for catalog ${catalogId}`, $metadata: {} });

/**
 * A stateful Lake Formation holding one Identity Center configuration per catalog. `errors`
 * are thrown by the first calls of each operation, one per call; `always` by every call.
 */
function lakeFormation(initial: Record<string, Configuration> = {}, options: {
  errors?: Partial<Record<Operation, Error[]>>;
  always?: Partial<Record<Operation, () => Error>>;
} = {}) {
  const state = new Map<string, Configuration>(Object.entries(clone(initial)));
  let applications = 0;
  const fault = (operation: Operation) => {
    const error = options.errors?.[operation]?.shift() ?? options.always?.[operation]?.();
    if (error) {
      throw error;
    }
  };
  lf.on(DescribeLakeFormationIdentityCenterConfigurationCommand).callsFake(async (input: { CatalogId?: string }) => {
    fault('describe');
    const configuration = state.get(input.CatalogId!);
    if (!configuration) {
      throw notFound(input.CatalogId);
    }
    return { CatalogId: input.CatalogId, ...clone(configuration) };
  });
  lf.on(CreateLakeFormationIdentityCenterConfigurationCommand).callsFake(async (input: {
    CatalogId?: string; InstanceArn?: string; ExternalFiltering?: ExternalFilteringConfiguration; ShareRecipients?: DataLakePrincipal[];
  }) => {
    fault('create');
    if (state.has(input.CatalogId!)) {
      throw new AlreadyExistsException({ message: `An Identity Center configuration already exists for catalog ${input.CatalogId}`, $metadata: {} });
    }
    applications += 1;
    const applicationArn = `arn:aws:sso::111111111111:application/ssoins-7223a4d1b8c6e5f0/apl-${String(applications).padStart(16, 'a')}`;
    state.set(input.CatalogId!, {
      InstanceArn: input.InstanceArn!,
      ApplicationArn: applicationArn,
      ExternalFiltering: clone(input.ExternalFiltering),
      ShareRecipients: clone(input.ShareRecipients),
    });
    return { ApplicationArn: applicationArn };
  });
  lf.on(UpdateLakeFormationIdentityCenterConfigurationCommand).callsFake(async (input: {
    CatalogId?: string; ExternalFiltering?: ExternalFilteringConfiguration; ShareRecipients?: DataLakePrincipal[];
  }) => {
    fault('update');
    const configuration = state.get(input.CatalogId!);
    if (!configuration) {
      throw notFound(input.CatalogId);
    }
    state.set(input.CatalogId!, {
      ...configuration,
      ExternalFiltering: clone(input.ExternalFiltering),
      ShareRecipients: clone(input.ShareRecipients),
    });
    return {};
  });
  lf.on(DeleteLakeFormationIdentityCenterConfigurationCommand).callsFake(async (input: { CatalogId?: string }) => {
    fault('delete');
    if (!state.delete(input.CatalogId!)) {
      throw notFound(input.CatalogId);
    }
    return {};
  });
  return state;
}

const createCalls = () => lf.commandCalls(CreateLakeFormationIdentityCenterConfigurationCommand).map((call) => call.args[0].input);
const updateCalls = () => lf.commandCalls(UpdateLakeFormationIdentityCenterConfigurationCommand).map((call) => call.args[0].input);
const deleteCalls = () => lf.commandCalls(DeleteLakeFormationIdentityCenterConfigurationCommand).map((call) => call.args[0].input);
const describeCount = () => lf.commandCalls(DescribeLakeFormationIdentityCenterConfigurationCommand).length;
/** The commands sent, in order, by short name. */
const commandNames = () => lf.calls().map((call) => (call.args[0] as object).constructor.name
  .replace('LakeFormationIdentityCenterConfigurationCommand', ''));

const props = (extra: Props = {}): Props => ({ CatalogId: CATALOG, InstanceArn: INSTANCE, ShareRecipients: [], TimeoutSeconds: '120', ...extra });

/** The configuration another tool made before the stack. */
const existing = (instanceArn = INSTANCE): Configuration => ({
  InstanceArn: instanceArn,
  ApplicationArn: EXISTING_APP,
  ExternalFiltering: DISABLED,
  ShareRecipients: principals('333333333333'),
});

const capture = captureResponses;

beforeEach(() => {
  lf.reset();
  setHttpPut(undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(() => {
  setHttpPut(undefined);
});

describe('Create', () => {
  test('creates the configuration with external filtering off when no AuthorizedTargets are given', async () => {
    // GIVEN
    const state = lakeFormation();

    // WHEN
    const result = await onEvent(createEvent(props({ ShareRecipients: ['444444444444', ORG] })), lambdaContext(), fakeClock());

    // THEN
    expect(createCalls()).toEqual([{
      CatalogId: CATALOG,
      InstanceArn: INSTANCE,
      ExternalFiltering: { Status: 'DISABLED', AuthorizedTargets: [] },
      ShareRecipients: principals('444444444444', ORG),
    }]);
    expect(updateCalls()).toEqual([]);
    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID, data: { ApplicationArn: state.get(CATALOG)!.ApplicationArn } });
    expect(result.data!.ApplicationArn).toMatch(/^arn:aws:sso::111111111111:application\/ssoins-7223a4d1b8c6e5f0\/apl-[a-zA-Z0-9]{16}$/);
    expect(state.get(CATALOG)!.InstanceArn).toBe(INSTANCE);
  });

  test('turns external filtering on with the AuthorizedTargets given', async () => {
    // GIVEN
    lakeFormation();

    // WHEN
    await onEvent(createEvent(props({ AuthorizedTargets: [TARGET] })), lambdaContext(), fakeClock());

    // THEN
    expect(createCalls()).toEqual([{
      CatalogId: CATALOG,
      InstanceArn: INSTANCE,
      ExternalFiltering: { Status: 'ENABLED', AuthorizedTargets: [TARGET] },
      ShareRecipients: [],
    }]);
  });

  test('adopts a configuration that names the same instance: updates it and marks the physical id', async () => {
    // GIVEN
    const state = lakeFormation({ [CATALOG]: existing() });

    // WHEN
    const result = await onEvent(createEvent(props({ ShareRecipients: ['444444444444'], AuthorizedTargets: [TARGET] })),
      lambdaContext(), fakeClock());

    // THEN
    expect(createCalls()).toEqual([]);
    expect(updateCalls()).toEqual([{
      CatalogId: CATALOG,
      ExternalFiltering: { Status: 'ENABLED', AuthorizedTargets: [TARGET] },
      ShareRecipients: principals('444444444444'),
    }]);
    expect(result).toEqual({ physicalResourceId: ADOPTED_ID, data: { ApplicationArn: EXISTING_APP } });
    expect(state.get(CATALOG)!.ShareRecipients).toEqual(principals('444444444444'));
  });

  test('an adopted configuration is left in place by the Delete', async () => {
    // GIVEN
    const state = lakeFormation({ [CATALOG]: existing() });
    const created = await onEvent(createEvent(props()), lambdaContext(), fakeClock());
    lf.resetHistory();

    // WHEN
    const result = await onEvent(deleteEvent(created.physicalResourceId, props()), lambdaContext(), fakeClock());

    // THEN
    expect(result).toEqual({ physicalResourceId: ADOPTED_ID });
    expect(lf.calls()).toHaveLength(0);
    expect(state.get(CATALOG)!.ApplicationArn).toBe(EXISTING_APP);
  });

  test('refuses a configuration that names another instance, naming both, without writing', async () => {
    // GIVEN
    const state = lakeFormation({ [CATALOG]: existing(OTHER_INSTANCE) });

    // WHEN / THEN
    await expect(onEvent(createEvent(props()), lambdaContext(), fakeClock())).rejects.toThrow(
      `Catalog ${CATALOG} is already connected to IAM Identity Center instance ${OTHER_INSTANCE}, not ${INSTANCE}.`);
    expect(commandNames()).toEqual(['Describe']);
    expect(state.get(CATALOG)!.InstanceArn).toBe(OTHER_INSTANCE);
  });

  test('the handler answers that refusal FAILED with the create-failed id, so the rollback leaves the configuration', async () => {
    // GIVEN
    lakeFormation({ [CATALOG]: existing(OTHER_INSTANCE) });
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID });
    expect(sent[0].body.Reason).toContain(OTHER_INSTANCE);
    expect(sent[0].body.Reason).toContain(INSTANCE);
    expect(sent[0].body.Reason).toContain('delete the existing one');
  });

  test('the handler answers SUCCESS with the physical id and the application ARN', async () => {
    // GIVEN
    const state = lakeFormation();
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe(BASE.ResponseURL);
    expect(sent[0].body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: BASE.StackId,
      RequestId: 'request-1',
      LogicalResourceId: 'LakeFormationIdc',
      Data: { ApplicationArn: state.get(CATALOG)!.ApplicationArn },
    });
  });

  test('a failed Create answers FAILED with its physical id, so the rollback Delete reaches the configuration', async () => {
    // GIVEN
    const state = lakeFormation({}, {
      errors: { create: [new InvalidInputException({ message: 'ShareRecipients contains an invalid principal', $metadata: {} })] },
    });
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());
    await handler(deleteEvent(sent[0].body.PhysicalResourceId as string, props()), lambdaContext());

    // THEN
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(sent[0].body.Reason).toBe('InvalidInputException: ShareRecipients contains an invalid principal');
    // The rollback Delete calls Lake Formation; nothing was made, so it finds nothing and succeeds.
    expect(deleteCalls()).toEqual([{ CatalogId: CATALOG }]);
    expect(sent[1].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID });
    expect(state.size).toBe(0);
  });

  test('another writer creating the configuration between our read and our write: FAILED without our id, so the rollback leaves theirs', async () => {
    // GIVEN: Describe finds nothing, then Create meets the other writer's configuration.
    const state = lakeFormation();
    lf.on(DescribeLakeFormationIdentityCenterConfigurationCommand).callsFakeOnce(async () => {
      state.set(CATALOG, existing(OTHER_INSTANCE));
      throw notFound(CATALOG);
    });
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());
    await handler(deleteEvent(sent[0].body.PhysicalResourceId as string, props()), lambdaContext());

    // THEN
    expect(sent[0].body.Status).toBe('FAILED');
    expect(sent[0].body.Reason).toContain('AlreadyExistsException');
    expect(sent[0].body.PhysicalResourceId).not.toBe(PHYSICAL_ID);
    expect(deleteCalls()).toEqual([]);
    expect(state.get(CATALOG)!.InstanceArn).toBe(OTHER_INSTANCE);
  });

  test('a Create answered without an application ARN fails with our id (the rollback Delete cleans up)', async () => {
    // GIVEN
    lakeFormation();
    lf.on(CreateLakeFormationIdentityCenterConfigurationCommand).resolvesOnce({});
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(sent[0].body.Reason).toContain('returned no application ARN');
  });

  test('a non-retryable error (AccessDeniedException) is answered FAILED with the service\'s own text', async () => {
    // GIVEN
    const message = 'User: arn:aws:sts::111111111111:assumed-role/handler/fn is not authorized to perform: '
      + 'lakeformation:DescribeLakeFormationIdentityCenterConfiguration';
    lakeFormation({}, { errors: { describe: [new AccessDeniedException({ message, $metadata: {} })] } });
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN: no retry, nothing created, and nothing to roll back.
    expect(commandNames()).toEqual(['Describe']);
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID });
    expect(sent[0].body.Reason).toContain(`AccessDeniedException: ${message}`);
  });
});

describe('Update', () => {
  test('the same instance: updates the share recipients and filtering in place', async () => {
    // GIVEN
    const state = lakeFormation({ [CATALOG]: existing() });

    // WHEN
    const result = await onEvent(updateEvent(PHYSICAL_ID,
      props({ ShareRecipients: ['444444444444', '555555555555'] }),
      props({ ShareRecipients: ['333333333333'] })),
    lambdaContext(), fakeClock());

    // THEN
    expect(updateCalls()).toEqual([{ CatalogId: CATALOG, ExternalFiltering: DISABLED, ShareRecipients: principals('444444444444', '555555555555') }]);
    expect(createCalls()).toEqual([]);
    expect(deleteCalls()).toEqual([]);
    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID, data: { ApplicationArn: EXISTING_APP } });
    expect(state.get(CATALOG)!.ShareRecipients).toEqual(principals('444444444444', '555555555555'));
  });

  test('an adopted configuration keeps its adopted id through an update', async () => {
    // GIVEN
    lakeFormation({ [CATALOG]: existing() });

    // WHEN
    const result = await onEvent(updateEvent(ADOPTED_ID, props({ AuthorizedTargets: [TARGET] }), props()), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(ADOPTED_ID);
    expect(updateCalls()).toEqual([{ CatalogId: CATALOG, ExternalFiltering: { Status: 'ENABLED', AuthorizedTargets: [TARGET] }, ShareRecipients: [] }]);
  });

  test('a new instance: deletes and re-creates the configuration under the same physical id', async () => {
    // GIVEN
    const state = lakeFormation({ [CATALOG]: existing() });

    // WHEN
    const result = await onEvent(updateEvent(PHYSICAL_ID, props({ InstanceArn: OTHER_INSTANCE }), props()), lambdaContext(), fakeClock());

    // THEN
    expect(commandNames()).toEqual(['Describe', 'Delete', 'Create']);
    expect(deleteCalls()).toEqual([{ CatalogId: CATALOG }]);
    expect(createCalls()).toEqual([{ CatalogId: CATALOG, InstanceArn: OTHER_INSTANCE, ExternalFiltering: DISABLED, ShareRecipients: [] }]);
    expect(updateCalls()).toEqual([]);
    expect(state.get(CATALOG)!.InstanceArn).toBe(OTHER_INSTANCE);
    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID, data: { ApplicationArn: state.get(CATALOG)!.ApplicationArn } });
    expect(result.data!.ApplicationArn).not.toBe(EXISTING_APP);
  });

  test('a new instance when the configuration is already gone: creates it', async () => {
    // GIVEN
    const state = lakeFormation();

    // WHEN
    const result = await onEvent(updateEvent(PHYSICAL_ID, props({ InstanceArn: OTHER_INSTANCE }), props()), lambdaContext(), fakeClock());

    // THEN
    expect(commandNames()).toEqual(['Describe', 'Create']);
    expect(result.physicalResourceId).toBe(PHYSICAL_ID);
    expect(state.get(CATALOG)!.InstanceArn).toBe(OTHER_INSTANCE);
  });

  test('a new instance on a taken-over configuration: the new one is ours (new id, so the adopted id\'s Delete is a no-op)', async () => {
    // GIVEN
    const state = lakeFormation({ [CATALOG]: existing() });

    // WHEN
    const result = await onEvent(updateEvent(ADOPTED_ID, props({ InstanceArn: OTHER_INSTANCE }), props()), lambdaContext(), fakeClock());

    // THEN
    expect(commandNames()).toEqual(['Describe', 'Delete', 'Create']);
    expect(result.physicalResourceId).toBe(PHYSICAL_ID);
    expect(state.get(CATALOG)!.InstanceArn).toBe(OTHER_INSTANCE);
  });

  test('a new instance when another writer already replaced the configuration with a third instance: fails without writing', async () => {
    // GIVEN
    lakeFormation({ [CATALOG]: existing(THIRD_INSTANCE) });

    // WHEN / THEN
    await expect(onEvent(updateEvent(PHYSICAL_ID, props({ InstanceArn: OTHER_INSTANCE }), props()), lambdaContext(), fakeClock()))
      .rejects.toThrow(`Catalog ${CATALOG} is already connected to IAM Identity Center instance ${THIRD_INSTANCE}, not ${OTHER_INSTANCE}.`);
    expect(commandNames()).toEqual(['Describe']);
  });

  test('a new catalog: creates the configuration there under a new physical id and leaves the old catalog\'s', async () => {
    // GIVEN
    const state = lakeFormation({ [CATALOG]: existing() });

    // WHEN
    const result = await onEvent(updateEvent(PHYSICAL_ID, props({ CatalogId: OTHER_CATALOG }), props()), lambdaContext(), fakeClock());

    // THEN
    expect(result).toEqual({
      physicalResourceId: `lake-formation-identity-center:${OTHER_CATALOG}`,
      data: { ApplicationArn: state.get(OTHER_CATALOG)!.ApplicationArn },
    });
    expect(createCalls()).toEqual([{ CatalogId: OTHER_CATALOG, InstanceArn: INSTANCE, ExternalFiltering: DISABLED, ShareRecipients: [] }]);
    expect(deleteCalls()).toEqual([]);
    expect(updateCalls()).toEqual([]);
    // CloudFormation deletes the old one with a Delete of the old physical id afterwards.
    expect(state.get(CATALOG)).toEqual(existing());
  });

  test('a new catalog that already has a configuration of the same instance: adopts it', async () => {
    // GIVEN
    const state = lakeFormation({ [OTHER_CATALOG]: existing() });

    // WHEN
    const result = await onEvent(updateEvent(PHYSICAL_ID, props({ CatalogId: OTHER_CATALOG, ShareRecipients: ['444444444444'] }), props()),
      lambdaContext(), fakeClock());

    // THEN
    expect(result).toEqual({ physicalResourceId: `lake-formation-identity-center:${OTHER_CATALOG}:adopted`, data: { ApplicationArn: EXISTING_APP } });
    expect(createCalls()).toEqual([]);
    expect(updateCalls()).toEqual([{ CatalogId: OTHER_CATALOG, ExternalFiltering: DISABLED, ShareRecipients: principals('444444444444') }]);
    expect(state.get(OTHER_CATALOG)!.ShareRecipients).toEqual(principals('444444444444'));
  });

  test('a new catalog that has a configuration of another instance: fails without writing', async () => {
    // GIVEN
    lakeFormation({ [OTHER_CATALOG]: existing(OTHER_INSTANCE) });

    // WHEN / THEN
    await expect(onEvent(updateEvent(PHYSICAL_ID, props({ CatalogId: OTHER_CATALOG }), props()), lambdaContext(), fakeClock()))
      .rejects.toThrow(`Catalog ${OTHER_CATALOG} is already connected to IAM Identity Center instance ${OTHER_INSTANCE}, not ${INSTANCE}.`);
    expect(commandNames()).toEqual(['Describe']);
  });

  test('a configuration deleted outside the stack is created again on update', async () => {
    // GIVEN
    const state = lakeFormation();

    // WHEN
    const result = await onEvent(updateEvent(PHYSICAL_ID, props({ ShareRecipients: ['444444444444'] }), props()), lambdaContext(), fakeClock());

    // THEN
    expect(commandNames()).toEqual(['Describe', 'Create']);
    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID, data: { ApplicationArn: state.get(CATALOG)!.ApplicationArn } });
    expect(state.get(CATALOG)!.ShareRecipients).toEqual(principals('444444444444'));
  });
});

describe('Delete', () => {
  test('deletes the configuration of the catalog', async () => {
    // GIVEN
    const state = lakeFormation({ [CATALOG]: existing() });

    // WHEN
    const result = await onEvent(deleteEvent(PHYSICAL_ID, props()), lambdaContext(), fakeClock());

    // THEN
    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID });
    expect(deleteCalls()).toEqual([{ CatalogId: CATALOG }]);
    expect(commandNames()).toEqual(['Delete']);
    expect(state.size).toBe(0);
  });

  test('succeeds when the configuration is already gone', async () => {
    // GIVEN
    lakeFormation();
    const sent = capture();

    // WHEN
    await handler(deleteEvent(PHYSICAL_ID, props()), lambdaContext());

    // THEN
    expect(deleteCalls()).toEqual([{ CatalogId: CATALOG }]);
    expect(sent.map((s) => s.body)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID })]);
  });

  test('another error fails the Delete with the service\'s text', async () => {
    // GIVEN
    lakeFormation({ [CATALOG]: existing() }, {
      errors: { delete: [new AccessDeniedException({ message: 'Insufficient Lake Formation permission(s)', $metadata: {} })] },
    });
    const sent = capture();

    // WHEN
    await handler(deleteEvent(PHYSICAL_ID, props()), lambdaContext());

    // THEN
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: PHYSICAL_ID });
    expect(sent[0].body.Reason).toBe('AccessDeniedException: Insufficient Lake Formation permission(s)');
  });

  test('the handler answers a rollback Delete of the create-failed id without calling Lake Formation', async () => {
    // GIVEN
    lakeFormation({ [CATALOG]: existing() });
    const sent = capture();

    // WHEN
    await handler(deleteEvent(CREATE_FAILED_PHYSICAL_ID, props()), lambdaContext());

    // THEN
    expect(lf.calls()).toHaveLength(0);
    expect(sent.map((s) => s.body)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID })]);
  });
});

describe('retries', () => {
  test('retries a ConcurrentModificationException on create, then succeeds', async () => {
    // GIVEN
    const state = lakeFormation({}, {
      errors: { create: [new ConcurrentModificationException({ message: 'Concurrent modification', $metadata: {} })] },
    });
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(props()), lambdaContext(), clock);

    // THEN
    expect(clock.sleeps).toEqual([2_000]);
    expect(createCalls()).toHaveLength(2);
    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID, data: { ApplicationArn: state.get(CATALOG)!.ApplicationArn } });
  });

  test('retries ThrottledException with growing backoff on read, update and delete', async () => {
    // GIVEN
    const throttled = () => new ThrottledException({ message: 'Rate exceeded', $metadata: {} });
    const state = lakeFormation({ [CATALOG]: existing() }, {
      errors: { describe: [throttled(), throttled()], update: [throttled()], delete: [throttled()] },
    });
    const clock = fakeClock();

    // WHEN
    await onEvent(updateEvent(PHYSICAL_ID, props({ ShareRecipients: ['444444444444'] }), props()), lambdaContext(), clock);
    await onEvent(deleteEvent(PHYSICAL_ID, props()), lambdaContext(), clock);

    // THEN: the describe before the update is retried twice (2 s, 4 s), the update once, the delete once.
    expect(clock.sleeps).toEqual([2_000, 4_000, 2_000, 2_000]);
    expect(updateCalls()).toHaveLength(2);
    expect(describeCount()).toBe(3);
    expect(deleteCalls()).toHaveLength(2);
    expect(state.size).toBe(0);
  });

  test('times out with the last error when throttled for longer than TimeoutSeconds', async () => {
    // GIVEN
    lakeFormation({}, { always: { describe: () => new ThrottledException({ message: 'Rate exceeded', $metadata: {} }) } });
    const clock = fakeClock();

    // WHEN / THEN
    await expect(onEvent(createEvent(props({ TimeoutSeconds: '30' })), lambdaContext(), clock)).rejects.toThrow(
      'Timed out after 30 s reading the Lake Formation Identity Center configuration; last error: ThrottledException: Rate exceeded.');
    expect(clock.time).toBe(30_000);
    expect(clock.sleeps).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(createCalls()).toEqual([]);
  });

  test('the timeout is capped by the Lambda deadline', async () => {
    // GIVEN: 45 s left in the Lambda, of which 15 s are kept for answering.
    lakeFormation({}, { always: { describe: () => new ThrottledException({ message: 'Rate exceeded', $metadata: {} }) } });
    const clock = fakeClock();

    // WHEN / THEN
    await expect(onEvent(createEvent(props({ TimeoutSeconds: '600' })), lambdaContext(45_000), clock))
      .rejects.toThrow(/^Timed out after 30 s reading/);
    expect(clock.time).toBe(30_000);
  });
});

describe('parseProps', () => {
  test('parses the properties, removes duplicates and defaults the timeout to 120 s', () => {
    // WHEN
    const parsed = parseProps({
      ServiceToken: BASE.ServiceToken,
      CatalogId: CATALOG,
      InstanceArn: INSTANCE,
      ShareRecipients: ['444444444444', ORG, '444444444444'],
      AuthorizedTargets: [TARGET, TARGET],
    });

    // THEN
    expect(parsed).toEqual({
      catalogId: CATALOG,
      instanceArn: INSTANCE,
      authorizedTargets: [TARGET],
      shareRecipients: ['444444444444', ORG],
      timeoutSeconds: 120,
    });
  });

  test('missing lists: no authorized targets (filtering off) and no share recipients; other partitions; a timeout string', () => {
    // WHEN
    const parsed = parseProps({ CatalogId: CATALOG, InstanceArn: 'arn:aws-us-gov:sso:::instance/ins-0123456789abcdef', TimeoutSeconds: '45' });

    // THEN
    expect(parsed).toEqual({
      catalogId: CATALOG,
      instanceArn: 'arn:aws-us-gov:sso:::instance/ins-0123456789abcdef',
      authorizedTargets: undefined,
      shareRecipients: [],
      timeoutSeconds: 45,
    });
  });

  test('an empty AuthorizedTargets list is kept (filtering on, no targets)', () => {
    expect(parseProps(props({ AuthorizedTargets: [] })).authorizedTargets).toEqual([]);
  });

  const errors: Array<[string, Props, RegExp]> = [
    ['a catalog id of 11 digits', { CatalogId: '11111111111' }, /^CatalogId: "11111111111" is not valid\. Give the 12-digit account id of the catalog\.$/],
    ['a catalog id that is not digits', { CatalogId: 'main-catalog' }, /^CatalogId: "main-catalog" is not valid/],
    ['a missing catalog id', { CatalogId: undefined }, /^CatalogId: undefined is not valid/],
    ['a numeric catalog id', { CatalogId: 111111111111 }, /^CatalogId: 111111111111 is not valid/],
    ['an application ARN as InstanceArn', { InstanceArn: TARGET },
      /^InstanceArn: ".*application\/ssoins-7223a4d1b8c6e5f0\/apl-.*" is not valid\. Give an IAM Identity Center instance ARN, arn:aws:sso:::instance\/ssoins-/],
    ['an instance id without its ARN', { InstanceArn: 'ssoins-7223a4d1b8c6e5f0' }, /^InstanceArn: "ssoins-7223a4d1b8c6e5f0" is not valid/],
    ['an instance ARN with a short id', { InstanceArn: 'arn:aws:sso:::instance/ssoins-7223' }, /^InstanceArn: .* is not valid/],
    ['ShareRecipients that is a string', { ShareRecipients: '444444444444' }, /^ShareRecipients: "444444444444" is not valid\. Give a list of non-empty strings\.$/],
    ['a non-string share recipient', { ShareRecipients: [444444444444] }, /^ShareRecipients: \[444444444444\] is not valid/],
    ['an empty string in AuthorizedTargets', { AuthorizedTargets: [TARGET, ''] }, /^AuthorizedTargets: \[".*",""\] is not valid\. Give a list of non-empty strings\.$/],
    ['a zero TimeoutSeconds', { TimeoutSeconds: '0' }, /^TimeoutSeconds: "0" is not valid\. Give a positive number of seconds\.$/],
    ['a negative TimeoutSeconds', { TimeoutSeconds: -5 }, /^TimeoutSeconds: -5 is not valid/],
    ['a TimeoutSeconds that is not a number', { TimeoutSeconds: 'two minutes' }, /^TimeoutSeconds: "two minutes" is not valid/],
  ];
  test.each(errors)('rejects %s', (_name, extra, error) => {
    expect(() => parseProps(props(extra))).toThrow(error);
  });

  test('a bad property fails the Create through the handler before any call', async () => {
    // GIVEN
    lakeFormation();
    const sent = capture();

    // WHEN
    await handler(createEvent(props({ InstanceArn: TARGET })), lambdaContext());

    // THEN
    expect(lf.calls()).toHaveLength(0);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID });
    expect(sent[0].body.Reason).toMatch(/^Error: InstanceArn: .* is not valid/);
  });
});
