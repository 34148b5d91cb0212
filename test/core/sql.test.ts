import { Aws, Lazy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { libraryLiteral } from '../../src/core/private/sql-text';
import { Sql } from '../../src/core/sql';

/** One delimited identifier and nothing else: every `"` inside is doubled. */
const ONE_IDENTIFIER = /^"(?:[^"]|"")*"$/s;

/**
 * One string literal and nothing else, read the way Redshift reads it: inside, a `'` only as
 * `''` and a `\` only as the first half of an escape pair.
 */
const ONE_LITERAL = /^'(?:[^'\\]|''|\\[\s\S])*'$/;

describe('Sql.identifier', () => {
  test('quotes a plain name', () => {
    // WHEN
    const quoted = Sql.identifier('events');

    // THEN
    expect(quoted).toBe('"events"');
  });

  test('doubles double quotes', () => {
    // WHEN
    const quoted = Sql.identifier('a"b');

    // THEN
    expect(quoted).toBe('"a""b"');
    expect(quoted).toMatch(ONE_IDENTIFIER);
  });

  test('keeps spaces, colons and backslashes inside the quotes (IdC group roles)', () => {
    // WHEN
    const quoted = Sql.identifier('AWSIDC:data engineers\\eu');

    // THEN
    expect(quoted).toBe('"AWSIDC:data engineers\\eu"');
  });

  test('keeps non-ASCII text as is', () => {
    // WHEN
    const quoted = Sql.identifier('売上 テーブル 🎉');

    // THEN
    expect(quoted).toBe('"売上 テーブル 🎉"');
  });

  test('an injection attempt stays one identifier', () => {
    // GIVEN
    const name = 'x"; DROP TABLE t; --';

    // WHEN
    const quoted = Sql.identifier(name);

    // THEN
    expect(quoted).toBe('"x""; DROP TABLE t; --"');
    expect(quoted).toMatch(ONE_IDENTIFIER);
  });

  test('accepts exactly 127 bytes, counting multi-byte characters in bytes', () => {
    // GIVEN
    const ascii = 'a'.repeat(127);
    const japanese = '売'.repeat(42); // 3 bytes each: 126 bytes

    // WHEN / THEN
    expect(Sql.identifier(ascii)).toBe(`"${ascii}"`);
    expect(Sql.identifier(japanese)).toBe(`"${japanese}"`);
  });

  test('fails when the name is empty', () => {
    expect(() => Sql.identifier('')).toThrow(/\[Sql\.identifier\] value: "" is not valid\. .*1 to 127 bytes/);
  });

  test('fails when the name is longer than 127 bytes', () => {
    expect(() => Sql.identifier('a'.repeat(128))).toThrow(/128 bytes .* at most 127 bytes/);
  });

  test('fails when multi-byte characters make the name longer than 127 bytes', () => {
    expect(() => Sql.identifier('売'.repeat(43))).toThrow(/129 bytes .* at most 127 bytes/);
  });

  test.each([
    ['NUL', 'a\u0000b'],
    ['newline', 'a\nb'],
    ['tab', 'a\tb'],
    ['escape', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0085b'],
  ])('fails when the name contains a control character (%s)', (_label, name) => {
    expect(() => Sql.identifier(name)).toThrow(/is not valid\. Identifiers may contain only printable characters/);
  });

  test('fails when the name is not well-formed Unicode', () => {
    expect(() => Sql.identifier('a\ud800b')).toThrow(/unpaired surrogate/);
  });

  test('fails when the name is an unresolved token', () => {
    // GIVEN
    const lazy = Lazy.string({ produce: () => 'events' });

    // WHEN / THEN
    expect(() => Sql.identifier(lazy)).toThrow(/\(unresolved token\) is not valid\. The value must be known at synth time/);
    expect(() => Sql.identifier(Aws.REGION)).toThrow(/must be known at synth time/);
  });
});

describe('Sql.qualifiedName / tableName / identifierList', () => {
  test('joins quoted parts with dots', () => {
    // WHEN
    const name = Sql.qualifiedName('dev', 'my schema', 'a"b');

    // THEN
    expect(name).toBe('"dev"."my schema"."a""b"');
  });

  test('fails when no part is given', () => {
    expect(() => Sql.qualifiedName()).toThrow(/\[Sql\.qualifiedName\] value: \[\] is not valid\. Pass at least one name part/);
  });

  test('tableName quotes a table with and without a schema', () => {
    // WHEN / THEN
    expect(Sql.tableName('temp_test')).toBe('"temp_test"');
    expect(Sql.tableName('temp_test', 'public')).toBe('"public"."temp_test"');
  });

  test('fails when the schema passed to tableName is not a valid identifier', () => {
    expect(() => Sql.tableName('t', '')).toThrow(/\[Sql\.identifier\] value: "" is not valid/);
  });

  test('identifierList quotes and comma-separates names', () => {
    // WHEN
    const list = Sql.identifierList(['col1', 'Col 2', 'x"y']);

    // THEN
    expect(list).toBe('"col1", "Col 2", "x""y"');
  });

  test('fails when the identifier list is empty', () => {
    expect(() => Sql.identifierList([])).toThrow(/\[Sql\.identifierList\] value: \[\] is not valid\. Pass at least one name/);
  });
});

describe('Sql.literal', () => {
  test('quotes plain text', () => {
    expect(Sql.literal('us-east-1')).toBe("'us-east-1'");
  });

  test('doubles single quotes', () => {
    // WHEN
    const quoted = Sql.literal("O'Brien");

    // THEN
    expect(quoted).toBe("'O''Brien'");
    expect(quoted).toMatch(ONE_LITERAL);
  });

  test('doubles backslashes, so a trailing backslash cannot swallow the closing quote', () => {
    // WHEN
    const trailing = Sql.literal('C:\\temp\\');
    const beforeQuote = Sql.literal("\\'; DROP TABLE t; --");

    // THEN
    expect(trailing).toBe("'C:\\\\temp\\\\'");
    expect(beforeQuote).toBe("'\\\\''; DROP TABLE t; --'");
    expect(trailing).toMatch(ONE_LITERAL);
    expect(beforeQuote).toMatch(ONE_LITERAL);
  });

  test('an injection attempt stays one literal', () => {
    // GIVEN
    const value = "x'; DROP TABLE t; --";

    // WHEN
    const quoted = Sql.literal(value);

    // THEN
    expect(quoted).toBe("'x''; DROP TABLE t; --'");
    expect(quoted).toMatch(ONE_LITERAL);
  });

  test('keeps spaces, double quotes and non-ASCII text as is', () => {
    // WHEN
    const quoted = Sql.literal('日本語 "テスト" 🎉');

    // THEN
    expect(quoted).toBe('\'日本語 "テスト" 🎉\'');
  });

  test('allows tab, line feed and carriage return (multi-line queries)', () => {
    // WHEN
    const quoted = Sql.literal('select 1\r\n\tfrom t -- comment\n');

    // THEN
    expect(quoted).toBe("'select 1\r\n\tfrom t -- comment\n'");
  });

  test('quotes the empty string', () => {
    expect(Sql.literal('')).toBe("''");
  });

  test.each([
    ['NUL', 'a\u0000b'],
    ['bell', 'a\u0007b'],
    ['escape', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u009bb'],
  ])('fails when the text contains a control character (%s)', (_label, value) => {
    expect(() => Sql.literal(value)).toThrow(/\[Sql\.literal\] value: .* is not valid\. String literals may not contain NUL or other control characters/);
  });

  test('fails when the text is not well-formed Unicode', () => {
    expect(() => Sql.literal('\udc00')).toThrow(/unpaired surrogate/);
  });

  test('fails when the text is an unresolved token', () => {
    // GIVEN
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Bucket');

    // WHEN / THEN
    expect(() => Sql.literal(bucket.bucketName)).toThrow(/\(unresolved token\) is not valid\. The value must be known at synth time/);
    expect(() => Sql.literal(`s3://${bucket.bucketName}/`)).toThrow(/must be known at synth time/);
  });
});

describe('libraryLiteral (internal)', () => {
  test('keeps library tokens, which resolve in the template, and escapes the text around them', () => {
    // GIVEN
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const logicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);

    // WHEN
    const literal = libraryLiteral({ text: 's3://' }, { libraryValue: bucket.bucketName }, { text: "/it's\\" });

    // THEN
    expect(stack.resolve(literal)).toEqual({ 'Fn::Join': ['', ["'s3://", { Ref: logicalId }, "/it''s\\\\'"]] });
  });

  test('escapes a library value that is known at synth time', () => {
    // WHEN
    const literal = libraryLiteral({ libraryValue: "imported'bucket" });

    // THEN
    expect(literal).toBe("'imported''bucket'");
  });

  test('fails when a user text part is an unresolved token', () => {
    expect(() => libraryLiteral({ text: Lazy.string({ produce: () => 'x' }) })).toThrow(/must be known at synth time/);
  });

  test('fails when a library value known at synth time contains a control character', () => {
    expect(() => libraryLiteral({ libraryValue: 'a\u0000' })).toThrow(/control characters/);
  });
});
