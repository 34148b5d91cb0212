import { sqlError } from './private/sql-text';
import { Sql } from './sql';

/**
 * Privileges on Amazon Redshift tables and views.
 *
 * @see https://docs.aws.amazon.com/redshift/latest/dg/r_GRANT.html
 */
export enum TablePrivilege {
  SELECT = 'SELECT',
  INSERT = 'INSERT',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
  REFERENCES = 'REFERENCES',
  DROP = 'DROP',
  ALTER = 'ALTER',
  TRUNCATE = 'TRUNCATE',
}

/**
 * Options for privileges on the tables of a schema.
 */
export interface SchemaTablesGrantOptions {
  /**
   * Also grant the privileges on tables created later in the schema (`ALTER DEFAULT
   * PRIVILEGES`). Default privileges apply to tables created by the users listed in
   * `futureTablesOf`, or else by the user that runs the grant.
   *
   * @default true
   */
  readonly futureTables?: boolean;

  /**
   * Database users whose future tables the default privileges cover (`FOR USER`), such as the
   * user your ETL jobs create tables as. Setting default privileges for other users needs a
   * superuser.
   *
   * @default - tables created by the user that runs the grant
   */
  readonly futureTablesOf?: string[];
}

/**
 * Privileges to grant to a Redshift role, as SQL that grants them and SQL that revokes them,
 * with every name quoted by `Sql.identifier` (gotcha G6).
 *
 * @example
 * const grant = DatabaseGrant.readSchema('sales', { futureTablesOf: ['etl'] });
 * const sql = grant.grantStatements('AWSIDC:analysts');
 */
export class DatabaseGrant {
  /**
   * `USAGE` on a schema: needed to see anything in it.
   */
  public static usageOnSchema(schema: string): DatabaseGrant {
    const s = Sql.identifier(schema);
    return new DatabaseGrant(
      (role) => [`GRANT USAGE ON SCHEMA ${s} TO ROLE ${role}`],
      (role) => [`REVOKE USAGE ON SCHEMA ${s} FROM ROLE ${role}`],
    );
  }

  /**
   * Table privileges on every table and view of a schema (`ON ALL TABLES IN SCHEMA`), which
   * covers the tables that exist when it runs, and by default those created later.
   */
  public static onSchemaTables(schema: string, privileges: TablePrivilege[], options: SchemaTablesGrantOptions = {}): DatabaseGrant {
    const s = Sql.identifier(schema);
    const list = privilegeList('DatabaseGrant.onSchemaTables', privileges);
    const forUsers = options.futureTablesOf && options.futureTablesOf.length > 0
      ? `FOR USER ${Sql.identifierList(options.futureTablesOf)} `
      : '';
    const future = options.futureTables ?? true;
    return new DatabaseGrant(
      (role) => [
        `GRANT ${list} ON ALL TABLES IN SCHEMA ${s} TO ROLE ${role}`,
        ...(future ? [`ALTER DEFAULT PRIVILEGES ${forUsers}IN SCHEMA ${s} GRANT ${list} ON TABLES TO ROLE ${role}`] : []),
      ],
      (role) => [
        ...(future ? [`ALTER DEFAULT PRIVILEGES ${forUsers}IN SCHEMA ${s} REVOKE ${list} ON TABLES FROM ROLE ${role}`] : []),
        `REVOKE ${list} ON ALL TABLES IN SCHEMA ${s} FROM ROLE ${role}`,
      ],
    );
  }

  /**
   * Read access to a schema: `USAGE` on it and `SELECT` on its tables and views, present and
   * (by default) future.
   */
  public static readSchema(schema: string, options: SchemaTablesGrantOptions = {}): DatabaseGrant {
    return DatabaseGrant.usageOnSchema(schema).and(DatabaseGrant.onSchemaTables(schema, [TablePrivilege.SELECT], options));
  }

  /**
   * Table privileges on named tables or views of one schema.
   */
  public static onTables(schema: string, tables: string[], privileges: TablePrivilege[]): DatabaseGrant {
    if (tables.length === 0) {
      throw sqlError('DatabaseGrant.onTables', tables, 'Name at least one table.');
    }
    const names = tables.map((table) => Sql.tableName(table, schema));
    const list = privilegeList('DatabaseGrant.onTables', privileges);
    return new DatabaseGrant(
      (role) => [`GRANT ${list} ON TABLE ${names.join(', ')} TO ROLE ${role}`],
      (role) => [`REVOKE ${list} ON TABLE ${names.join(', ')} FROM ROLE ${role}`],
    );
  }

  private constructor(
    private readonly grants: (role: string) => string[],
    private readonly revokes: (role: string) => string[],
  ) {}

  /**
   * This grant followed by `other`; revoked in the reverse order.
   */
  public and(other: DatabaseGrant): DatabaseGrant {
    return new DatabaseGrant(
      (role) => [...this.grants(role), ...other.grants(role)],
      (role) => [...other.revokes(role), ...this.revokes(role)],
    );
  }

  /**
   * The `GRANT` statements that give the privileges to the Redshift role `roleName` (the name
   * unquoted; it is quoted here).
   */
  public grantStatements(roleName: string): string[] {
    return this.grants(Sql.identifier(roleName));
  }

  /**
   * The `REVOKE` statements that take the privileges back, in the reverse order.
   */
  public revokeStatements(roleName: string): string[] {
    return this.revokes(Sql.identifier(roleName));
  }
}

function privilegeList(where: string, privileges: TablePrivilege[]): string {
  const known = new Set<string>(Object.values(TablePrivilege));
  if (privileges.length === 0 || privileges.some((p) => !known.has(p))) {
    throw sqlError(where, privileges, 'Give at least one TablePrivilege.');
  }
  return [...new Set(privileges)].join(', ');
}
