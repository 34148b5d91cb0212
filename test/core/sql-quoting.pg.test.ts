import { loadModule, parseSync, scanSync, type ScanToken } from 'libpg-query';
import { DatabaseGrant, Sql, TablePrivilege } from '../../src';

// Gotcha G6: a name or value pasted into SQL must never end its quotes early. These tests do not
// trust a regular expression for that: they run the quoted text through the real PostgreSQL
// scanner (libpg-query, WebAssembly), whose lexical rules for delimited identifiers and string
// literals Redshift shares, and check where each token starts and ends.

beforeAll(async () => {
  await loadModule();
});

/** Names and values built to break out of quotes, or to confuse a scanner. */
const HOSTILE: Array<[string, string]> = [
  ['a double quote', 'a"b'],
  ['only double quotes', '"""'],
  ['a quoted-looking name', '"x"'],
  ['a single quote', "O'Brien"],
  ['only single quotes', "'''"],
  ['a backslash', 'a\\b'],
  ['a trailing backslash', 'abc\\'],
  ['only backslashes', '\\\\\\'],
  ['backslashes before quotes', '\\"\\\''],
  ['an identifier injection', '"; DROP TABLE x; --'],
  ['a quote-OR injection', "' OR '1'='1"],
  ['a backslash-quote injection', "\\'; DROP TABLE x; --"],
  ['unicode letters', '売上 データ é ß'],
  ['emoji', '🎉🚀 party'],
  ['spaces', '  spaced   name '],
  ['an IdC group role', 'AWSIDC:data analysts'],
  ['dollar quoting', '$$'],
  ['a dollar-quote tag', '$tag$ x $tag$'],
  ['a block comment start', '/*'],
  ['a line comment', '--'],
  ['a semicolon', ';'],
  ['a Unicode-escape look-alike', 'U&"\\0041" UESCAPE \'!\''],
  ['127 bytes of 3-byte characters', `${'売'.repeat(42)}a`],
  ['127 bytes of 4-byte characters', `${'🎉'.repeat(31)}abc`],
];

/** Text a literal may hold but an identifier may not. */
const LITERAL_ONLY: Array<[string, string]> = [
  ['the empty string', ''],
  ['line breaks and tabs', "a\n'b'\r\n\t\\c"],
  ['a long value', `${"'\\".repeat(5_000)}end`],
];

function tokens(sql: string): ScanToken[] {
  return scanSync(sql).tokens;
}

/** Undo `Sql.identifier`: strip the outer quotes and turn each `""` back into `"`. */
function decodeIdentifier(text: string): string {
  expect(text.startsWith('"') && text.endsWith('"') && text.length >= 2).toBe(true);
  return text.slice(1, -1).replace(/""/g, '"');
}

/** The value PostgreSQL's parser reads from `SELECT <literal>`. */
function parsedString(sql: string): string {
  const stmt = parseSync(sql).stmts?.[0]?.stmt as any;
  return stmt.SelectStmt.targetList[0].ResTarget.val.A_Const.sval.sval;
}

/** The name PostgreSQL's parser reads from `SELECT <identifier>` (it truncates names above 63 bytes). */
function parsedColumn(sql: string): string {
  const stmt = parseSync(sql).stmts?.[0]?.stmt as any;
  return stmt.SelectStmt.targetList[0].ResTarget.val.ColumnRef.fields[0].String.sval;
}

function expectOneIdentifier(name: string): void {
  const ident = Sql.identifier(name);
  const alone = tokens(ident);
  expect(alone.map((t) => [t.tokenName, t.text])).toEqual([['IDENT', ident]]);
  expect(decodeIdentifier(alone[0].text)).toBe(name);
}

function expectOneLiteral(value: string): void {
  const literal = Sql.literal(value);
  // Redshift reads a backslash in a literal as an escape, as PostgreSQL does in E'' strings: scan both readings.
  for (const quoted of [literal, `E${literal}`]) {
    const scanned = tokens(`SELECT ${quoted}`);
    expect(scanned.map((t) => t.text)).toEqual(['SELECT', quoted]);
    expect(scanned[1].tokenName).toBe('SCONST');
  }
  // Read with backslash escapes, the literal gives back exactly the value.
  expect(parsedString(`SELECT E${literal}`)).toBe(value);
}

describe('Sql.identifier under the PostgreSQL scanner', () => {
  test.each(HOSTILE)('%s is one IDENT token that decodes to the input', (_label, name) => {
    // WHEN
    const ident = Sql.identifier(name);

    // THEN
    expectOneIdentifier(name);
    const statement = tokens(`CREATE ROLE ${ident}`);
    expect(statement.map((t) => t.text)).toEqual(['CREATE', 'ROLE', ident]);
    expect(statement[2].tokenName).toBe('IDENT');
  });

  test.each(HOSTILE.filter(([, name]) => Buffer.byteLength(name, 'utf8') <= 63))('%s is read by the parser as the same name', (_label, name) => {
    expect(parsedColumn(`SELECT ${Sql.identifier(name)}`)).toBe(name);
  });

  test('a qualified name scans as identifier, dot, identifier', () => {
    // WHEN
    const name = Sql.qualifiedName('x"; --', '"."');

    // THEN
    const scanned = tokens(`SELECT * FROM ${name}`);
    expect(scanned.map((t) => t.text)).toEqual(['SELECT', '*', 'FROM', '"x""; --"', '.', '"""."""']);
    expect(decodeIdentifier(scanned[3].text)).toBe('x"; --');
    expect(decodeIdentifier(scanned[5].text)).toBe('"."');
  });

  test('the scanner does reject a broken identifier (the check can fail)', () => {
    // GIVEN an identifier quoted without doubling the inner quote
    const broken = '"a"b"';

    // WHEN / THEN it is not one token
    expect(() => {
      const scanned = tokens(broken);
      expect(scanned).toHaveLength(1);
    }).toThrow();
  });
});

