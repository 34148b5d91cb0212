import {
  ConcurrentModificationException,
  DataLakeSettings,
  GetDataLakeSettingsCommand,
  InvalidInputException,
  LakeFormationClient,
  PutDataLakeSettingsCommand,
  ThrottledException,
} from '@aws-sdk/client-lakeformation';
import { mockClient } from 'aws-sdk-client-mock';
import { setHttpPut } from '../../src/core/private/cfn-response';
import { handler, merge, onEvent, parseProps } from '../../src/lake-formation/private/lake-formation-settings.lambda';
import { captureResponses, cfnEvents, eventBase, fakeClock, lambdaContext, Props } from '../handler-events';

const lf = mockClient(LakeFormationClient);

const BASE = eventBase('Custom::LakeFormationSettings', 'Settings');
const { createEvent, updateEvent, deleteEvent } = cfnEvents(BASE);
const PHYSICAL_ID = 'lake-formation-settings:Settings';

const role = (name: string) => `arn:aws:iam::111111111111:role/${name}`;
const user = (name: string) => `arn:aws:iam::111111111111:user/${name}`;
const OURS = role('DataAdmin');
const OURS_2 = user('alice');
const OUR_READER = role('Auditor');
const FOREIGN = role('ConsoleAdmin');
const FOREIGN_READER = role('ForeignAuditor');

const principals = (...arns: string[]) => arns.map((arn) => ({ DataLakePrincipalIdentifier: arn }));

/** Settings made elsewhere: every field PutDataLakeSettings replaces. */
const FOREIGN_SETTINGS: DataLakeSettings = {
  DataLakeAdmins: principals(FOREIGN),
  ReadOnlyAdmins: principals(FOREIGN_READER),
  CreateDatabaseDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
  CreateTableDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: role('Etl') }, Permissions: ['SELECT', 'DESCRIBE'] }],
  TrustedResourceOwners: ['222222222222'],
  AllowExternalDataFiltering: true,
  ExternalDataFilteringAllowList: [{ DataLakePrincipalIdentifier: '333333333333' }],
  AuthorizedSessionTagValueList: ['EMR'],
  AllowFullTableExternalDataAccess: false,
  Parameters: { CROSS_ACCOUNT_VERSION: '4', SET_CONTEXT: 'FALSE' },
};

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/**
 * A stateful Lake Formation: Get returns the stored settings, Put replaces them. `beforeGet`
 * runs before each Get (another writer replacing the settings); `putErrors` are thrown by the
 * first Puts, one per call.
 */
function lakeFormation(initial: DataLakeSettings | undefined, options: { beforeGet?: (n: number) => void; putErrors?: Error[] } = {}) {
  const state = { settings: initial === undefined ? undefined : clone(initial) };
  let gets = 0;
  lf.on(GetDataLakeSettingsCommand).callsFake(async () => {
    gets += 1;
    options.beforeGet?.(gets);
    return state.settings === undefined ? {} : { DataLakeSettings: clone(state.settings) };
  });
  lf.on(PutDataLakeSettingsCommand).callsFake(async (input: { DataLakeSettings: DataLakeSettings }) => {
    const error = options.putErrors?.shift();
    if (error) {
      throw error;
    }
    state.settings = clone(input.DataLakeSettings);
    return {};
  });
  return state;
}

const putCalls = () => lf.commandCalls(PutDataLakeSettingsCommand).map((call) => call.args[0].input.DataLakeSettings!);
const getCount = () => lf.commandCalls(GetDataLakeSettingsCommand).length;
const ids = (list: DataLakeSettings['DataLakeAdmins']) => (list ?? []).map((p) => p.DataLakePrincipalIdentifier);

