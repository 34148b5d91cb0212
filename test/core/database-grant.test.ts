import { DatabaseGrant, TablePrivilege } from '../../src';

describe('DatabaseGrant.usageOnSchema', () => {
  test('grants and revokes USAGE on the schema to and from the role', () => {
    // GIVEN
    const grant = DatabaseGrant.usageOnSchema('sales');

    // WHEN
    const grants = grant.grantStatements('analysts');
    const revokes = grant.revokeStatements('analysts');

    // THEN
    expect(grants).toEqual(['GRANT USAGE ON SCHEMA "sales" TO ROLE "analysts"']);
    expect(revokes).toEqual(['REVOKE USAGE ON SCHEMA "sales" FROM ROLE "analysts"']);
  });

  test('the same grant renders for several roles', () => {
    // GIVEN
    const grant = DatabaseGrant.usageOnSchema('sales');

    // WHEN / THEN
    expect(grant.grantStatements('a')).toEqual(['GRANT USAGE ON SCHEMA "sales" TO ROLE "a"']);
    expect(grant.grantStatements('AWSIDC:data engineers')).toEqual(['GRANT USAGE ON SCHEMA "sales" TO ROLE "AWSIDC:data engineers"']);
  });
});

describe('DatabaseGrant.onSchemaTables', () => {
  test('grants on all tables and, by default, on future tables; revokes in reverse', () => {
    // GIVEN
    const grant = DatabaseGrant.onSchemaTables('sales', [TablePrivilege.SELECT, TablePrivilege.INSERT]);

    // WHEN
    const grants = grant.grantStatements('etl');
    const revokes = grant.revokeStatements('etl');

    // THEN
    expect(grants).toEqual([
      'GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "sales" TO ROLE "etl"',
      'ALTER DEFAULT PRIVILEGES IN SCHEMA "sales" GRANT SELECT, INSERT ON TABLES TO ROLE "etl"',
    ]);
    expect(revokes).toEqual([
      'ALTER DEFAULT PRIVILEGES IN SCHEMA "sales" REVOKE SELECT, INSERT ON TABLES FROM ROLE "etl"',
      'REVOKE SELECT, INSERT ON ALL TABLES IN SCHEMA "sales" FROM ROLE "etl"',
    ]);
  });

  test('futureTables false: existing tables only', () => {
    // GIVEN
    const grant = DatabaseGrant.onSchemaTables('sales', [TablePrivilege.SELECT], { futureTables: false });

    // WHEN / THEN
    expect(grant.grantStatements('r')).toEqual(['GRANT SELECT ON ALL TABLES IN SCHEMA "sales" TO ROLE "r"']);
    expect(grant.revokeStatements('r')).toEqual(['REVOKE SELECT ON ALL TABLES IN SCHEMA "sales" FROM ROLE "r"']);
  });

  test('futureTablesOf: default privileges for the tables those users create, names quoted', () => {
    // GIVEN
    const grant = DatabaseGrant.onSchemaTables('sales', [TablePrivilege.SELECT], { futureTablesOf: ['etl', 'loader'] });

    // WHEN / THEN
    expect(grant.grantStatements('r')).toEqual([
      'GRANT SELECT ON ALL TABLES IN SCHEMA "sales" TO ROLE "r"',
      'ALTER DEFAULT PRIVILEGES FOR USER "etl", "loader" IN SCHEMA "sales" GRANT SELECT ON TABLES TO ROLE "r"',
    ]);
    expect(grant.revokeStatements('r')).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR USER "etl", "loader" IN SCHEMA "sales" REVOKE SELECT ON TABLES FROM ROLE "r"',
      'REVOKE SELECT ON ALL TABLES IN SCHEMA "sales" FROM ROLE "r"',
    ]);
  });

  test('an empty futureTablesOf is the same as none', () => {
    const grant = DatabaseGrant.onSchemaTables('s', [TablePrivilege.SELECT], { futureTablesOf: [] });
    expect(grant.grantStatements('r')[1]).toBe('ALTER DEFAULT PRIVILEGES IN SCHEMA "s" GRANT SELECT ON TABLES TO ROLE "r"');
  });

  test('futureTables false wins over futureTablesOf', () => {
    const grant = DatabaseGrant.onSchemaTables('s', [TablePrivilege.SELECT], { futureTables: false, futureTablesOf: ['etl'] });
    expect(grant.grantStatements('r')).toEqual(['GRANT SELECT ON ALL TABLES IN SCHEMA "s" TO ROLE "r"']);
  });

  test('duplicate privileges are listed once, in first-seen order', () => {
    // GIVEN
    const grant = DatabaseGrant.onSchemaTables('s', [TablePrivilege.UPDATE, TablePrivilege.SELECT, TablePrivilege.UPDATE, TablePrivilege.SELECT], {
      futureTables: false,
    });

    // WHEN / THEN
    expect(grant.grantStatements('r')).toEqual(['GRANT UPDATE, SELECT ON ALL TABLES IN SCHEMA "s" TO ROLE "r"']);
  });

  test('every table privilege renders as its keyword', () => {
    const all = Object.values(TablePrivilege);
    const grant = DatabaseGrant.onSchemaTables('s', all, { futureTables: false });
    expect(grant.grantStatements('r')).toEqual([
      'GRANT SELECT, INSERT, UPDATE, DELETE, REFERENCES, DROP, ALTER, TRUNCATE ON ALL TABLES IN SCHEMA "s" TO ROLE "r"',
    ]);
  });

  test('fails when no privilege is given', () => {
    expect(() => DatabaseGrant.onSchemaTables('s', [])).toThrow(/^\[DatabaseGrant\.onSchemaTables\] value: \[\] is not valid\. Give at least one TablePrivilege\.$/);
  });

  test('fails when a privilege is not a TablePrivilege', () => {
    expect(() => DatabaseGrant.onSchemaTables('s', ['SELECT; DROP TABLE x' as TablePrivilege])).toThrow(
      /\[DatabaseGrant\.onSchemaTables\] value: \["SELECT; DROP TABLE x"\] is not valid\. Give at least one TablePrivilege/);
    expect(() => DatabaseGrant.onSchemaTables('s', ['ALL' as TablePrivilege])).toThrow(/Give at least one TablePrivilege/);
  });

  test('fails when a future-table owner is not a valid identifier', () => {
    expect(() => DatabaseGrant.onSchemaTables('s', [TablePrivilege.SELECT], { futureTablesOf: ['etl', ''] })).toThrow(/\[Sql\.identifier\] value: "" is not valid/);
  });
});

