import { createHash } from 'crypto';
// The AWS SDK v3 comes from the Lambda runtime and is not bundled (DESIGN §6.7).
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  DescribeStatementCommandOutput,
  ExecuteStatementCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResourceHandler, CustomResourceResult, describeError, withPhysicalResourceId } from './cfn-response';
import { Budget, Clock, errorName, parseSeconds, realClock } from './wait';

/** The resource properties, parsed (CloudFormation sends every scalar as a string). */
export interface RedshiftSqlProps {
  readonly targetType: 'cluster' | 'workgroup';
  readonly targetName: string;
  readonly database: string;
  readonly secretArn?: string;
  readonly dbUser?: string;
  readonly statements: string[];
  readonly cleanupStatements: string[];
  readonly cleanupBeforeCreate: boolean;
  /** Changing it makes an update run again even when the statements are unchanged. */
  readonly rerunKey?: string;
  readonly timeoutSeconds: number;
  readonly pollIntervalSeconds: number;
}

/** Data API request errors worth retrying: throttling and too many running statements. */
const RETRYABLE_ERRORS = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException',
  'ActiveStatementsExceededException', 'ActiveSessionsExceededException',
  'InternalServerException',
]);

/**
 * A transaction that lost a race with another one (two SQL resources deployed at once) fails
 * with one of these; running it again is safe because it was rolled back.
 */
const CONFLICT_ERROR = /serializable isolation violation|could not serialize|deadlock detected|concurrent (transaction|update)/i;

/** Cleanup of an object that is already gone is done: deletes converge (idempotent). */
const ALREADY_GONE = /does not exist/i;