const props = (extra: Props = {}): Props => ({ Admins: [OURS], ReadOnlyAdmins: [], Parameters: {}, ...extra });

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
  test('adds our admins to the existing ones and sends everything else unchanged', async () => {
    // GIVEN
    lakeFormation(FOREIGN_SETTINGS);

    // WHEN
    const result = await onEvent(createEvent(props({
      Admins: [OURS, OURS_2],
      ReadOnlyAdmins: [OUR_READER],
      Parameters: { SET_CONTEXT: 'TRUE', NEW_PARAM: 'x' },
    })), lambdaContext(), fakeClock());

    // THEN
    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID });
    expect(putCalls()).toEqual([{
      ...FOREIGN_SETTINGS,
      DataLakeAdmins: principals(FOREIGN, OURS, OURS_2),
      ReadOnlyAdmins: principals(FOREIGN_READER, OUR_READER),
      Parameters: { CROSS_ACCOUNT_VERSION: '4', SET_CONTEXT: 'TRUE', NEW_PARAM: 'x' },
    }]);
    // Read again after the write, which found the settings as wanted.
    expect(getCount()).toBe(2);
  });

  test('works on an account without any settings yet', async () => {
    // GIVEN
    lakeFormation(undefined);

    // WHEN
    await onEvent(createEvent(props({ Parameters: { SET_CONTEXT: 'TRUE' } })), lambdaContext(), fakeClock());

    // THEN
    expect(putCalls()).toEqual([{ DataLakeAdmins: principals(OURS), ReadOnlyAdmins: [], Parameters: { SET_CONTEXT: 'TRUE' } }]);
  });

  test('does not write when the settings already hold our admins and parameters', async () => {
    // GIVEN
    lakeFormation({ ...FOREIGN_SETTINGS, DataLakeAdmins: principals(OURS, FOREIGN), Parameters: { SET_CONTEXT: 'TRUE' } });

    // WHEN
    const result = await onEvent(createEvent(props({ Parameters: { SET_CONTEXT: 'TRUE' } })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(PHYSICAL_ID);
    expect(putCalls()).toEqual([]);
    expect(getCount()).toBe(1);
  });

  test('writes again when another writer replaced the settings after our write', async () => {
    // GIVEN: the other writer drops our admin once, after our first write.
    const state = lakeFormation(FOREIGN_SETTINGS, {
      beforeGet: (n) => {
        if (n === 2) {
          state.settings = clone({ ...FOREIGN_SETTINGS, TrustedResourceOwners: ['444444444444'] });
        }
      },
    });

    // WHEN
    await onEvent(createEvent(props()), lambdaContext(), fakeClock());

    // THEN
    const puts = putCalls();
    expect(puts).toHaveLength(2);
    expect(ids(puts[1].DataLakeAdmins)).toEqual([FOREIGN, OURS]);
    // The second write keeps what the other writer set.
    expect(puts[1].TrustedResourceOwners).toEqual(['444444444444']);
    expect(getCount()).toBe(3);
  });

  test('gives up after 5 rounds when the settings keep changing under us', async () => {
    // GIVEN: another writer drops our admin before every read.
    const state = lakeFormation(FOREIGN_SETTINGS, {
      beforeGet: () => {
        state.settings = clone(FOREIGN_SETTINGS);
      },
    });

    // WHEN / THEN
    await expect(onEvent(createEvent(props()), lambdaContext(), fakeClock()))
      .rejects.toThrow(/The data lake settings changed under us 5 times/);
    expect(putCalls()).toHaveLength(5);
    expect(getCount()).toBe(6);
  });

  test('retries a ConcurrentModificationException on write, then succeeds', async () => {
    // GIVEN
    lakeFormation(FOREIGN_SETTINGS, {
      putErrors: [new ConcurrentModificationException({ message: 'Concurrent modification', $metadata: {} })],
    });
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(props()), lambdaContext(), clock);

    // THEN
    expect(result.physicalResourceId).toBe(PHYSICAL_ID);
    expect(clock.sleeps).toEqual([2_000]);
    expect(putCalls()).toHaveLength(2);
    expect(ids(putCalls()[1].DataLakeAdmins)).toEqual([FOREIGN, OURS]);
  });

  test('retries Lake Formation\'s own throttling error (ThrottledException), then succeeds', async () => {
    // GIVEN
    lakeFormation(FOREIGN_SETTINGS, { putErrors: [new ThrottledException({ message: 'Rate exceeded', $metadata: {} })] });
    const clock = fakeClock();

    // WHEN
    await onEvent(createEvent(props()), lambdaContext(), clock);

    // THEN
    expect(clock.sleeps).toEqual([2_000]);
    expect(putCalls()).toHaveLength(2);
  });

  test('does not retry an InvalidInputException: the handler answers FAILED with the service message', async () => {
    // GIVEN
    lakeFormation(FOREIGN_SETTINGS, {
      putErrors: [new InvalidInputException({ message: 'Principal arn:aws:iam::111111111111:role/DataAdmin is invalid', $metadata: {} })],
    });
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN
    expect(putCalls()).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe(BASE.ResponseURL);
    expect(sent[0].body).toMatchObject({
      Status: 'FAILED',
      LogicalResourceId: 'Settings',
      RequestId: 'request-1',
      StackId: BASE.StackId,
    });
    expect(sent[0].body.Reason).toContain('InvalidInputException: Principal arn:aws:iam::111111111111:role/DataAdmin is invalid');
  });

  test('the handler answers SUCCESS with the physical id', async () => {
    // GIVEN
    lakeFormation(FOREIGN_SETTINGS);
    const sent = capture();

    // WHEN
    await handler(createEvent(props()), lambdaContext());

    // THEN
    expect(sent.map((s) => s.body)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID })]);
  });
});