describe('DatabaseGrant.readSchema', () => {
  test('USAGE, then SELECT on present and future tables; revoked in the exact reverse order', () => {
    // GIVEN
    const grant = DatabaseGrant.readSchema('sales', { futureTablesOf: ['etl'] });

    // WHEN
    const grants = grant.grantStatements('AWSIDC:analysts');
    const revokes = grant.revokeStatements('AWSIDC:analysts');

    // THEN
    expect(grants).toEqual([
      'GRANT USAGE ON SCHEMA "sales" TO ROLE "AWSIDC:analysts"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "sales" TO ROLE "AWSIDC:analysts"',
      'ALTER DEFAULT PRIVILEGES FOR USER "etl" IN SCHEMA "sales" GRANT SELECT ON TABLES TO ROLE "AWSIDC:analysts"',
    ]);
    expect(revokes).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR USER "etl" IN SCHEMA "sales" REVOKE SELECT ON TABLES FROM ROLE "AWSIDC:analysts"',
      'REVOKE SELECT ON ALL TABLES IN SCHEMA "sales" FROM ROLE "AWSIDC:analysts"',
      'REVOKE USAGE ON SCHEMA "sales" FROM ROLE "AWSIDC:analysts"',
    ]);
  });

  test('futureTables false: two grants, two revokes', () => {
    const grant = DatabaseGrant.readSchema('sales', { futureTables: false });
    expect(grant.grantStatements('r')).toEqual([
      'GRANT USAGE ON SCHEMA "sales" TO ROLE "r"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "sales" TO ROLE "r"',
    ]);
    expect(grant.revokeStatements('r')).toEqual([
      'REVOKE SELECT ON ALL TABLES IN SCHEMA "sales" FROM ROLE "r"',
      'REVOKE USAGE ON SCHEMA "sales" FROM ROLE "r"',
    ]);
  });
});

describe('DatabaseGrant.onTables', () => {
  test('grants privileges on named tables of one schema, each qualified and quoted', () => {
    // GIVEN
    const grant = DatabaseGrant.onTables('sales', ['orders', 'Order Items'], [TablePrivilege.SELECT, TablePrivilege.UPDATE]);

    // WHEN / THEN
    expect(grant.grantStatements('r')).toEqual(['GRANT SELECT, UPDATE ON TABLE "sales"."orders", "sales"."Order Items" TO ROLE "r"']);
    expect(grant.revokeStatements('r')).toEqual(['REVOKE SELECT, UPDATE ON TABLE "sales"."orders", "sales"."Order Items" FROM ROLE "r"']);
  });

  test('dedupes privileges', () => {
    const grant = DatabaseGrant.onTables('s', ['t'], [TablePrivilege.SELECT, TablePrivilege.SELECT]);
    expect(grant.grantStatements('r')).toEqual(['GRANT SELECT ON TABLE "s"."t" TO ROLE "r"']);
  });

  test('fails when no table is given', () => {
    expect(() => DatabaseGrant.onTables('s', [], [TablePrivilege.SELECT])).toThrow(/^\[DatabaseGrant\.onTables\] value: \[\] is not valid\. Name at least one table\.$/);
  });

  test('fails when no privilege is given', () => {
    expect(() => DatabaseGrant.onTables('s', ['t'], [])).toThrow(/^\[DatabaseGrant\.onTables\] value: \[\] is not valid\. Give at least one TablePrivilege\.$/);
  });

  test('fails when a table name is not a valid identifier', () => {
    expect(() => DatabaseGrant.onTables('s', ['ok', 'bad\nname'], [TablePrivilege.SELECT])).toThrow(/\[Sql\.identifier\] value: "bad\\nname" is not valid/);
  });
});

