import { CustomResource, Duration, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkAuthTarget, DataApiAuth, DataApiAuthMode } from './data-api-auth';
import { DATA_API_STATEMENTS_WILDCARD_REASON } from './private/data-api-grants';
import { RedshiftSqlFunction } from './private/redshift-sql-function';
import { StackProvider } from './private/stack-provider';
import { check } from './private/validation';
import { checkDbName, RedshiftTarget, RedshiftTargetKind } from './redshift-target';

/**
 * Most statements in one `BatchExecuteStatement` call (its `Sqls` parameter).
 *
 * @see https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_BatchExecuteStatement.html
 */
const MAX_BATCH_STATEMENTS = 40;
/** Longest SQL text the Data API accepts in one statement (bytes of UTF-8). */
const MAX_STATEMENT_BYTES = 100_000;
const DEFAULT_TIMEOUT = Duration.minutes(10);

/**
 * Properties of a `RedshiftSql`.
 */
export interface RedshiftSqlProps {
  /** The warehouse the statements run on. */
  readonly target: RedshiftTarget;

  /**
   * The database the statements run in.
   *
   * @default 'dev'
   */
  readonly database?: string;

  /**
   * How the statements authenticate. Creating identity providers, roles and grants usually
   * needs a superuser: the admin secret of the namespace or cluster (`DataApiAuth.secret`).
   */
  readonly auth: DataApiAuth;

  /**
   * The statements run on create, and on update after the old cleanup. Several statements run
   * as one transaction (`BatchExecuteStatement`), so a failure leaves nothing half done; a single
   * statement runs on its own, for statements that cannot run inside a transaction block.
   *
   * Build names and literals with `Sql.identifier` / `Sql.literal`, never by pasting values in.
   */
  readonly statements: string[];

  /**
   * The statements that undo `statements`, run on delete and, on update, for the old
   * statements before the new ones run. They run one by one, and a statement that fails because
   * its object "does not exist" is skipped, so a delete or a rollback always converges. When the
   * target or database changes, the new cleanup runs at the new place first (the objects may be
   * there already after a rollback), then CloudFormation deletes the old resource.
   *
   * @default - nothing runs on delete
   */
  readonly cleanupStatements?: string[];

  /**
   * Run `cleanupStatements` before `statements` on create and update too, to take over objects
   * that already exist (made by hand, or left by an earlier failed attempt or a partly done
   * cleanup) instead of failing with "already exists".
   *
   * @default false
   */
  readonly cleanupBeforeCreate?: boolean;

  /**
   * Run the cleanup and the statements again on update whenever this value changes, even if they
   * did not change themselves: for SQL whose objects go away with something else that was
   * re-created (database roles dropped with their identity provider, say).
   *
   * @default - an update runs SQL only when the statements change
   */
  readonly rerunKey?: string;