describe('Update', () => {
  test('removes only the admins dropped from the props, keeps foreign ones and adds new ones', async () => {
    // GIVEN
    lakeFormation({
      ...FOREIGN_SETTINGS,
      DataLakeAdmins: principals(FOREIGN, OURS, OURS_2),
      ReadOnlyAdmins: principals(FOREIGN_READER, OUR_READER),
    });
    const newAdmin = role('NewAdmin');
    const newReader = role('NewAuditor');

    // WHEN
    const result = await onEvent(updateEvent(PHYSICAL_ID,
      props({ Admins: [OURS, newAdmin], ReadOnlyAdmins: [newReader] }),
      props({ Admins: [OURS, OURS_2], ReadOnlyAdmins: [OUR_READER] })),
    lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(PHYSICAL_ID);
    expect(putCalls()).toEqual([{
      ...FOREIGN_SETTINGS,
      DataLakeAdmins: principals(FOREIGN, OURS, newAdmin),
      ReadOnlyAdmins: principals(FOREIGN_READER, newReader),
    }]);
  });

  test('does not remove an admin the old props had that is no longer ours but was never there', async () => {
    // GIVEN: OURS_2 was in the old props but someone already removed it.
    lakeFormation({ ...FOREIGN_SETTINGS, DataLakeAdmins: principals(FOREIGN, OURS) });

    // WHEN
    await onEvent(updateEvent(PHYSICAL_ID, props({ Admins: [OURS] }), props({ Admins: [OURS, OURS_2] })), lambdaContext(), fakeClock());

    // THEN
    expect(putCalls()).toEqual([]);
  });

  test('changes a parameter value and keeps the other keys', async () => {
    // GIVEN
    lakeFormation({ ...FOREIGN_SETTINGS, DataLakeAdmins: principals(FOREIGN, OURS), Parameters: { CROSS_ACCOUNT_VERSION: '4', SET_CONTEXT: 'TRUE' } });

    // WHEN
    await onEvent(updateEvent(PHYSICAL_ID,
      props({ Parameters: { SET_CONTEXT: 'FALSE' } }),
      props({ Parameters: { SET_CONTEXT: 'TRUE' } })), lambdaContext(), fakeClock());

    // THEN
    expect(putCalls().map((s) => s.Parameters)).toEqual([{ CROSS_ACCOUNT_VERSION: '4', SET_CONTEXT: 'FALSE' }]);
  });
});

describe('Delete', () => {
  test('removes only our admins and read-only admins, keeps foreign ones and every parameter', async () => {
    // GIVEN
    lakeFormation({
      ...FOREIGN_SETTINGS,
      DataLakeAdmins: principals(FOREIGN, OURS, OURS_2),
      ReadOnlyAdmins: principals(OUR_READER, FOREIGN_READER),
      Parameters: { CROSS_ACCOUNT_VERSION: '4', SET_CONTEXT: 'TRUE' },
    });

    // WHEN
    const result = await onEvent(deleteEvent(PHYSICAL_ID, props({
      Admins: [OURS, OURS_2],
      ReadOnlyAdmins: [OUR_READER],
      Parameters: { SET_CONTEXT: 'TRUE' },
    })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(PHYSICAL_ID);
    expect(putCalls()).toEqual([{
      ...FOREIGN_SETTINGS,
      DataLakeAdmins: principals(FOREIGN),
      ReadOnlyAdmins: principals(FOREIGN_READER),
      Parameters: { CROSS_ACCOUNT_VERSION: '4', SET_CONTEXT: 'TRUE' },
    }]);
  });

  test('does not write when none of our admins is present', async () => {
    // GIVEN
    lakeFormation(FOREIGN_SETTINGS);

    // WHEN
    const result = await onEvent(deleteEvent(PHYSICAL_ID, props({ ReadOnlyAdmins: [OUR_READER], Parameters: { SET_CONTEXT: 'TRUE' } })),
      lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(PHYSICAL_ID);
    expect(putCalls()).toEqual([]);
    expect(getCount()).toBe(1);
  });

  test('the handler answers a rollback Delete of a failed Create without calling Lake Formation', async () => {
    // GIVEN
    lakeFormation(FOREIGN_SETTINGS);
    const sent = capture();

    // WHEN
    await handler(deleteEvent('cdk-analytics-access:create-failed', props()), lambdaContext());

    // THEN
    expect(lf.calls()).toHaveLength(0);
    expect(sent.map((s) => s.body.Status)).toEqual(['SUCCESS']);
  });
});

describe('parseProps', () => {
  test('parses admins, read-only admins, parameters and the default timeout, without duplicates', () => {
    // WHEN
    const parsed = parseProps({
      ServiceToken: BASE.ServiceToken,
      Admins: [OURS, OURS_2, OURS],
      ReadOnlyAdmins: [OUR_READER, OUR_READER],
      Parameters: { SET_CONTEXT: 'TRUE' },
    });

    // THEN
    expect(parsed).toEqual({
      admins: [OURS, OURS_2],
      readOnlyAdmins: [OUR_READER],
      parameters: { SET_CONTEXT: 'TRUE' },
      timeoutSeconds: 120,
    });
  });

  test('defaults missing lists and parameters to empty, and accepts other partitions and role paths', () => {
    // WHEN
    const parsed = parseProps({ Admins: ['arn:aws-us-gov:iam::111111111111:role/service-role/x'], TimeoutSeconds: '30' });

    // THEN
    expect(parsed).toEqual({
      admins: ['arn:aws-us-gov:iam::111111111111:role/service-role/x'],
      readOnlyAdmins: [],
      parameters: {},
      timeoutSeconds: 30,
    });
  });

  const errors: Array<[string, Props, RegExp]> = [
    ['a non-ARN admin', { Admins: ['DataAdmin'] }, /^Admins: \["DataAdmin"\] is not valid\. Give a list of IAM role or user ARNs\.$/],
    ['a group ARN', { Admins: ['arn:aws:iam::111111111111:group/x'] }, /^Admins: .*group\/x.* is not valid\. Give a list of IAM role or user ARNs/],
    ['a group ARN among read-only admins', { ReadOnlyAdmins: ['arn:aws:iam::111111111111:group/x'] }, /^ReadOnlyAdmins: .* is not valid/],
    ['an account root ARN', { Admins: ['arn:aws:iam::111111111111:root'] }, /^Admins: .* is not valid/],
    ['admins that are not a list', { Admins: OURS }, /^Admins: .* is not valid/],
    ['a non-string admin', { Admins: [42] }, /^Admins: \[42\] is not valid/],
    ['Parameters that is a string', { Parameters: 'SET_CONTEXT=TRUE' }, /^Parameters: "SET_CONTEXT=TRUE" is not valid\. Give a map of string values/],
    ['Parameters that is a list', { Parameters: ['SET_CONTEXT'] }, /^Parameters: \["SET_CONTEXT"\] is not valid/],
    ['a non-string parameter value', { Parameters: { CROSS_ACCOUNT_VERSION: 4 } }, /^Parameters: \{"CROSS_ACCOUNT_VERSION":4\} is not valid/],
    ['a zero timeout', { TimeoutSeconds: '0' }, /^TimeoutSeconds: "0" is not valid\. Give a positive number of seconds\./],
  ];
  test.each(errors)('rejects %s', (_name, raw, error) => {
    expect(() => parseProps(raw)).toThrow(error);
  });

  test('a bad property fails the Create through the handler before any call', async () => {
    // GIVEN
    lakeFormation(FOREIGN_SETTINGS);
    const sent = capture();

    // WHEN
    await handler(createEvent(props({ Admins: ['arn:aws:iam::111111111111:group/x'] })), lambdaContext());

    // THEN
    expect(lf.calls()).toHaveLength(0);
    expect(sent[0].body.Status).toBe('FAILED');
    expect(sent[0].body.PhysicalResourceId).toBe('cdk-analytics-access:create-failed');
    expect(sent[0].body.Reason).toMatch(/Admins: .* is not valid/);
  });
});

describe('merge', () => {
  const intent = (extra: Partial<Parameters<typeof merge>[1]> = {}) => ({
    admins: [], readOnlyAdmins: [], parameters: {}, releaseAdmins: [], releaseReadOnlyAdmins: [], ...extra,
  });

  test('empty current settings and an empty intent need no write', () => {
    expect(merge({}, intent())).toBeUndefined();
  });

  test('empty current settings get the lists and parameters', () => {
    expect(merge({}, intent({ admins: [OURS], parameters: { SET_CONTEXT: 'TRUE' } }))).toEqual({
      DataLakeAdmins: principals(OURS),
      ReadOnlyAdmins: [],
      Parameters: { SET_CONTEXT: 'TRUE' },
    });
  });

  test('undefined lists are treated as empty, and releasing what is absent changes nothing', () => {
    expect(merge({ DataLakeAdmins: undefined, ReadOnlyAdmins: undefined, Parameters: undefined },
      intent({ releaseAdmins: [OURS], releaseReadOnlyAdmins: [OUR_READER] }))).toBeUndefined();
  });

  test('an admin both released and wanted stays, in place', () => {
    expect(merge({ DataLakeAdmins: principals(OURS, FOREIGN) }, intent({ admins: [OURS], releaseAdmins: [OURS] }))).toBeUndefined();
  });

  test('keeps the order of existing admins and appends new ones', () => {
    const next = merge({ DataLakeAdmins: principals(FOREIGN, OURS) }, intent({ admins: [OURS_2, OURS], releaseAdmins: [FOREIGN] }));
    expect(ids(next!.DataLakeAdmins)).toEqual([OURS, OURS_2]);
  });

  test('principals without an identifier are dropped from the written lists', () => {
    const next = merge({ DataLakeAdmins: [{}, { DataLakePrincipalIdentifier: FOREIGN }] }, intent({ admins: [OURS] }));
    expect(next!.DataLakeAdmins).toEqual(principals(FOREIGN, OURS));
  });

  test('a parameter with the value already set needs no write; another value does', () => {
    expect(merge({ Parameters: { A: '1', B: '2' } }, intent({ parameters: { B: '2' } }))).toBeUndefined();
    expect(merge({ Parameters: { A: '1', B: '2' } }, intent({ parameters: { B: '3' } }))!.Parameters).toEqual({ A: '1', B: '3' });
  });

  test('does not modify the current settings it is given', () => {
    const current: DataLakeSettings = { DataLakeAdmins: principals(FOREIGN), Parameters: { A: '1' } };
    const before = clone(current);
    merge(current, intent({ admins: [OURS], parameters: { B: '2' } }));
    expect(current).toEqual(before);
  });
});