describe('DatabaseGrant.and', () => {
  test('grants in the order given, revokes in the reverse order', () => {
    // GIVEN
    const a = DatabaseGrant.usageOnSchema('a');
    const b = DatabaseGrant.onSchemaTables('b', [TablePrivilege.SELECT], { futureTables: false });
    const c = DatabaseGrant.onTables('c', ['t'], [TablePrivilege.INSERT]);

    // WHEN
    const combined = a.and(b).and(c);

    // THEN
    expect(combined.grantStatements('r')).toEqual([
      'GRANT USAGE ON SCHEMA "a" TO ROLE "r"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "b" TO ROLE "r"',
      'GRANT INSERT ON TABLE "c"."t" TO ROLE "r"',
    ]);
    expect(combined.revokeStatements('r')).toEqual([
      'REVOKE INSERT ON TABLE "c"."t" FROM ROLE "r"',
      'REVOKE SELECT ON ALL TABLES IN SCHEMA "b" FROM ROLE "r"',
      'REVOKE USAGE ON SCHEMA "a" FROM ROLE "r"',
    ]);
  });

  test('associativity: a.and(b.and(c)) renders the same as a.and(b).and(c)', () => {
    const a = DatabaseGrant.usageOnSchema('a');
    const b = DatabaseGrant.readSchema('b');
    const c = DatabaseGrant.onTables('c', ['t'], [TablePrivilege.DELETE]);
    expect(a.and(b.and(c)).grantStatements('r')).toEqual(a.and(b).and(c).grantStatements('r'));
    expect(a.and(b.and(c)).revokeStatements('r')).toEqual(a.and(b).and(c).revokeStatements('r'));
  });

  test('and() returns a new grant and leaves both operands unchanged', () => {
    const a = DatabaseGrant.usageOnSchema('a');
    const b = DatabaseGrant.usageOnSchema('b');
    const combined = a.and(b);
    expect(combined).not.toBe(a);
    expect(a.grantStatements('r')).toEqual(['GRANT USAGE ON SCHEMA "a" TO ROLE "r"']);
    expect(b.grantStatements('r')).toEqual(['GRANT USAGE ON SCHEMA "b" TO ROLE "r"']);
  });
});

describe('DatabaseGrant quoting of hostile names (G6)', () => {
  test('quotes in schema, table, user and role names are doubled, never closing the identifier', () => {
    // GIVEN
    const schema = 'x"; DROP SCHEMA public; --';
    const table = 't" TO PUBLIC; --';
    const user = 'etl"';
    const role = 'r"; GRANT ALL ON SCHEMA public TO PUBLIC; --';

    // WHEN
    const grants = DatabaseGrant.readSchema(schema, { futureTablesOf: [user] })
      .and(DatabaseGrant.onTables(schema, [table], [TablePrivilege.SELECT]))
      .grantStatements(role);

    // THEN
    const s = '"x""; DROP SCHEMA public; --"';
    const r = '"r""; GRANT ALL ON SCHEMA public TO PUBLIC; --"';
    expect(grants).toEqual([
      `GRANT USAGE ON SCHEMA ${s} TO ROLE ${r}`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ROLE ${r}`,
      `ALTER DEFAULT PRIVILEGES FOR USER "etl""" IN SCHEMA ${s} GRANT SELECT ON TABLES TO ROLE ${r}`,
      `GRANT SELECT ON TABLE ${s}."t"" TO PUBLIC; --" TO ROLE ${r}`,
    ]);
  });

  test('single quotes, backslashes, spaces and unicode are kept verbatim inside the quotes', () => {
    const grant = DatabaseGrant.usageOnSchema("O'Brien \\ 売上 🎉");
    expect(grant.grantStatements('AWSIDC:data analysts')).toEqual([
      'GRANT USAGE ON SCHEMA "O\'Brien \\ 売上 🎉" TO ROLE "AWSIDC:data analysts"',
    ]);
  });

  test('fails when the role name is empty, too long or has a control character', () => {
    const grant = DatabaseGrant.usageOnSchema('s');
    expect(() => grant.grantStatements('')).toThrow(/\[Sql\.identifier\] value: "" is not valid/);
    expect(() => grant.revokeStatements('a'.repeat(128))).toThrow(/128 bytes .* at most 127 bytes/);
    expect(() => grant.grantStatements('r\u0000')).toThrow(/Identifiers may contain only printable characters/);
  });

  test('fails when the schema name has a control character', () => {
    expect(() => DatabaseGrant.usageOnSchema('s\n; DROP TABLE x')).toThrow(/\[Sql\.identifier\] value: .* is not valid\. Identifiers may contain only printable characters/);
  });
});