describe('Sql.literal under the PostgreSQL scanner', () => {
  test.each([...HOSTILE, ...LITERAL_ONLY])('%s is one SCONST token, with and without the E prefix', (_label, value) => {
    expectOneLiteral(value);
  });

  test('with standard-conforming strings (plain PostgreSQL), only the backslashes come back doubled', () => {
    // GIVEN
    const value = "C:\\temp\\ it's";

    // WHEN
    const plain = parsedString(`SELECT ${Sql.literal(value)}`);

    // THEN the literal still ends where it should; only the reading of \ differs
    expect(plain).toBe("C:\\\\temp\\\\ it's");
  });

  test('an undoubled trailing backslash would swallow the closing quote in an E string (the check can fail)', () => {
    // GIVEN the literal a naive quoting of 'abc\' would produce
    const naive = "E'abc\\'";

    // WHEN / THEN the scanner does not find a complete literal
    expect(() => {
      const scanned = tokens(`SELECT ${naive}`);
      expect(scanned.map((t) => t.text)).toEqual(['SELECT', naive]);
    }).toThrow();
  });
});

describe('DatabaseGrant statements under the PostgreSQL scanner', () => {
  const schema = 'x"; DROP SCHEMA public CASCADE; --';
  const users = ['etl"', "loader'; --"];
  const table = 'orders" TO PUBLIC; /*';
  const role = 'AWSIDC:data "analysts"; GRANT ALL ON SCHEMA public TO PUBLIC; --';

  function check(statements: string[], expectedNames: string[][]): void {
    expect(statements).toHaveLength(expectedNames.length);
    statements.forEach((statement, i) => {
      const scanned = tokens(statement);
      expect(scanned.filter((t) => t.text === ';')).toEqual([]);
      expect(scanned.filter((t) => /COMMENT/.test(t.tokenName))).toEqual([]);
      // Everything outside quotes is a keyword, a comma or a dot: nothing of the names leaked out.
      expect(scanned.filter((t) => !t.text.startsWith('"')).map((t) => t.text).join(' ')).toMatch(/^[A-Z]+(?: (?:[A-Z]+|,|\.))*$/);
      expect(scanned.filter((t) => t.text.startsWith('"')).map((t) => decodeIdentifier(t.text))).toEqual(expectedNames[i]);
      expect(scanned.filter((t) => t.text.startsWith('"')).every((t) => t.tokenName === 'IDENT')).toBe(true);
    });
  }

  test('readSchema: every identifier decodes to the intended name, no statement separator', () => {
    // WHEN
    const grant = DatabaseGrant.readSchema(schema, { futureTablesOf: users });

    // THEN
    check(grant.grantStatements(role), [
      [schema, role],
      [schema, role],
      [...users, schema, role],
    ]);
    check(grant.revokeStatements(role), [
      [...users, schema, role],
      [schema, role],
      [schema, role],
    ]);
  });

  test('onTables: qualified table names decode to schema and table', () => {
    // WHEN
    const grant = DatabaseGrant.onTables(schema, [table, 'plain'], [TablePrivilege.SELECT, TablePrivilege.DELETE]);

    // THEN
    check(grant.grantStatements(role), [[schema, table, schema, 'plain', role]]);
    check(grant.revokeStatements(role), [[schema, table, schema, 'plain', role]]);
  });
});

/** A small, fast, seedable PRNG (mulberry32): the same 500 strings on every run. */
/* eslint-disable no-bitwise -- a PRNG is bit arithmetic */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

const POOL = [
  '"', '"', "'", "'", '\\', '\\', ';', ' ', 'a', 'Z', 'E', 'U', '&', '-', '/', '*', '$', '.', ':', ',', '(',
  'é', '売', '🎉', 'Ω', '\u00a0',
];
/** Drawn now and then: tab, line feed and carriage return (literals only), and characters Sql refuses. */
const RARE = ['\t', '\n', '\r', '\u0000', '\u001b', '\u007f', '\u0085'];
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

describe('generated inputs', () => {
  test('500 random strings each quote to exactly one token', () => {
    // GIVEN
    const random = mulberry32(0x5eed);
    const inputs = Array.from({ length: 500 }, () => {
      const length = 1 + Math.floor(random() * 24);
      return Array.from({ length }, () => (random() < 0.02 ? RARE[Math.floor(random() * RARE.length)] : POOL[Math.floor(random() * POOL.length)])).join('');
    });
    let identifiers = 0;
    let literals = 0;
    expect(new Set(inputs).size).toBeGreaterThan(450);

    // WHEN / THEN
    for (const input of inputs) {
      try {
        expectOneIdentifier(input);
        identifiers++;
      } catch (e) {
        // Sql refuses only control characters here; anything else is a real failure.
        if (!CONTROL.test(input) || !/control characters/.test((e as Error).message)) {
          throw new Error(`identifier ${JSON.stringify(input)}: ${(e as Error).message}`);
        }
      }
      try {
        expectOneLiteral(input);
        literals++;
      } catch (e) {
        if (!CONTROL_EXCEPT_WHITESPACE.test(input) || !/control characters/.test((e as Error).message)) {
          throw new Error(`literal ${JSON.stringify(input)}: ${(e as Error).message}`);
        }
      }
    }
    // Most inputs were accepted, so the check means something; a few were refused, so the skip path ran.
    expect(identifiers).toBeGreaterThan(350);
    expect(identifiers).toBeLessThan(500);
    expect(literals).toBeGreaterThan(identifiers);
    expect(literals).toBeLessThan(500);
  });
});
