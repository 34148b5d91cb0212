import {
  ActiveStatementsExceededException,
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  DescribeStatementCommandOutput,
  ExecuteStatementCommand,
  InternalServerException,
  RedshiftDataClient,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { CREATE_FAILED_PHYSICAL_ID, setHttpPut } from '../../src/core/private/cfn-response';
import { describeFailure, handler, onEvent, parseProps } from '../../src/core/private/redshift-sql.lambda';
import { captureResponses, cfnEvents, eventBase, fakeClock, lambdaContext, Props } from '../handler-events';

const data = mockClient(RedshiftDataClient);

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift-admin-AbCdEf';
const WORKGROUP_ID = 'SqlResource:workgroup/wg1/dev';
const CLUSTER_ID = 'SqlResource:cluster/c1/dev';

const BASE = eventBase('Custom::RedshiftSql', 'SqlResource', '123456789012');
const { createEvent, updateEvent, deleteEvent } = cfnEvents(BASE);

const workgroupProps = (extra: Props = {}): Props => ({
  TargetType: 'workgroup',
  TargetName: 'wg1',
  Database: 'dev',
  SecretArn: SECRET,
  Statements: ['CREATE USER bob PASSWORD DISABLE'],
  CleanupStatements: ['DROP USER bob'],
  TimeoutSeconds: '300',
  ...extra,
});
const clusterProps = (extra: Props = {}): Props => ({
  TargetType: 'cluster',
  TargetName: 'c1',
  Database: 'dev',
  DbUser: 'admin',
  Statements: ['CREATE USER bob PASSWORD DISABLE'],
  CleanupStatements: ['DROP USER bob'],
  TimeoutSeconds: '300',
  ...extra,
});

type Description = Partial<DescribeStatementCommandOutput>;
const FINISHED: Description = { Status: 'FINISHED' };

/**
 * Script the Data API: the n-th statement started (Execute or BatchExecute) gets the id `stmt-n`
 * and answers DescribeStatement with `runs[n - 1]` in turn, repeating the last answer; a statement
 * without a script finishes at once. `startErrors` are thrown by the first starts, one per call.
 */
function dataApi(runs: Description[][] = [], startErrors: Error[] = []) {
  let started = 0;
  const start = async () => {
    const error = startErrors.shift();
    if (error) {
      throw error;
    }
    started += 1;
    return { Id: `stmt-${started}` };
  };
  data.on(ExecuteStatementCommand).callsFake(start);
  data.on(BatchExecuteStatementCommand).callsFake(start);
  data.on(DescribeStatementCommand).callsFake(async (input: { Id: string }) => {
    const run = runs[Number(input.Id.replace('stmt-', '')) - 1] ?? [FINISHED];
    return { Id: input.Id, ...(run.length > 1 ? run.shift() : run[0]) };
  });
  data.on(CancelStatementCommand).resolves({ Status: true });
}

const executeCalls = () => data.commandCalls(ExecuteStatementCommand).map((call) => call.args[0].input);
const batchCalls = () => data.commandCalls(BatchExecuteStatementCommand).map((call) => call.args[0].input);
const cancelCalls = () => data.commandCalls(CancelStatementCommand).map((call) => call.args[0].input);
/** The SQL of every started statement, in the order started: a string for Execute, a list for BatchExecute. */
const started = () => data.calls()
  .map((call) => call.args[0].input as { Sql?: string; Sqls?: string[] })
  .filter((input) => input.Sql !== undefined || input.Sqls !== undefined)
  .map((input) => input.Sql ?? input.Sqls);
const namedError = (name: string, message: string) => Object.assign(new Error(message), { name });
const failure = (error: string, queryString?: string): Description => ({ Status: 'FAILED', Error: error, QueryString: queryString });

const capture = captureResponses;

beforeEach(() => {
  data.reset();
  setHttpPut(undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterAll(() => {
  setHttpPut(undefined);
});

describe('Create', () => {
  test('runs one statement on a workgroup with the secret, then polls until FINISHED', async () => {
    // GIVEN
    dataApi([[{ Status: 'SUBMITTED' }, { Status: 'STARTED' }, FINISHED]]);
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(workgroupProps()), lambdaContext(), clock);

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    const calls = executeCalls();
    expect(calls).toEqual([{
      WorkgroupName: 'wg1',
      Database: 'dev',
      SecretArn: SECRET,
      StatementName: 'cdk-analytics-access SqlResource',
      ClientToken: expect.any(String),
      Sql: 'CREATE USER bob PASSWORD DISABLE',
    }]);
    expect(calls[0]).not.toHaveProperty('ClusterIdentifier');
    expect(calls[0].DbUser).toBeUndefined();
    expect(calls[0].ClientToken!.length).toBeGreaterThan(0);
    expect(calls[0].ClientToken!.length).toBeLessThanOrEqual(64);
    expect(batchCalls()).toEqual([]);
    expect(data.commandCalls(DescribeStatementCommand).map((call) => call.args[0].input)).toEqual([{ Id: 'stmt-1' }, { Id: 'stmt-1' }, { Id: 'stmt-1' }]);
    expect(clock.sleeps).toEqual([500, 1_000]);
  });

  test('runs one statement on a cluster with DbUser', async () => {
    // GIVEN
    dataApi();

    // WHEN
    const result = await onEvent(createEvent(clusterProps()), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(CLUSTER_ID);
    const calls = executeCalls();
    expect(calls).toEqual([{
      ClusterIdentifier: 'c1',
      Database: 'dev',
      DbUser: 'admin',
      StatementName: 'cdk-analytics-access SqlResource',
      ClientToken: expect.stringMatching(/^[0-9a-f]{1,64}$/),
      Sql: 'CREATE USER bob PASSWORD DISABLE',
    }]);
    expect(calls[0]).not.toHaveProperty('WorkgroupName');
    expect(calls[0].SecretArn).toBeUndefined();
  });

  test('runs several statements as one BatchExecuteStatement, in order', async () => {
    // GIVEN
    dataApi([[{ Status: 'STARTED' }, FINISHED]]);
    const statements = ['CREATE USER bob PASSWORD DISABLE', 'CREATE SCHEMA sales', 'GRANT USAGE ON SCHEMA sales TO bob'];

    // WHEN
    const result = await onEvent(createEvent(workgroupProps({ Statements: statements })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(executeCalls()).toEqual([]);
    expect(batchCalls()).toEqual([expect.objectContaining({ WorkgroupName: 'wg1', Database: 'dev', SecretArn: SECRET, Sqls: statements })]);
  });

  test('polls with a doubling interval capped at PollIntervalSeconds', async () => {
    // GIVEN
    dataApi([[{ Status: 'PICKED' }, { Status: 'STARTED' }, { Status: 'STARTED' }, { Status: 'STARTED' }, { Status: 'STARTED' }, FINISHED]]);
    const clock = fakeClock();

    // WHEN
    await onEvent(createEvent(workgroupProps({ PollIntervalSeconds: '2' })), lambdaContext(), clock);

    // THEN
    expect(clock.sleeps).toEqual([500, 1_000, 2_000, 2_000, 2_000]);
  });

  test('uses a new ClientToken for each step and the same ones when the request is repeated', async () => {
    // GIVEN
    dataApi();
    const props = workgroupProps({ CleanupBeforeCreate: 'true', CleanupStatements: ['DROP USER bob', 'DROP SCHEMA sales'] });

    // WHEN the same request runs twice (a Lambda retry), and another request once
    await onEvent(createEvent(props), lambdaContext(), fakeClock());
    await onEvent(createEvent(props), lambdaContext(), fakeClock());
    await onEvent(createEvent(props, 'request-2'), lambdaContext(), fakeClock());

    // THEN
    const tokens = executeCalls().map((input) => input.ClientToken);
    expect(tokens).toHaveLength(9);
    expect(new Set(tokens.slice(0, 3)).size).toBe(3);
    expect(tokens.slice(3, 6)).toEqual(tokens.slice(0, 3));
    expect(tokens.slice(6, 9).filter((token) => tokens.slice(0, 3).includes(token))).toEqual([]);
  });

  test('fails when the Data API returns no statement id', async () => {
    // GIVEN
    data.on(ExecuteStatementCommand).resolves({});

    // WHEN / THEN
    await expect(onEvent(createEvent(workgroupProps()), lambdaContext(), fakeClock()))
      .rejects.toThrow('The Data API returned no statement id for CREATE USER bob PASSWORD DISABLE.');
    expect(data.commandCalls(DescribeStatementCommand)).toHaveLength(0);
  });
});

describe('failed statements', () => {
  test('fails with Redshift error text and the statement when a statement FAILED', async () => {
    // GIVEN
    dataApi([[{ Status: 'STARTED' }, failure('ERROR: syntax error at or near "CREAT"', 'CREAT USER bob')]]);

    // WHEN / THEN
    await expect(onEvent(createEvent(workgroupProps({ Statements: ['CREAT USER bob'] })), lambdaContext(), fakeClock()))
      .rejects.toMatchObject({ name: 'StatementFailed', message: 'ERROR: syntax error at or near "CREAT" (statement: CREAT USER bob)' });
    expect(executeCalls()).toHaveLength(1);
  });

  test('fails naming the failed sub-statement of a batch and that the batch was rolled back', async () => {
    // GIVEN the second of three statements fails
    const statements = ['CREATE USER bob PASSWORD DISABLE', 'GRANT USAGE ON SCHEMA sales TO bob', 'GRANT SELECT ON ALL TABLES IN SCHEMA sales TO bob'];
    dataApi([[{
      Status: 'FAILED',
      Error: 'Query #2 failed with ERROR: schema "sales" does not exist',
      SubStatements: [
        { Id: 'stmt-1:1', Status: 'FINISHED', QueryString: statements[0] },
        { Id: 'stmt-1:2', Status: 'FAILED', Error: 'ERROR: schema "sales" does not exist', QueryString: statements[1] },
        { Id: 'stmt-1:3', Status: 'ABORTED', QueryString: statements[2] },
      ],
    }]]);

    // WHEN
    const error = await onEvent(createEvent(workgroupProps({ Statements: statements })), lambdaContext(), fakeClock()).catch((e: unknown) => e);

    // THEN
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'StatementFailed' });
    expect((error as Error).message).toBe(
      'ERROR: schema "sales" does not exist (statement 2 of 3, run as one transaction and rolled back: GRANT USAGE ON SCHEMA sales TO bob)');
    expect(batchCalls()).toHaveLength(1);
  });

  test('fails with StatementAborted when the statement was ABORTED', async () => {
    // GIVEN
    dataApi([[{ Status: 'STARTED' }, { Status: 'ABORTED' }]]);

    // WHEN
    const error = await onEvent(createEvent(workgroupProps()), lambdaContext(), fakeClock()).catch((e: unknown) => e);

    // THEN
    expect(error).toMatchObject({ name: 'StatementAborted' });
    expect((error as Error).message).toMatch(/cancelled \(ABORTED\)/);
    expect((error as Error).message).toContain('CREATE USER bob PASSWORD DISABLE');
  });

  test('the handler answers FAILED with the Redshift error and the fallback id for a failed Create', async () => {
    // GIVEN
    const sent = capture();
    dataApi([[failure('ERROR: user "bob" already exists', 'CREATE USER bob PASSWORD DISABLE')]]);

    // WHEN
    await handler(createEvent(workgroupProps()), lambdaContext());

    // THEN
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe(BASE.ResponseURL);
    expect(sent[0].body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID,
      RequestId: BASE.RequestId,
      LogicalResourceId: BASE.LogicalResourceId,
    });
    expect(sent[0].body.Reason).toBe('StatementFailed: ERROR: user "bob" already exists (statement: CREATE USER bob PASSWORD DISABLE)');
  });

  test('the handler answers SUCCESS with the physical id', async () => {
    // GIVEN
    const sent = capture();
    dataApi([[FINISHED]]);

    // WHEN
    await handler(createEvent(clusterProps()), lambdaContext());

    // THEN
    expect(sent.map((s) => [s.body.Status, s.body.PhysicalResourceId, s.body.Reason])).toEqual([['SUCCESS', CLUSTER_ID, undefined]]);
  });
});

describe('retries', () => {
  test('retries ActiveStatementsExceededException and throttling on ExecuteStatement with backoff and the same ClientToken', async () => {
    // GIVEN
    dataApi([], [
      new ActiveStatementsExceededException({ message: 'Active statements exceeded the allowed quota.', $metadata: {} }),
      namedError('ThrottlingException', 'Rate exceeded'),
    ]);
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(workgroupProps()), lambdaContext(), clock);

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    const tokens = executeCalls().map((input) => input.ClientToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
    expect(clock.sleeps).toEqual([2_000, 4_000]);
  });

  test('retries throttling on BatchExecuteStatement', async () => {
    // GIVEN
    dataApi([], [namedError('TooManyRequestsException', 'Too many requests')]);
    const clock = fakeClock();

    // WHEN
    await onEvent(createEvent(workgroupProps({ Statements: ['CREATE USER a PASSWORD DISABLE', 'CREATE USER b PASSWORD DISABLE'] })), lambdaContext(), clock);

    // THEN
    expect(batchCalls()).toHaveLength(2);
    expect(clock.sleeps).toEqual([2_000]);
  });

  test('retries InternalServerException on DescribeStatement', async () => {
    // GIVEN
    data.on(ExecuteStatementCommand).resolves({ Id: 'stmt-1' });
    data.on(DescribeStatementCommand)
      .rejectsOnce(new InternalServerException({ message: 'Internal error', Message: 'Internal error', $metadata: {} }))
      .resolves(FINISHED);
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(workgroupProps()), lambdaContext(), clock);

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(data.commandCalls(DescribeStatementCommand)).toHaveLength(2);
    expect(executeCalls()).toHaveLength(1);
    expect(clock.sleeps).toEqual([2_000]);
  });

  test('does not retry ValidationException', async () => {
    // GIVEN
    data.on(ExecuteStatementCommand).rejects(new ValidationException({ message: 'Database name is invalid.', $metadata: {} }));
    const clock = fakeClock();

    // WHEN / THEN
    await expect(onEvent(createEvent(workgroupProps()), lambdaContext(), clock))
      .rejects.toMatchObject({ name: 'ValidationException', message: 'Database name is invalid.' });
    expect(executeCalls()).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  test('fails with the last error when throttling lasts past the timeout', async () => {
    // GIVEN
    data.on(ExecuteStatementCommand).rejects(new ActiveStatementsExceededException({ message: 'Active statements exceeded the allowed quota.', $metadata: {} }));

    // WHEN / THEN
    await expect(onEvent(createEvent(workgroupProps({ TimeoutSeconds: '60' })), lambdaContext(), fakeClock()))
      .rejects.toMatchObject({
        name: 'TimeoutError',
        message: expect.stringMatching(/^Timed out after 60 s starting CREATE USER bob PASSWORD DISABLE on workgroup "wg1" database "dev"; last error: ActiveStatementsExceededException/),
      });
  });

  test('runs a batch again after a serializable isolation violation, with a new ClientToken', async () => {
    // GIVEN the first run loses a race with another transaction
    const statements = ['CREATE USER bob PASSWORD DISABLE', 'GRANT USAGE ON SCHEMA sales TO bob'];
    dataApi([
      [{ Status: 'STARTED' }, {
        Status: 'FAILED',
        Error: 'ERROR: 1023 DETAIL: Serializable isolation violation on table - 100123, transactions forming the cycle are: 1, 2 (pid:3)',
        SubStatements: [{ Id: 'stmt-1:1', Status: 'FINISHED', QueryString: statements[0] }, { Id: 'stmt-1:2', Status: 'FAILED', QueryString: statements[1] }],
      }],
      [FINISHED],
    ]);
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(createEvent(workgroupProps({ Statements: statements, PollIntervalSeconds: '3' })), lambdaContext(), clock);

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    const calls = batchCalls();
    expect(calls.map((input) => input.Sqls)).toEqual([statements, statements]);
    expect(calls[0].ClientToken).not.toBe(calls[1].ClientToken);
    expect(clock.sleeps).toEqual([500, 3_000]);
  });

  test('fails with a timeout when the conflict lasts past the timeout', async () => {
    // GIVEN every run conflicts
    const conflict = failure('ERROR: could not serialize access due to concurrent update');
    dataApi(Array.from({ length: 20 }, () => [conflict]));

    // WHEN / THEN
    await expect(onEvent(createEvent(workgroupProps({ TimeoutSeconds: '30' })), lambdaContext(), fakeClock()))
      .rejects.toMatchObject({ name: 'TimeoutError', message: expect.stringMatching(/^Timed out after 30 s .*CREATE USER bob PASSWORD DISABLE/) });
    // one run every PollIntervalSeconds (5 s) until the budget is spent
    expect(executeCalls()).toHaveLength(6);
  });

  test('does not run a statement again after another failure', async () => {
    // GIVEN
    dataApi([[failure('ERROR: permission denied for schema sales')]]);

    // WHEN / THEN
    await expect(onEvent(createEvent(workgroupProps()), lambdaContext(), fakeClock())).rejects.toThrow(/permission denied/);
    expect(executeCalls()).toHaveLength(1);
  });
});

describe('timeout', () => {
  test('cancels a statement still running after TimeoutSeconds and says so with the statement', async () => {
    // GIVEN
    dataApi([[{ Status: 'STARTED' }]]);
    const clock = fakeClock();

    // WHEN
    const error = await onEvent(createEvent(workgroupProps({ TimeoutSeconds: '60' })), lambdaContext(), clock).catch((e: unknown) => e);

    // THEN
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect((error as Error).message).toMatch(/^Timed out after 60 s waiting for statement stmt-1 \(status STARTED; it was cancelled\)/);
    expect((error as Error).message).toContain('CREATE USER bob PASSWORD DISABLE');
    expect(cancelCalls()).toEqual([{ Id: 'stmt-1' }]);
    expect(clock.time).toBe(60_000);
  });

  test('a CancelStatement failure does not hide the timeout', async () => {
    // GIVEN
    dataApi([[{ Status: 'STARTED' }]]);
    data.on(CancelStatementCommand).rejects(new ValidationException({ message: 'Could not cancel a query that is already finished.', $metadata: {} }));

    // WHEN / THEN
    await expect(onEvent(createEvent(workgroupProps({ TimeoutSeconds: '60' })), lambdaContext(), fakeClock()))
      .rejects.toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('CREATE USER bob PASSWORD DISABLE') });
    expect(cancelCalls()).toEqual([{ Id: 'stmt-1' }]);
  });

  test('a timed-out Create carries its physical id: the statement may have committed, so the rollback Delete must clean up', async () => {
    // GIVEN
    dataApi([[{ Status: 'STARTED' }]]);

    // WHEN
    const error = await onEvent(createEvent(workgroupProps({ TimeoutSeconds: '60' })), lambdaContext(), fakeClock()).catch((e: unknown) => e);

    // THEN
    expect(error).toMatchObject({ name: 'TimeoutError', physicalResourceId: WORKGROUP_ID });
  });

  test('a Create whose statement failed carries no physical id: it was rolled back, nothing to clean up', async () => {
    // GIVEN
    dataApi([[failure('ERROR: role "bob" already exists')]]);

    // WHEN
    const error = await onEvent(createEvent(workgroupProps()), lambdaContext(), fakeClock()).catch((e: unknown) => e);

    // THEN
    expect(error).toMatchObject({ name: 'StatementFailed' });
    expect((error as { physicalResourceId?: string }).physicalResourceId).toBeUndefined();
  });

  test('cancels the statement when describing it keeps failing until the timeout', async () => {
    // GIVEN DescribeStatement is throttled forever
    dataApi();
    data.on(DescribeStatementCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // WHEN / THEN
    await expect(onEvent(createEvent(workgroupProps({ TimeoutSeconds: '60' })), lambdaContext(), fakeClock()))
      .rejects.toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('Rate exceeded') });
    expect(cancelCalls()).toEqual([{ Id: 'stmt-1' }]);
  });

  test('the timeout is bounded by the Lambda deadline too', async () => {
    // GIVEN 75 s left in the Lambda, less than TimeoutSeconds
    dataApi([[{ Status: 'STARTED' }]]);
    const clock = fakeClock();

    // WHEN / THEN the budget is 75 s - 15 s
    await expect(onEvent(createEvent(workgroupProps({ TimeoutSeconds: '600' })), lambdaContext(75_000), clock))
      .rejects.toThrow(/^Timed out after 60 s waiting for statement stmt-1/);
    expect(clock.time).toBe(60_000);
  });
});

describe('Update', () => {
  test('at the same location runs each old cleanup statement on its own, then the new statements', async () => {
    // GIVEN
    dataApi();
    const old = workgroupProps({
      Statements: ['CREATE USER bob PASSWORD DISABLE', 'GRANT USAGE ON SCHEMA sales TO bob'],
      CleanupStatements: ['REVOKE USAGE ON SCHEMA sales FROM bob', 'DROP USER bob'],
    });
    const next = workgroupProps({
      Statements: ['CREATE USER bob PASSWORD DISABLE', 'GRANT USAGE ON SCHEMA marketing TO bob'],
      CleanupStatements: ['REVOKE USAGE ON SCHEMA marketing FROM bob', 'DROP USER bob'],
    });

    // WHEN
    const result = await onEvent(updateEvent(WORKGROUP_ID, next, old), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(started()).toEqual([
      'REVOKE USAGE ON SCHEMA sales FROM bob',
      'DROP USER bob',
      ['CREATE USER bob PASSWORD DISABLE', 'GRANT USAGE ON SCHEMA marketing TO bob'],
    ]);
  });

  test('skips all calls when the statements and the cleanup did not change', async () => {
    // GIVEN only the timeout changed
    dataApi();

    // WHEN
    const result = await onEvent(
      updateEvent(WORKGROUP_ID, workgroupProps({ TimeoutSeconds: '900' }), workgroupProps()), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(data.calls()).toHaveLength(0);
  });

  test('runs the old cleanup and the statements again when only the cleanup changed', async () => {
    // GIVEN
    dataApi();

    // WHEN
    await onEvent(updateEvent(WORKGROUP_ID, workgroupProps({ CleanupStatements: ['DROP USER IF EXISTS bob'] }), workgroupProps()),
      lambdaContext(), fakeClock());

    // THEN
    expect(started()).toEqual(['DROP USER bob', 'CREATE USER bob PASSWORD DISABLE']);
  });

  test.each([
    ['TargetName', { TargetName: 'wg2' }, 'SqlResource:workgroup/wg2/dev', { WorkgroupName: 'wg2', Database: 'dev' }],
    ['Database', { Database: 'analytics' }, 'SqlResource:workgroup/wg1/analytics', { WorkgroupName: 'wg1', Database: 'analytics' }],
  ])('to another %s runs the new cleanup and statements there and returns the new id', async (_name, change, id, where) => {
    // GIVEN
    dataApi();
    const next = workgroupProps({ ...change, Statements: ['CREATE USER carol PASSWORD DISABLE'], CleanupStatements: ['DROP USER carol'] });

    // WHEN
    const result = await onEvent(updateEvent(WORKGROUP_ID, next, workgroupProps()), lambdaContext(), fakeClock());

    // THEN the old location is left to CloudFormation's Delete; the new one converges first
    expect(result.physicalResourceId).toBe(id);
    expect(started()).toEqual(['DROP USER carol', 'CREATE USER carol PASSWORD DISABLE']);
    expect(executeCalls()[0]).toMatchObject(where);
  });

  test('a rollback of a failed move (old properties elsewhere, physical id here) runs nothing: the objects here were never removed', async () => {
    // GIVEN the failed update pointed at wg2; the resource is still at wg1
    dataApi();
    const failedMove = workgroupProps({ TargetName: 'wg2', Statements: ['CREATE USER bob2 PASSWORD DISABLE'], CleanupStatements: ['DROP USER bob2'] });

    // WHEN
    const result = await onEvent(updateEvent(WORKGROUP_ID, workgroupProps(), failedMove), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(data.calls()).toHaveLength(0);
  });

  test('a rollback of a successful move converges where the objects still are: cleanup, then the statements', async () => {
    // GIVEN the move to wg2 succeeded (physical id at wg2); the rollback returns to wg1, whose objects were never deleted
    dataApi();

    // WHEN
    const result = await onEvent(updateEvent('SqlResource:workgroup/wg2/dev', workgroupProps(), workgroupProps({ TargetName: 'wg2' })),
      lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(started()).toEqual(['DROP USER bob', 'CREATE USER bob PASSWORD DISABLE']);
    expect(executeCalls()[0]).toMatchObject({ WorkgroupName: 'wg1' });
  });

  test('with cleanupBeforeCreate, an update also runs the new cleanup, so a rollback after a partial cleanup converges', async () => {
    // GIVEN
    dataApi();
    const old = workgroupProps({ Statements: ['CREATE ROLE a'], CleanupStatements: ['DROP ROLE a FORCE'] });
    const next = workgroupProps({ Statements: ['CREATE ROLE b'], CleanupStatements: ['DROP ROLE b FORCE'], CleanupBeforeCreate: 'true' });

    // WHEN
    await onEvent(updateEvent(WORKGROUP_ID, next, old), lambdaContext(), fakeClock());

    // THEN
    expect(started()).toEqual(['DROP ROLE a FORCE', 'DROP ROLE b FORCE', 'CREATE ROLE b']);
  });

  test('the handler answers FAILED with the existing id when the new statements fail', async () => {
    // GIVEN the old cleanup works, the new statement fails
    const sent = capture();
    dataApi([[FINISHED], [failure('ERROR: user "carol" already exists')]]);

    // WHEN
    await handler(updateEvent(WORKGROUP_ID, workgroupProps({ Statements: ['CREATE USER carol PASSWORD DISABLE'] }), workgroupProps()), lambdaContext());

    // THEN
    expect(started()).toEqual(['DROP USER bob', 'CREATE USER carol PASSWORD DISABLE']);
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: WORKGROUP_ID });
    expect(sent[0].body.Reason).toContain('ERROR: user "carol" already exists (statement: CREATE USER carol PASSWORD DISABLE)');
  });

  test('fails with "Cleanup failed" when an old cleanup statement fails, before running the new statements', async () => {
    // GIVEN
    dataApi([[failure('ERROR: permission denied for relation users')]]);

    // WHEN / THEN
    await expect(onEvent(updateEvent(WORKGROUP_ID, workgroupProps({ Statements: ['CREATE USER carol PASSWORD DISABLE'] }), workgroupProps()),
      lambdaContext(), fakeClock()))
      .rejects.toMatchObject({ name: 'StatementFailed', message: 'Cleanup failed: ERROR: permission denied for relation users (statement: DROP USER bob)' });
    expect(started()).toEqual(['DROP USER bob']);
  });
});

describe('Delete', () => {
  const cleanup = ['REVOKE USAGE ON SCHEMA sales FROM bob', 'DROP IDENTITY PROVIDER idc', 'DROP USER bob'];

  test('runs the cleanup statements one by one', async () => {
    // GIVEN
    dataApi();

    // WHEN
    const result = await onEvent(deleteEvent(WORKGROUP_ID, workgroupProps({ CleanupStatements: cleanup })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(started()).toEqual(cleanup);
    expect(batchCalls()).toEqual([]);
    expect(executeCalls().every((input) => input.WorkgroupName === 'wg1' && input.Database === 'dev' && input.SecretArn === SECRET)).toBe(true);
  });

  test('skips a cleanup statement whose object does not exist and runs the next one', async () => {
    // GIVEN
    dataApi([[FINISHED], [{ Status: 'STARTED' }, failure('ERROR: identity provider "idc" does not exist')], [FINISHED]]);

    // WHEN
    const result = await onEvent(deleteEvent(WORKGROUP_ID, workgroupProps({ CleanupStatements: cleanup })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(started()).toEqual(cleanup);
  });

  test('fails with "Cleanup failed" and the statement on another failure, and stops there', async () => {
    // GIVEN
    dataApi([[FINISHED], [failure('ERROR: permission denied for identity provider idc', 'DROP IDENTITY PROVIDER idc')]]);

    // WHEN
    const error = await onEvent(deleteEvent(WORKGROUP_ID, workgroupProps({ CleanupStatements: cleanup })), lambdaContext(), fakeClock())
      .catch((e: unknown) => e);

    // THEN
    expect(error).toMatchObject({
      name: 'StatementFailed',
      message: 'Cleanup failed: ERROR: permission denied for identity provider idc (statement: DROP IDENTITY PROVIDER idc)',
    });
    expect(started()).toEqual(cleanup.slice(0, 2));
  });

  test('fails when a cleanup statement is ABORTED', async () => {
    // GIVEN
    dataApi([[{ Status: 'ABORTED' }]]);

    // WHEN / THEN
    await expect(onEvent(deleteEvent(WORKGROUP_ID, workgroupProps()), lambdaContext(), fakeClock()))
      .rejects.toMatchObject({
        name: 'StatementAborted',
        message: expect.stringMatching(/^Cleanup failed: The statement was cancelled \(ABORTED\) before it finished. \(statement: DROP USER bob\)$/),
      });
  });

  test('skips all calls without cleanup statements', async () => {
    // GIVEN
    dataApi();

    // WHEN
    const result = await onEvent(deleteEvent(WORKGROUP_ID, workgroupProps({ CleanupStatements: [] })), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(data.calls()).toHaveLength(0);
  });

  test('the handler answers SUCCESS without calls for the id of a failed Create', async () => {
    // GIVEN
    const sent = capture();
    dataApi();

    // WHEN
    await handler(deleteEvent(CREATE_FAILED_PHYSICAL_ID, workgroupProps()), lambdaContext());

    // THEN
    expect(sent.map((s) => [s.body.Status, s.body.PhysicalResourceId])).toEqual([['SUCCESS', CREATE_FAILED_PHYSICAL_ID]]);
    expect(data.calls()).toHaveLength(0);
  });

  test.each([
    ['ResourceNotFoundException', () => new ResourceNotFoundException({ message: 'Workgroup not found', Message: 'Workgroup not found', ResourceId: 'wg1', $metadata: {} })],
    ['ValidationException (workgroup)', () => new ValidationException({ message: 'Workgroup xyz not found.', $metadata: {} })],
    ['ValidationException (cluster)', () => new ValidationException({ message: 'Cluster c1 not found.', $metadata: {} })],
  ])('succeeds when the warehouse is gone: %s', async (_name, gone) => {
    // GIVEN
    data.on(ExecuteStatementCommand).rejects(gone());
    const clock = fakeClock();

    // WHEN
    const result = await onEvent(deleteEvent(WORKGROUP_ID, workgroupProps({ CleanupStatements: cleanup })), lambdaContext(), clock);

    // THEN the first answer is enough
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(executeCalls()).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  test('fails on another ValidationException', async () => {
    // GIVEN
    data.on(ExecuteStatementCommand).rejects(new ValidationException({ message: 'Database name is invalid.', $metadata: {} }));

    // WHEN / THEN
    await expect(onEvent(deleteEvent(WORKGROUP_ID, workgroupProps()), lambdaContext(), fakeClock()))
      .rejects.toMatchObject({ name: 'ValidationException', message: 'Database name is invalid.' });
  });

  test('a missing warehouse still fails a Create', async () => {
    // GIVEN
    data.on(ExecuteStatementCommand).rejects(new ValidationException({ message: 'Workgroup wg1 not found.', $metadata: {} }));

    // WHEN / THEN
    await expect(onEvent(createEvent(workgroupProps({ CleanupBeforeCreate: 'true' })), lambdaContext(), fakeClock()))
      .rejects.toMatchObject({ name: 'ValidationException', message: 'Workgroup wg1 not found.' });
  });

  test('skips all calls for a physical id that does not match the properties', async () => {
    // GIVEN
    dataApi();

    // WHEN
    const result = await onEvent(deleteEvent('SqlResource:workgroup/other/dev', workgroupProps()), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe('SqlResource:workgroup/other/dev');
    expect(data.calls()).toHaveLength(0);
  });
});

describe('CleanupBeforeCreate', () => {
  const props = workgroupProps({
    CleanupBeforeCreate: 'true',
    CleanupStatements: ['DROP IDENTITY PROVIDER idc', 'DROP USER bob'],
    Statements: ['CREATE USER bob PASSWORD DISABLE', 'CREATE IDENTITY PROVIDER idc TYPE AWSIDC'],
  });

  test('runs the cleanup first, skipping objects that do not exist, then the statements', async () => {
    // GIVEN
    dataApi([[failure('ERROR: identity provider "idc" does not exist')], [FINISHED], [FINISHED]]);

    // WHEN
    const result = await onEvent(createEvent(props), lambdaContext(), fakeClock());

    // THEN
    expect(result.physicalResourceId).toBe(WORKGROUP_ID);
    expect(started()).toEqual(['DROP IDENTITY PROVIDER idc', 'DROP USER bob', ['CREATE USER bob PASSWORD DISABLE', 'CREATE IDENTITY PROVIDER idc TYPE AWSIDC']]);
  });

  test('a failure after the cleanup carries the real physical id, so the rollback Delete reaches it', async () => {
    // GIVEN
    dataApi([[FINISHED], [FINISHED], [failure('ERROR: permission denied to create identity provider')]]);

    // WHEN
    const error = await onEvent(createEvent(props), lambdaContext(), fakeClock()).catch((e: unknown) => e);

    // THEN
    expect(error).toMatchObject({ name: 'StatementFailed' });
    expect((error as { physicalResourceId?: unknown }).physicalResourceId).toBe(WORKGROUP_ID);
  });

  test('the handler answers FAILED with the real physical id', async () => {
    // GIVEN
    const sent = capture();
    dataApi([[FINISHED], [FINISHED], [failure('ERROR: permission denied to create identity provider')]]);

    // WHEN
    await handler(createEvent(props), lambdaContext());

    // THEN
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: WORKGROUP_ID });
    expect(sent[0].body.Reason).toContain('permission denied to create identity provider');
  });

  test('a failed cleanup stops the Create and carries the real physical id', async () => {
    // GIVEN
    dataApi([[failure('ERROR: permission denied for identity provider idc')]]);

    // WHEN
    const error = await onEvent(createEvent(props), lambdaContext(), fakeClock()).catch((e: unknown) => e);

    // THEN
    expect(error).toMatchObject({ name: 'StatementFailed', message: expect.stringMatching(/^Cleanup failed: ERROR: permission denied/) });
    expect((error as { physicalResourceId?: unknown }).physicalResourceId).toBe(WORKGROUP_ID);
    expect(started()).toEqual(['DROP IDENTITY PROVIDER idc']);
  });

  test('without it a failed Create carries no physical id', async () => {
    // GIVEN
    dataApi([[failure('ERROR: user "bob" already exists')]]);

    // WHEN
    const error = await onEvent(createEvent(workgroupProps()), lambdaContext(), fakeClock()).catch((e: unknown) => e);

    // THEN
    expect(error).toMatchObject({ name: 'StatementFailed' });
    expect((error as { physicalResourceId?: unknown }).physicalResourceId).toBeUndefined();
    expect(started()).toEqual(['CREATE USER bob PASSWORD DISABLE']);
  });
});

describe('input validation', () => {
  test.each([
    ['TargetType is namespace', { TargetType: 'namespace' }, /^TargetType: "namespace" is not valid. Use 'cluster' \(provisioned\) or 'workgroup' \(Serverless\)./],
    ['TargetName is blank', { TargetName: ' ' }, /^TargetName: " " is not valid. Give the cluster identifier or the workgroup name./],
    ['Database is empty', { Database: '' }, /^Database: "" is not valid. Give the database name./],
    ['Statements is empty', { Statements: [] }, /^Statements: \[\] is not valid. Give a list of at least 1 non-empty SQL statements./],
    ['Statements is missing', { Statements: undefined }, /^Statements: \[\] is not valid/],
    ['a statement is blank', { Statements: ['CREATE USER bob PASSWORD DISABLE', '  '] }, /^Statements: .* is not valid/],
    ['Statements is a string', { Statements: 'CREATE USER bob PASSWORD DISABLE' }, /^Statements: "CREATE USER bob PASSWORD DISABLE" is not valid/],
    ['a cleanup statement is empty', { CleanupStatements: [''] }, /^CleanupStatements: \[""\] is not valid. Give a list of at least 0 non-empty SQL statements./],
    ['SecretArn is blank', { SecretArn: ' ' }, /^SecretArn: " " is not valid. Give a non-empty string or leave it out./],
    ['DbUser is given for a workgroup', { SecretArn: undefined, DbUser: 'admin' }, /^DbUser: "admin" is not valid. DbUser \(temporary credentials\) exists for provisioned clusters only./],
    ['CleanupBeforeCreate is yes', { CleanupBeforeCreate: 'yes' }, /^CleanupBeforeCreate: "yes" is not valid. Use 'true' or 'false'./],
    ['TimeoutSeconds is not a number', { TimeoutSeconds: 'soon' }, /^TimeoutSeconds: "soon" is not valid. Give a positive number of seconds./],
    ['TimeoutSeconds is 0', { TimeoutSeconds: '0' }, /^TimeoutSeconds: "0" is not valid/],
    ['TimeoutSeconds is negative', { TimeoutSeconds: '-5' }, /^TimeoutSeconds: "-5" is not valid/],
    ['TimeoutSeconds is missing', { TimeoutSeconds: undefined }, /^TimeoutSeconds: undefined is not valid/],
    ['PollIntervalSeconds is not a number', { PollIntervalSeconds: 'often' }, /^PollIntervalSeconds: "often" is not valid/],
  ])('fails when %s', async (_label, bad, message) => {
    // WHEN / THEN no Data API call is made
    await expect(onEvent(createEvent(workgroupProps(bad)), lambdaContext(), fakeClock())).rejects.toThrow(message);
    expect(data.calls()).toHaveLength(0);
  });

  test('fails when SecretArn and DbUser are given together', async () => {
    // WHEN / THEN
    await expect(onEvent(createEvent(clusterProps({ SecretArn: SECRET })), lambdaContext(), fakeClock()))
      .rejects.toThrow(/^DbUser: "admin" is not valid. Authenticate with SecretArn or DbUser, not both./);
    expect(data.calls()).toHaveLength(0);
  });

  test('fails a Delete with bad properties without calls', async () => {
    // WHEN / THEN
    await expect(onEvent(deleteEvent(WORKGROUP_ID, workgroupProps({ TargetType: 'namespace' })), lambdaContext(), fakeClock()))
      .rejects.toThrow(/^TargetType: "namespace" is not valid/);
    expect(data.calls()).toHaveLength(0);
  });

  test('parses the strings CloudFormation sends', () => {
    // WHEN
    const props = parseProps(clusterProps({ CleanupBeforeCreate: 'true', TimeoutSeconds: '120', CleanupStatements: undefined, SecretArn: '' }));

    // THEN
    expect(props).toEqual({
      targetType: 'cluster',
      targetName: 'c1',
      database: 'dev',
      secretArn: undefined,
      dbUser: 'admin',
      statements: ['CREATE USER bob PASSWORD DISABLE'],
      cleanupStatements: [],
      cleanupBeforeCreate: true,
      timeoutSeconds: 120,
      pollIntervalSeconds: 5,
    });
  });

  test.each([
    [undefined, false],
    ['false', false],
    [true, true],
    [false, false],
  ])('reads CleanupBeforeCreate %j as %j', (flag, expected) => {
    expect(parseProps(workgroupProps({ CleanupBeforeCreate: flag })).cleanupBeforeCreate).toBe(expected);
  });
});

describe('describeFailure', () => {
  const statements = ['CREATE USER bob PASSWORD DISABLE', 'CREATE SCHEMA sales', 'GRANT USAGE ON SCHEMA sales TO bob'];

  test('falls back to the statement list by index when sub-statements lack QueryString', () => {
    // WHEN
    const result = describeFailure({
      $metadata: {},
      Id: 's',
      Status: 'FAILED',
      Error: 'Query #2 failed',
      SubStatements: [
        { Id: 's:1', Status: 'FINISHED' },
        { Id: 's:2', Status: 'FAILED', Error: 'ERROR: permission denied for database dev' },
        { Id: 's:3', Status: 'ABORTED' },
      ],
    }, statements);

    // THEN
    expect(result).toEqual({
      error: 'ERROR: permission denied for database dev',
      message: 'ERROR: permission denied for database dev (statement 2 of 3, run as one transaction and rolled back: CREATE SCHEMA sales)',
    });
  });

  test('uses the top-level error and the first statement of a batch without failed sub-statements', () => {
    // WHEN
    const result = describeFailure({ $metadata: {}, Id: 's', Status: 'FAILED', Error: 'ERROR: connection refused' }, statements);

    // THEN
    expect(result.message).toBe('ERROR: connection refused (statement 1 of 3, run as one transaction and rolled back: CREATE USER bob PASSWORD DISABLE)');
  });

  test('says when no error text was returned', () => {
    // WHEN
    const result = describeFailure({ $metadata: {}, Id: 's', Status: 'FAILED' }, ['SELECT 1']);

    // THEN
    expect(result).toEqual({ error: 'No error text was returned.', message: 'No error text was returned. (statement: SELECT 1)' });
  });

  test('quotes a statement on one line and cuts it after 600 characters', () => {
    // GIVEN
    const long = `SELECT\n  ${'x'.repeat(700)}`;

    // WHEN
    const result = describeFailure({ $metadata: {}, Id: 's', Status: 'FAILED', Error: 'ERROR: boom' }, [long]);

    // THEN
    expect(result.message).toBe(`ERROR: boom (statement: ${`SELECT ${'x'.repeat(700)}`.slice(0, 600)}...)`);
  });
});