  /**
   * How long one deployment step may wait for its statements, retries included. At most
   * 14 minutes: the handler answers CloudFormation before its 15-minute Lambda limit. A
   * statement still running then is cancelled and the deployment fails with its text.
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;
}

/**
 * SQL run at deploy time through the Redshift Data API, waiting for the result.
 *
 * - One handler per stack, however many `RedshiftSql` it holds.
 * - The deployment fails with Redshift's own error text and the statement that failed.
 * - Create, update and delete are idempotent: an update runs the old cleanup then the new
 *   statements, and a repeated request converges.
 * - The handler may run statements on this warehouse only, as `auth` only, and may describe and
 *   cancel only its own statements.
 *
 * @example
 * declare const target: RedshiftTarget;
 * declare const adminSecret: secretsmanager.ISecret;
 * new RedshiftSql(this, 'Analysts', {
 *   target,
 *   auth: DataApiAuth.secret(adminSecret),
 *   statements: [`CREATE ROLE ${Sql.identifier('analysts')}`],
 *   cleanupStatements: [`DROP ROLE ${Sql.identifier('analysts')} FORCE`],
 * });
 */
export class RedshiftSql extends Construct {
  /** The custom resource; depend on it to order other resources after the SQL. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: RedshiftSqlProps) {
    super(scope, id);
    const database = props.database ?? 'dev';
    checkDbName(this.node.path, 'database', database);
    checkAuthTarget(this, 'auth', props.auth, props.target);
    checkStatements(this, 'statements', props.statements, 1);
    const cleanupStatements = props.cleanupStatements ?? [];
    checkStatements(this, 'cleanupStatements', cleanupStatements, 0);
    check(!(props.cleanupBeforeCreate && cleanupStatements.length === 0), this, 'cleanupBeforeCreate', true,
      'cleanupBeforeCreate runs cleanupStatements before the statements; give cleanupStatements, or leave cleanupBeforeCreate out.');
    const timeout = props.timeout ?? DEFAULT_TIMEOUT;
    const seconds = timeout.toSeconds();
    check(seconds >= 60 && seconds <= 14 * 60, this, 'timeout', `${seconds} seconds`,
      'Use between 1 and 14 minutes: the handler must answer CloudFormation before the 15-minute Lambda limit.');

    const provider = StackProvider.of(this, {
      id: 'CdkAnalyticsAccessRedshiftSqlProvider',
      functionClass: RedshiftSqlFunction,
      purpose: 'run SQL on Redshift through the Data API at deploy time',
      wildcardReason: DATA_API_STATEMENTS_WILDCARD_REASON,
      policySizeFix: 'Each warehouse, database and secret adds to the handler\'s policy: run the SQL of some warehouses from another stack.',
    });
    props.target.grantDataApi(provider.fn, { database, auth: props.auth, readResults: false });

    const isCluster = props.target.kind === RedshiftTargetKind.PROVISIONED;
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.fn.functionArn,
      resourceType: 'Custom::RedshiftSql',
      properties: {
        TargetType: isCluster ? 'cluster' : 'workgroup',
        TargetName: isCluster ? props.target.clusterIdentifier : props.target.workgroupName,
        Database: database,
        SecretArn: props.auth.mode === DataApiAuthMode.SECRET ? props.auth.credentialsSecret!.secretArn : undefined,
        DbUser: props.auth.dbUser,
        Statements: props.statements,
        CleanupStatements: cleanupStatements,
        CleanupBeforeCreate: String(props.cleanupBeforeCreate ?? false),
        RerunKey: props.rerunKey,
        TimeoutSeconds: String(seconds),
      },
    });
    // The statements run once the warehouse and the handler's permissions exist.
    for (const cfn of [props.target.cfnWorkgroup, props.target.cfnNamespace, props.target.cfnCluster]) {
      if (cfn) {
        this.resource.node.addDependency(cfn);
      }
    }
  }
}

function checkStatements(scope: Construct, prop: string, statements: string[], minimum: number): void {
  check(!Token.isUnresolved(statements) && Array.isArray(statements), scope, prop, statements,
    'Give a literal list of statements; a token list cannot be checked at synth time.');
  check(statements.length >= minimum, scope, prop, statements, 'Give at least one SQL statement.');
  check(statements.length <= MAX_BATCH_STATEMENTS, scope, prop, `${statements.length} statements`,
    `The Data API runs at most ${MAX_BATCH_STATEMENTS} statements in one transaction (BatchExecuteStatement); split them across several RedshiftSql constructs.`);
  for (const statement of statements) {
    check(typeof statement === 'string' && statement.trim() !== '', scope, prop, statement, 'Every statement must be non-empty SQL text.');
    const bytes = Buffer.byteLength(statement, 'utf8');
    check(bytes <= MAX_STATEMENT_BYTES, scope, prop, `a statement of ${bytes} bytes`,
      `The Data API accepts at most ${MAX_STATEMENT_BYTES} bytes per statement; split it.`);
  }
}