/** The Data API's answer when the cluster or workgroup itself no longer exists. */
const WAREHOUSE_GONE_ERRORS = new Set(['ResourceNotFoundException']);
const WAREHOUSE_GONE_MESSAGE = /(cluster|workgroup)\b.*\b(not found|does not exist|doesn't exist)/i;

/** Most characters of a statement quoted back in an error. */
const MAX_QUOTED_SQL = 600;
const FIRST_POLL_MS = 500;

let client: RedshiftDataClient | undefined;

export const handler = customResourceHandler(onEvent);

/**
 * Run the statements on Create; on Update, the old resource's cleanup and then the new
 * statements; on Delete, the cleanup. Statements of one run form one transaction; cleanup
 * statements run one by one and skip objects that no longer exist, so every request converges
 * when it is repeated.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent, context: Context, clock: Clock = realClock): Promise<CustomResourceResult> {
  const props = parseProps(event.ResourceProperties);
  const physicalResourceId = physicalIdOf(event.LogicalResourceId, props);
  const budget = new Budget(clock, context, {
    timeoutSeconds: props.timeoutSeconds, pollSeconds: props.pollIntervalSeconds, retryable: RETRYABLE_ERRORS,
  });
  const runner = new Runner(props, budget, event.RequestId, event.LogicalResourceId);

  if (event.RequestType === 'Delete') {
    if (event.PhysicalResourceId !== physicalResourceId) {
      // Not an id this handler returned for these properties: nothing of ours to clean up.
      console.log(`Unknown physical id ${event.PhysicalResourceId}: nothing to clean up`);
      return { physicalResourceId: event.PhysicalResourceId };
    }
    await runner.cleanup(props.cleanupStatements, { warehouseMayBeGone: true });
    return { physicalResourceId };
  }

  if (event.RequestType === 'Update' && event.PhysicalResourceId === physicalResourceId) {
    const old = parseProps(event.OldResourceProperties);
    if (physicalIdOf(event.LogicalResourceId, old) !== physicalResourceId) {
      // The rollback of a failed move to another warehouse or database: the failed statements
      // ran as one transaction there, and the objects here were never removed.
      console.log(`Rolling back a move from ${physicalIdOf(event.LogicalResourceId, old)}: nothing to run here`);
      return { physicalResourceId };
    }
    if (sameSql(old, props)) {
      console.log('The statements did not change: nothing to run');
      return { physicalResourceId };
    }
    // Same warehouse and database: undo the old statements, then apply the new ones. If the new
    // ones fail, CloudFormation's rollback runs this again the other way round.
    await runner.cleanup(old.cleanupStatements, { warehouseMayBeGone: false });
    if (props.cleanupBeforeCreate) {
      // A rollback after a partly done cleanup finds some objects still there: take them over.
      await runner.cleanup(props.cleanupStatements, { warehouseMayBeGone: false });
    }
    await runner.run(props.statements);
    return { physicalResourceId };
  }

  if (event.RequestType === 'Update') {
    // A move to another warehouse or database: a new physical id, so CloudFormation then
    // deletes the old resource there with its own cleanup. The objects may already be here
    // (the rollback of a successful move), so converge with the cleanup first.
    await runner.cleanup(props.cleanupStatements, { warehouseMayBeGone: false });
    await runner.run(props.statements);
    return { physicalResourceId };
  }

  let changed = false;
  try {
    if (props.cleanupBeforeCreate) {
      changed = true;
      await runner.cleanup(props.cleanupStatements, { warehouseMayBeGone: false });
    }
    await runner.run(props.statements);
  } catch (error) {
    // A statement that timed out may still have committed; after a cleanup, objects are gone.
    // Either way CloudFormation's rollback Delete must reach this id and clean up. A statement
    // that failed was rolled back: nothing of ours is there.
    const uncertain = changed || (errorName(error) === 'TimeoutError' && runner.startedAny);
    throw uncertain ? withPhysicalResourceId(error, physicalResourceId) : error;
  }
  return { physicalResourceId };
}

/** Validate and convert the raw resource properties. */
export function parseProps(raw: Record<string, unknown>): RedshiftSqlProps {
  const fail = (prop: string, value: unknown, fix: string): never => {
    throw new Error(`${prop}: ${JSON.stringify(value)} is not valid. ${fix}`);
  };
  const text = (prop: string, fix: string): string => {
    const value = raw[prop];
    return typeof value === 'string' && value.trim() !== '' ? value : fail(prop, value, fix);
  };
  const optional = (prop: string): string | undefined => {
    const value = raw[prop];
    return value === undefined || value === '' ? undefined : text(prop, 'Give a non-empty string or leave it out.');
  };
  const list = (prop: string, minimum: number): string[] => {
    const value = raw[prop] ?? [];
    if (!Array.isArray(value) || value.length < minimum || value.some((s) => typeof s !== 'string' || s.trim() === '')) {
      fail(prop, value, `Give a list of at least ${minimum} non-empty SQL statements.`);
    }
    return value as string[];
  };
  const targetType = raw.TargetType;
  if (targetType !== 'cluster' && targetType !== 'workgroup') {
    fail('TargetType', targetType, "Use 'cluster' (provisioned) or 'workgroup' (Serverless).");
  }
  const secretArn = optional('SecretArn');
  const dbUser = optional('DbUser');
  if (secretArn && dbUser) {
    fail('DbUser', dbUser, 'Authenticate with SecretArn or DbUser, not both.');
  }
  if (dbUser && targetType === 'workgroup') {
    fail('DbUser', dbUser, 'DbUser (temporary credentials) exists for provisioned clusters only.');
  }
  const flag = raw.CleanupBeforeCreate ?? 'false';
  if (flag !== 'true' && flag !== 'false' && typeof flag !== 'boolean') {
    fail('CleanupBeforeCreate', flag, "Use 'true' or 'false'.");
  }
  return {
    targetType: targetType as 'cluster' | 'workgroup',
    targetName: text('TargetName', 'Give the cluster identifier or the workgroup name.'),
    database: text('Database', 'Give the database name.'),
    secretArn,
    dbUser,
    statements: list('Statements', 1),
    cleanupStatements: list('CleanupStatements', 0),
    cleanupBeforeCreate: flag === true || flag === 'true',
    rerunKey: optional('RerunKey'),
    timeoutSeconds: parseSeconds('TimeoutSeconds', raw.TimeoutSeconds, undefined, fail),
    pollIntervalSeconds: parseSeconds('PollIntervalSeconds', raw.PollIntervalSeconds, 5, fail),
  };
}

interface CleanupOptions {
  /** On Delete: a warehouse that no longer exists holds nothing to clean up. */
  readonly warehouseMayBeGone: boolean;
}

/** Runs statements through the Data API and waits for them within the budget. */
class Runner {
  /** True once a statement was sent to Redshift. */
  public startedAny = false;
  private step = 0;

  constructor(
    private readonly props: RedshiftSqlProps,
    private readonly budget: Budget,
    private readonly requestId: string,
    private readonly logicalId: string,
  ) {}

  /** Run `statements` as one transaction, again if it lost a serialization conflict. */
  public async run(statements: string[]): Promise<void> {
    for (;;) {
      const outcome = await this.execute(statements);
      if (outcome.status === 'FINISHED') {
        return;
      }
      const failure = describeFailure(outcome.description, statements);
      if (outcome.status === 'FAILED' && CONFLICT_ERROR.test(failure.error)) {
        this.budget.check(() => `retrying a transaction that conflicted with another one; last error: ${failure.message}`);
        console.log(`Retrying after a conflict: ${failure.message}`);
        await this.budget.sleep(this.budget.pollMs);
        continue;
      }
      throw Object.assign(new Error(failure.message), { name: outcome.status === 'ABORTED' ? 'StatementAborted' : 'StatementFailed' });
    }
  }

  /** Run each cleanup statement on its own, skipping objects that no longer exist. */
  public async cleanup(statements: string[], options: CleanupOptions): Promise<void> {
    for (const statement of statements) {
      let outcome: Outcome;
      try {
        outcome = await this.execute([statement]);
      } catch (error) {
        if (options.warehouseMayBeGone && warehouseIsGone(error)) {
          console.log(`The warehouse no longer exists (${describeError(error)}): nothing to clean up`);
          return;
        }
        throw error;
      }
      if (outcome.status === 'FINISHED') {
        continue;
      }
      const failure = describeFailure(outcome.description, [statement]);
      if (outcome.status === 'FAILED' && ALREADY_GONE.test(failure.error)) {
        console.log(`Already gone, skipped: ${failure.message}`);
        continue;
      }
      throw Object.assign(new Error(`Cleanup failed: ${failure.message}`), { name: outcome.status === 'ABORTED' ? 'StatementAborted' : 'StatementFailed' });
    }
  }

  private async execute(statements: string[]): Promise<Outcome> {
    const target = this.props.targetType === 'cluster'
      ? { ClusterIdentifier: this.props.targetName }
      : { WorkgroupName: this.props.targetName };
    const common = {
      ...target,
      Database: this.props.database,
      SecretArn: this.props.secretArn,
      DbUser: this.props.dbUser,
      StatementName: `cdk-analytics-access ${this.logicalId}`.slice(0, 500),
      // The same token for the same step of the same request: a Lambda retry of this request
      // does not run the statements twice.
      ClientToken: clientToken(this.requestId, this.step++),
    };
    const where = `${this.props.targetType} "${this.props.targetName}" database "${this.props.database}"`;
    this.budget.check(() => `before running ${summarize(statements)} on ${where}`);
    // One statement runs on its own (some statements may not run inside a transaction block);
    // several run through BatchExecuteStatement, which makes them one transaction.
    const start = (): Promise<{ Id?: string }> => statements.length === 1
      ? getClient().send(new ExecuteStatementCommand({ ...common, Sql: statements[0] }))
      : getClient().send(new BatchExecuteStatementCommand({ ...common, Sqls: statements }));
    const { Id: id } = await this.budget.retrying(`starting ${summarize(statements)} on ${where}`, start);
    if (!id) {
      throw new Error(`The Data API returned no statement id for ${summarize(statements)}.`);
    }
    this.startedAny = true;
    try {
      return await this.wait(id, statements);
    } catch (error) {
      if (errorName(error) === 'TimeoutError') {
        await this.cancel(id);
      }
      throw error;
    }
  }

  private async wait(id: string, statements: string[]): Promise<Outcome> {
    let delay = FIRST_POLL_MS;
    for (;;) {
      const description = await this.budget.retrying(`describing statement ${id}`, () => getClient().send(new DescribeStatementCommand({ Id: id })));
      const status = description.Status;
      if (status === 'FINISHED' || status === 'FAILED' || status === 'ABORTED') {
        return { status, description };
      }
      this.budget.check(() => `waiting for statement ${id} (status ${status ?? 'unknown'}; it was cancelled): ${summarize(statements)}. `
        + 'Raise the timeout of the RedshiftSql construct if the statements need longer');
      await this.budget.sleep(delay);
      delay = Math.min(this.budget.pollMs, delay * 2);
    }
  }

  private async cancel(id: string): Promise<void> {
    try {
      await getClient().send(new CancelStatementCommand({ Id: id }));
    } catch (error) {
      console.warn(`Could not cancel statement ${id}: ${describeError(error)}`);
    }
  }
}

interface Outcome {
  readonly status: 'FINISHED' | 'FAILED' | 'ABORTED';
  readonly description: DescribeStatementCommandOutput;
}

interface Failure {
  /** Redshift's own error text. */
  readonly error: string;
  /** The error, with the statement that failed. */
  readonly message: string;
}

/** Redshift's error text and the statement it belongs to: the failed sub-statement of a batch. */
export function describeFailure(description: DescribeStatementCommandOutput, statements: string[]): Failure {
  const subs = description.SubStatements ?? [];
  const index = subs.findIndex((sub) => sub.Status === 'FAILED' || sub.Status === 'ABORTED');
  const failed = index >= 0 ? subs[index] : undefined;
  const error = failed?.Error || description.Error
    || (description.Status === 'ABORTED' ? 'The statement was cancelled (ABORTED) before it finished.' : 'No error text was returned.');
  const sql = failed?.QueryString ?? (index >= 0 ? statements[index] : undefined) ?? description.QueryString ?? statements[0];
  const position = statements.length > 1 ? `statement ${(index >= 0 ? index : 0) + 1} of ${statements.length}, run as one transaction and rolled back` : 'statement';
  return { error, message: `${error} (${position}: ${quoteSql(sql)})` };
}

function warehouseIsGone(error: unknown): boolean {
  return WAREHOUSE_GONE_ERRORS.has(errorName(error))
    || (errorName(error) === 'ValidationException' && error instanceof Error && WAREHOUSE_GONE_MESSAGE.test(error.message));
}

function sameSql(a: RedshiftSqlProps, b: RedshiftSqlProps): boolean {
  return JSON.stringify([a.statements, a.cleanupStatements, a.rerunKey]) === JSON.stringify([b.statements, b.cleanupStatements, b.rerunKey]);
}

/** Stable for one resource at one warehouse and database; another location is a replacement. */
export function physicalIdOf(logicalId: string, props: RedshiftSqlProps): string {
  return `${logicalId}:${props.targetType}/${props.targetName}/${props.database}`;
}

/** ClientToken: at most 64 characters; one per request and step. */
function clientToken(requestId: string, step: number): string {
  return createHash('sha256').update(`${requestId}:${step}`).digest('hex').slice(0, 64);
}

function summarize(statements: string[]): string {
  return statements.length === 1 ? quoteSql(statements[0]) : `${statements.length} statements starting with ${quoteSql(statements[0])}`;
}

function quoteSql(sql: string): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_QUOTED_SQL ? `${oneLine.slice(0, MAX_QUOTED_SQL)}...` : oneLine;
}

function getClient(): RedshiftDataClient {
  return (client ??= new RedshiftDataClient({}));
}
