import { Token } from 'aws-cdk-lib';
import { escapeLiteralText, LONE_SURROGATE, requireKnownString, sqlError } from './private/sql-text';

/**
 * Longest Amazon Redshift identifier, in bytes of UTF-8, not counting the quotation marks of a
 * delimited identifier.
 *
 * @see https://docs.aws.amazon.com/redshift/latest/dg/r_names.html
 */
const MAX_IDENTIFIER_BYTES = 127;

/** Unicode control characters (category Cc: U+0000–U+001F, U+007F–U+009F). */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;


/**
 * Quotes identifiers and string literals for Amazon Redshift SQL.
 *
 * This is the one place the library turns values into SQL text; nothing is interpolated into a
 * statement unquoted. Identifiers become delimited identifiers (`"name"`, with `"` doubled);
 * string literals become `'text'` with `'` and `\` doubled, the same escaping as Redshift's own
 * `QUOTE_LITERAL` function, so that no input can end the literal early.
 *
 * Values must be known at synth time: an unresolved CDK token is refused, because its value
 * (decided at deploy time) cannot be checked or escaped.
 *
 * @example
 * const table = Sql.tableName('events', 'analytics'); // "analytics"."events"
 * const text = Sql.literal("O'Brien");                 // 'O''Brien'
 *
 * @see https://docs.aws.amazon.com/redshift/latest/dg/r_names.html
 * @see https://docs.aws.amazon.com/redshift/latest/dg/r_QUOTE_LITERAL.html
 */
export class Sql {
  /**
   * A delimited (double-quoted) identifier: `"name"`, with every `"` in the name doubled.
   *
   * Any printable UTF-8 text is accepted, including spaces, quotes and non-ASCII letters, so
   * names such as `AWSIDC:data engineers` work. Redshift folds ASCII letters of delimited
   * identifiers to lowercase unless `enable_case_sensitive_identifier` is on.
   *
   * @param name the identifier, 1 to 127 bytes of UTF-8, without control characters.
   * @returns the quoted identifier.
   * @throws if `name` is empty, longer than 127 bytes, contains a control character or is an
   * unresolved token.
   * @see https://docs.aws.amazon.com/redshift/latest/dg/r_names.html
   */
  public static identifier(name: string): string {
    const where = 'Sql.identifier';
    requireKnownString(where, name);
    if (name.length === 0) {
      throw sqlError(where, name, 'An Amazon Redshift identifier needs 1 to 127 bytes; pass a non-empty name.');
    }
    if (CONTROL_CHARACTERS.test(name)) {
      throw sqlError(where, name, 'Identifiers may contain only printable characters; remove control characters such as NUL, tab or newline.');
    }
    if (LONE_SURROGATE.test(name)) {
      throw sqlError(where, name, 'The name is not valid Unicode (it has an unpaired surrogate); pass well-formed text.');
    }
    const bytes = Buffer.byteLength(name, 'utf8');
    if (bytes > MAX_IDENTIFIER_BYTES) {
      throw sqlError(where, name, `The name is ${bytes} bytes of UTF-8; Amazon Redshift identifiers are at most ${MAX_IDENTIFIER_BYTES} bytes. Use a shorter name.`);
    }
    return `"${name.replace(/"/g, '""')}"`;
  }

  /**
   * A qualified name such as `"schema"."table"` or `"database"."schema"."table"`: each part
   * quoted with `Sql.identifier` and joined with `.`.
   *
   * @param parts the name parts, outermost first; at least one.
   * @returns the quoted, dot-separated name.
   * @throws if no part is given or a part is not a valid identifier.
   */
  public static qualifiedName(...parts: string[]): string {
    if (parts.length === 0) {
      throw sqlError('Sql.qualifiedName', parts, 'Pass at least one name part, for example Sql.qualifiedName(\'schema\', \'table\').');
    }
    return parts.map((part) => Sql.identifier(part)).join('.');
  }

  /**
   * A table name, `"table"` or `"schema"."table"`.
   *
   * @param table the table name.
   * @param schema the schema that holds the table; when omitted, Redshift finds the table
   * through the session's `search_path`.
   * @returns the quoted table name.
   */
  public static tableName(table: string, schema?: string): string {
    return schema === undefined ? Sql.identifier(table) : Sql.qualifiedName(schema, table);
  }

  /**
   * A comma-separated list of quoted identifiers, such as a column list: `"a", "b"`.
   *
   * @param names the identifiers; at least one.
   * @returns the quoted identifiers joined with `, `.
   * @throws if the list is empty or a name is not a valid identifier.
   */
  public static identifierList(names: string[]): string {
    if (Token.isUnresolved(names)) {
      throw sqlError('Sql.identifierList', names, 'The list must be known at synth time; pass a literal list of names, not a token.');
    }
    if (names.length === 0) {
      throw sqlError('Sql.identifierList', names, 'Pass at least one name.');
    }
    return names.map((name) => Sql.identifier(name)).join(', ');
  }

  /**
   * A string literal: `'text'`, with every `'` and every `\` doubled.
   *
   * Amazon Redshift reads a backslash in a string literal as an escape character (its
   * `QUOTE_LITERAL` function doubles backslashes, and the LIKE default escape is written
   * `'\\'`), so `\'` would not end a literal but a lone trailing `\` would swallow the closing
   * quote. Doubling both characters keeps every input inside the literal and gives Redshift
   * back exactly the text passed here.
   *
   * Tab, line feed and carriage return are allowed (multi-line queries, tab delimiters); other
   * control characters, NUL included, are refused.
   *
   * @param value the text, known at synth time.
   * @returns the quoted literal.
   * @throws if `value` contains a control character other than tab, line feed or carriage
   * return, or is an unresolved token.
   * @see https://docs.aws.amazon.com/redshift/latest/dg/r_QUOTE_LITERAL.html
   */
  public static literal(value: string): string {
    const where = 'Sql.literal';
    requireKnownString(where, value);
    return `'${escapeLiteralText(where, value)}'`;
  }

  private constructor() {}
}

