import { Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IRedshiftDataAccessRole } from './redshift-data-access-role';
import { MAX_ROLE_CHAIN_LENGTH } from '../core/private/limits';
import { checkS3KeyPrefix } from '../core/private/s3-prefix';
import { libraryLiteral } from '../core/private/sql-text';
import { validationError } from '../core/private/validation';
import { Sql } from '../core/sql';

/** Bounds of UNLOAD's MAXFILESIZE: 5 MB to 6.2 GB (taken as 6200 MB, the lower reading of "GB"). */
const MIN_MAX_FILE_SIZE_MB = 5;
const MAX_MAX_FILE_SIZE_MB = 6200;

/** A resolved IAM role ARN that can stand in a comma-separated `IAM_ROLE` chain. */
const ROLE_ARN = /^arn:[a-z][a-z0-9-]*:iam::\d{12}:role\/[^,\s]+$/;

/** An AWS Region name such as `us-east-1` or `us-gov-west-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;


/**
 * The format of the files COPY reads.
 *
 * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-format.html
 */
export enum CopyFormat {
  /** Character-delimited UTF-8 text, COPY's default (pipe-delimited unless `delimiter` is set). No FORMAT keyword is written. */
  TEXT = 'TEXT',
  /** `FORMAT AS CSV`: comma-separated values with `"` quoting. */
  CSV = 'CSV',
  /** `FORMAT AS JSON 'auto'`: object keys matched to column names (lowercase). */
  JSON_AUTO = 'JSON_AUTO',
  /** `FORMAT AS JSON 'auto ignorecase'`: object keys matched to column names, ignoring case. */
  JSON_AUTO_IGNORECASE = 'JSON_AUTO_IGNORECASE',
  /** `FORMAT AS AVRO 'auto'`: Avro field names matched to column names. */
  AVRO_AUTO = 'AVRO_AUTO',
  /**
   * `FORMAT AS PARQUET`. Columnar: COPY accepts no compression, delimiter, header, date/time
   * format or REGION option with it, and the bucket must be in the warehouse's Region.
   *
   * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
   */
  PARQUET = 'PARQUET',
  /**
   * `FORMAT AS ORC`. Columnar, with the same limits as `PARQUET`.
   *
   * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-columnar.html
   */
  ORC = 'ORC',
}

/**
 * How the files COPY reads are compressed.
 *
 * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-file-compression.html
 */
export enum CopyCompression {
  /** gzip (`.gz` files). */
  GZIP = 'GZIP',
  /** bzip2 (`.bz2` files). */
  BZIP2 = 'BZIP2',
  /** lzop (`.lzo` files; not `lzop --filter`). */
  LZOP = 'LZOP',
  /** Zstandard (`.zst` files). */
  ZSTD = 'ZSTD',
}

/**
 * The format of the files UNLOAD writes.
 *
 * @see https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
 */
export enum UnloadFormat {
  /** Pipe-delimited text, UNLOAD's default. No FORMAT keyword is written. */
  TEXT = 'TEXT',
  /** `FORMAT AS CSV`. */
  CSV = 'CSV',
  /** `FORMAT AS JSON`: one JSON object per line. HEADER is not allowed. */
  JSON = 'JSON',
  /** `FORMAT AS PARQUET`: SNAPPY-compressed row groups. HEADER and file compression are not allowed. */
  PARQUET = 'PARQUET',
}

/**
 * How UNLOAD compresses the files it writes (text, CSV and JSON only).
 *
 * @see https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
 */
export enum UnloadCompression {
  /** gzip (`.gz`). */
  GZIP = 'GZIP',
  /** bzip2 (`.bz2`). */
  BZIP2 = 'BZIP2',
  /** Zstandard (`.zst`). */
  ZSTD = 'ZSTD',
}

/**
 * Options shared by every COPY: the Redshift table to load, the role and the conversions.
 */
export interface CopyIntoTableOptions {
  /**
   * The Amazon Redshift table to load. Quoted as an identifier.
   */
  readonly table: string;

  /**
   * The schema of `table`. Quoted as an identifier.
   *
   * @default - no schema: Redshift finds the table through the session's `search_path`
   */
  readonly schema?: string;

  /**
   * The table's columns to load, in the order of the fields in the data. Each is quoted as an
   * identifier.
   *
   * @default - all columns of the table, in table order
   * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-column-mapping.html
   */
  readonly columns?: string[];

  /**
   * The role (or role chain) Redshift uses to read the data: `IAM_ROLE 'arn1,arn2'`, the
   * role's `roleChainArns` joined with commas. The first role must be attached to the
   * warehouse; at most 10 roles.
   *
   * @default - `IAM_ROLE default`: the warehouse's default IAM role
   * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-authorization.html
   */
  readonly role?: IRedshiftDataAccessRole;

  /**
   * The AWS Region of the source, when it is not the warehouse's Region: `REGION 'us-east-1'`.
   *
   * @default - the warehouse's Region
   */
  readonly region?: string;

  /**
   * `DATEFORMAT`: the format of DATE values in the data, or `'auto'`.
   *
   * @default - `'YYYY-MM-DD'` (Redshift's default)
   * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-conversion.html
   */
  readonly dateFormat?: string;

  /**
   * `TIMEFORMAT`: the format of TIMESTAMP values in the data, or `'auto'`.
   *
   * @default - `'YYYY-MM-DD HH:MI:SS'` (Redshift's default)
   * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-conversion.html
   */
  readonly timeFormat?: string;
}

/**
 * Options for `CopyUnloadSql.copyFromS3`.
 */
export interface CopyFromS3Options extends CopyIntoTableOptions {
  /**
   * The bucket to load from. Its name may be a CDK token; it resolves in the template.
   */
  readonly bucket: s3.IBucket;

  /**
   * The S3 key prefix to load: every object whose key starts with it. With `manifest`, the key
   * of the manifest file. No leading `/`.
   *
   * @default '' - every object in the bucket
   */
  readonly prefix?: string;

  /**
   * The format of the files.
   *
   * @default CopyFormat.TEXT
   */
  readonly format?: CopyFormat;

  /**
   * `DELIMITER`: the field delimiter of `TEXT` or `CSV` data. Pass the character itself (for a
   * tab, a string holding a tab character).
   *
   * @default - `|` for TEXT, `,` for CSV
   */
  readonly delimiter?: string;

  /**
   * `IGNOREHEADER`: how many header rows to skip at the top of each file.
   *
   * @default 0
   */
  readonly ignoreHeaderRows?: number;

  /**
   * How the files are compressed: `GZIP`, `BZIP2`, `LZOP` or `ZSTD`. Not for PARQUET or ORC.
   *
   * @default - the files are not compressed
   */
  readonly compression?: CopyCompression;

  /**
   * `MANIFEST`: `prefix` is the key of a manifest file that lists the files to load.
   *
   * @default false
   */
  readonly manifest?: boolean;
}

/**
 * Options for `CopyUnloadSql.copyFromDynamoDb`.
 */
export interface CopyFromDynamoDbOptions extends CopyIntoTableOptions {
  /**
   * The DynamoDB table to load from (`FROM 'dynamodb://<name>'`). Its name may be a CDK token.
   */
  readonly dynamoDbTable: dynamodb.ITable;

  /**
   * `READRATIO`: the percentage of the table's provisioned read throughput that COPY may use,
   * an integer from 1 to 200. Required by Redshift for COPY from DynamoDB; keep it below the
   * table's average unused throughput (100 or more uses all of it).
   *
   * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-dynamodb.html
   */
  readonly readRatio: number;
}

/**
 * Options for `CopyUnloadSql.unloadToS3`.
 */
export interface UnloadToS3Options {
  /**
   * The SELECT statement whose result is unloaded. It is passed to UNLOAD as a string literal,
   * so quotes inside it need no escaping by the caller. The outer SELECT can't use LIMIT.
   */
  readonly query: string;

  /**
   * The bucket to write to. Its name may be a CDK token; it resolves in the template.
   */
  readonly bucket: s3.IBucket;

  /**
   * The S3 key prefix of the files written (UNLOAD appends slice and part numbers). No
   * leading `/`.
   *
   * @default '' - the files are written at the root of the bucket
   */
  readonly prefix?: string;

  /**
   * The role (or role chain) Redshift uses to write: `IAM_ROLE 'arn1,arn2'`. The first role
   * must be attached to the warehouse; at most 10 roles.
   *
   * @default - `IAM_ROLE default`: the warehouse's default IAM role
   */
  readonly role?: IRedshiftDataAccessRole;

  /**
   * The format of the files written.
   *
   * @default UnloadFormat.TEXT
   */
  readonly format?: UnloadFormat;

  /**
   * `PARTITION BY`: columns of the query result that become Hive-style partition folders.
   *
   * @default - no partitioning
   */
  readonly partitionBy?: string[];

  /**
   * `INCLUDE`: keep the partition columns in the files too. Requires `partitionBy`.
   *
   * @default false
   */
  readonly includePartitionColumns?: boolean;

  /**
   * `HEADER`: write a header line with the column names. TEXT and CSV only.
   *
   * @default false
   */
  readonly header?: boolean;

  /**
   * How to compress the files. TEXT, CSV and JSON only.
   *
   * @default - the files are not compressed
   */
  readonly compression?: UnloadCompression;

  /**
   * Write in parallel, one or more files per slice. `false` writes `PARALLEL OFF`: files are
   * written serially, in the query's ORDER BY order.
   *
   * @default true
   */
  readonly parallel?: boolean;

  /**
   * `MAXFILESIZE`: the largest file UNLOAD writes, from 5 MB to 6.2 GB (written in MB).
   *
   * @default - 6.2 GB (Redshift's default)
   */
  readonly maxFileSize?: Size;

  /**
   * `KMS_KEY_ID '<key id>' ENCRYPTED`: encrypt the files with this KMS key (SSE-KMS).
   *
   * @default - SSE-S3, UNLOAD's default encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * `MANIFEST`: also write a manifest file listing the files.
   *
   * @default false
   */
  readonly manifest?: boolean;

  /**
   * `ALLOWOVERWRITE`: overwrite existing files instead of failing. Can't be combined with
   * `cleanPath`.
   *
   * @default false
   */
  readonly allowOverwrite?: boolean;

  /**
   * `CLEANPATH`: delete the files under the prefix before writing (needs `s3:DeleteObject`).
   * Can't be combined with `allowOverwrite`.
   *
   * @default false
   */
  readonly cleanPath?: boolean;

  /**
   * The AWS Region of the bucket, when it is not the warehouse's Region: `REGION 'us-east-1'`.
   *
   * @default - the warehouse's Region
   */
  readonly region?: string;
}

/**
 * Builds Amazon Redshift COPY and UNLOAD statements that use an IAM role, replacing
 * hand-written `CREDENTIALS 'aws_iam_role=...'` clauses.
 *
 * Every identifier and string literal goes through `Sql`; role ARNs, bucket, table and key
 * names read from constructs may be CDK tokens and resolve in the template (for example as
 * `Fn::Join` when the statement is passed to a custom resource). Options that Redshift
 * documents as failing together are refused at synth time. The statements have no trailing
 * semicolon.
 *
 * @example
 * declare const bucket: s3.IBucket;
 * declare const role: IRedshiftDataAccessRole;
 * const sql = CopyUnloadSql.copyFromS3({
 *   table: 'temp_test',
 *   bucket,
 *   role,
 *   format: CopyFormat.CSV,
 *   compression: CopyCompression.GZIP,
 *   region: 'us-east-1',
 * });
 *
 * @see https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
 * @see https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
 */
export class CopyUnloadSql {
  /**
   * `COPY <table> [(<columns>)] FROM 's3://<bucket>/<prefix>' IAM_ROLE ... [options]`.
   *
   * @param options what to load and how.
   * @returns the COPY statement.
   * @throws if an option is not valid or options conflict (for example compression with PARQUET).
   * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-s3.html
   */
  public static copyFromS3(options: CopyFromS3Options): string {
    const where = 'CopyFromS3Options';
    const format = options.format ?? CopyFormat.TEXT;
    const columnar = format === CopyFormat.PARQUET || format === CopyFormat.ORC;
    const ignoreHeaderRows = options.ignoreHeaderRows ?? 0;

    if (columnar) {
      const fix = `COPY from ${format} supports only FROM, IAM_ROLE, MANIFEST and a few load options (see "COPY from columnar data formats"); remove it, or use a text format.`;
      for (const [prop, value] of [
        ['compression', options.compression],
        ['delimiter', options.delimiter],
        ['region', options.region],
        ['dateFormat', options.dateFormat],
        ['timeFormat', options.timeFormat],
      ] as const) {
        if (value !== undefined) {
          throw optionError(`${where}.${prop}`, value, `It can't be used with format ${format}: ${fix}`);
        }
      }
      if (ignoreHeaderRows !== 0) {
        throw optionError(`${where}.ignoreHeaderRows`, ignoreHeaderRows, `It can't be used with format ${format}: ${fix}`);
      }
    }
    if (options.delimiter !== undefined) {
      if (format !== CopyFormat.TEXT && format !== CopyFormat.CSV) {
        throw optionError(`${where}.delimiter`, options.delimiter, `DELIMITER applies to delimited data only; use format TEXT or CSV, or remove the delimiter (format is ${format}).`);
      }
      if (options.delimiter.length === 0) {
        throw optionError(`${where}.delimiter`, options.delimiter, 'Pass the delimiter character, such as \',\' or \'|\', or omit the option for the default.');
      }
    }
    requireInteger(`${where}.ignoreHeaderRows`, ignoreHeaderRows, 0, Number.MAX_SAFE_INTEGER, 'Pass the number of header rows to skip (0 or more).');

    const clauses = [
      `COPY ${target(options)}`,
      `FROM ${s3Url(where, options.bucket, options.prefix)}`,
      iamRole(where, options.role),
      ...copyFormat(format),
    ];
    if (options.delimiter !== undefined) {
      clauses.push(`DELIMITER ${Sql.literal(options.delimiter)}`);
    }
    if (options.compression !== undefined) {
      clauses.push(options.compression);
    }
    clauses.push(...regionClause(`${where}.region`, options.region));
    if (ignoreHeaderRows > 0) {
      clauses.push(`IGNOREHEADER ${ignoreHeaderRows}`);
    }
    clauses.push(...conversions(where, options));
    if (options.manifest) {
      clauses.push('MANIFEST');
    }
    return clauses.join(' ');
  }

  /**
   * `COPY <table> [(<columns>)] FROM 'dynamodb://<table name>' IAM_ROLE ... READRATIO <n> [options]`.
   *
   * @param options what to load and how.
   * @returns the COPY statement.
   * @throws if `readRatio` is not an integer from 1 to 200, or another option is not valid.
   * @see https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-source-dynamodb.html
   */
  public static copyFromDynamoDb(options: CopyFromDynamoDbOptions): string {
    const where = 'CopyFromDynamoDbOptions';
    requireInteger(`${where}.readRatio`, options.readRatio, 1, 200, 'READRATIO is required for COPY from DynamoDB and must be an integer from 1 to 200 (a percentage of the table\'s provisioned read throughput).');

    const clauses = [
      `COPY ${target(options)}`,
      `FROM ${libraryLiteral({ text: 'dynamodb://' }, { libraryValue: options.dynamoDbTable.tableName })}`,
      iamRole(where, options.role),
      `READRATIO ${options.readRatio}`,
      ...regionClause(`${where}.region`, options.region),
      ...conversions(where, options),
    ];
    return clauses.join(' ');
  }

  /**
   * `UNLOAD ('<query>') TO 's3://<bucket>/<prefix>' IAM_ROLE ... [options]`.
   *
   * @param options what to unload and how.
   * @returns the UNLOAD statement.
   * @throws if an option is not valid or options conflict (for example HEADER with PARQUET).
   * @see https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html
   */
  public static unloadToS3(options: UnloadToS3Options): string {
    const where = 'UnloadToS3Options';
    const format = options.format ?? UnloadFormat.TEXT;

    if (typeof options.query !== 'string' || (!Token.isUnresolved(options.query) && options.query.trim().length === 0)) {
      throw optionError(`${where}.query`, options.query, 'Pass the SELECT statement to unload.');
    }
    if (options.header && (format === UnloadFormat.PARQUET || format === UnloadFormat.JSON)) {
      throw optionError(`${where}.header`, options.header, `UNLOAD can't use HEADER with ${format}; remove header, or unload as CSV or TEXT.`);
    }
    if (options.compression !== undefined && format === UnloadFormat.PARQUET) {
      throw optionError(`${where}.compression`, options.compression, 'UNLOAD can\'t compress PARQUET files (row groups are always SNAPPY-compressed); remove compression, or unload as CSV, JSON or TEXT.');
    }
    if (options.includePartitionColumns && options.partitionBy === undefined) {
      throw optionError(`${where}.includePartitionColumns`, options.includePartitionColumns, 'INCLUDE is part of PARTITION BY; set partitionBy too, or remove includePartitionColumns.');
    }
    if (options.allowOverwrite && options.cleanPath) {
      throw optionError(`${where}.cleanPath`, options.cleanPath, 'UNLOAD can\'t use CLEANPATH together with ALLOWOVERWRITE; keep one of cleanPath and allowOverwrite.');
    }

    const clauses = [
      `UNLOAD (${Sql.literal(options.query)})`,
      `TO ${s3Url(where, options.bucket, options.prefix)}`,
      iamRole(where, options.role),
    ];
    if (format !== UnloadFormat.TEXT) {
      clauses.push(`FORMAT AS ${format}`);
    }
    if (options.partitionBy !== undefined) {
      clauses.push(`PARTITION BY (${Sql.identifierList(options.partitionBy)})${options.includePartitionColumns ? ' INCLUDE' : ''}`);
    }
    if (options.header) {
      clauses.push('HEADER');
    }
    if (options.compression !== undefined) {
      clauses.push(options.compression);
    }
    if (options.parallel === false) {
      clauses.push('PARALLEL OFF');
    }
    if (options.maxFileSize !== undefined) {
      clauses.push(`MAXFILESIZE ${maxFileSizeMb(`${where}.maxFileSize`, options.maxFileSize)} MB`);
    }
    if (options.encryptionKey !== undefined) {
      clauses.push(`KMS_KEY_ID ${libraryLiteral({ libraryValue: options.encryptionKey.keyId })} ENCRYPTED`);
    }
    if (options.manifest) {
      clauses.push('MANIFEST');
    }
    if (options.allowOverwrite) {
      clauses.push('ALLOWOVERWRITE');
    }
    if (options.cleanPath) {
      clauses.push('CLEANPATH');
    }
    clauses.push(...regionClause(`${where}.region`, options.region));
    return clauses.join(' ');
  }

  private constructor() {}
}

/** `"schema"."table" ("a", "b")`. */
function target(options: CopyIntoTableOptions): string {
  const table = Sql.tableName(options.table, options.schema);
  return options.columns === undefined ? table : `${table} (${Sql.identifierList(options.columns)})`;
}

/** `'s3://<bucket>/<prefix>'`; the bucket name may be a token, the prefix is checked and escaped. */
function s3Url(where: string, bucket: s3.IBucket, prefix: string | undefined): string {
  if (prefix !== undefined) {
    checkS3KeyPrefix(where, 'prefix', prefix, false);
  }
  return libraryLiteral({ text: 's3://' }, { libraryValue: bucket.bucketName }, { text: `/${prefix ?? ''}` });
}

/** `IAM_ROLE default` or `IAM_ROLE 'arn1,arn2'` (gotcha G9: at most 10 roles, comma-separated, no spaces). */
function iamRole(where: string, role: IRedshiftDataAccessRole | undefined): string {
  if (role === undefined) {
    return 'IAM_ROLE default';
  }
  const prop = `${where}.role.roleChainArns`;
  const chain = role.roleChainArns;
  if (Token.isUnresolved(chain)) {
    throw optionError(prop, chain, 'The role chain must be a list known at synth time (its elements may be tokens); pass the roles\' ARNs as a list.');
  }
  if (chain.length === 0) {
    throw optionError(prop, chain, 'The chain needs at least one role: the role attached to the warehouse.');
  }
  if (chain.length > MAX_ROLE_CHAIN_LENGTH) {
    throw optionError(prop, `${chain.length} roles`, `Amazon Redshift chains at most ${MAX_ROLE_CHAIN_LENGTH} roles in IAM_ROLE; shorten the chain (the first role is attached to the warehouse, each later role trusts the one before it).`);
  }
  for (const arn of chain) {
    if (!Token.isUnresolved(arn) && !ROLE_ARN.test(arn)) {
      throw optionError(prop, arn, 'Each element must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>) without commas or spaces: IAM_ROLE separates chained roles with commas and allows no spaces.');
    }
  }
  const parts = chain.flatMap((arn, i) => (i === 0 ? [{ libraryValue: arn }] : [{ text: ',' }, { libraryValue: arn }]));
  return `IAM_ROLE ${libraryLiteral(...parts)}`;
}

/** The FORMAT clause of COPY, empty for delimited text. */
function copyFormat(format: CopyFormat): string[] {
  switch (format) {
    case CopyFormat.TEXT:
      return [];
    case CopyFormat.CSV:
      return ['FORMAT AS CSV'];
    case CopyFormat.JSON_AUTO:
      return [`FORMAT AS JSON ${Sql.literal('auto')}`];
    case CopyFormat.JSON_AUTO_IGNORECASE:
      return [`FORMAT AS JSON ${Sql.literal('auto ignorecase')}`];
    case CopyFormat.AVRO_AUTO:
      return [`FORMAT AS AVRO ${Sql.literal('auto')}`];
    case CopyFormat.PARQUET:
      return ['FORMAT AS PARQUET'];
    case CopyFormat.ORC:
      return ['FORMAT AS ORC'];
    default:
      throw optionError('CopyFromS3Options.format', format, 'Use one of the CopyFormat values.');
  }
}

function regionClause(prop: string, region: string | undefined): string[] {
  if (region === undefined) {
    return [];
  }
  if (Token.isUnresolved(region) || !REGION.test(region)) {
    throw optionError(prop, region, 'Pass an AWS Region name known at synth time, such as \'us-east-1\'.');
  }
  return [`REGION ${Sql.literal(region)}`];
}

function conversions(where: string, options: CopyIntoTableOptions): string[] {
  const clauses: string[] = [];
  for (const [prop, keyword, value] of [
    ['dateFormat', 'DATEFORMAT', options.dateFormat],
    ['timeFormat', 'TIMEFORMAT', options.timeFormat],
  ] as const) {
    if (value === undefined) {
      continue;
    }
    if (value.length === 0) {
      throw optionError(`${where}.${prop}`, value, `Pass a format string or 'auto', or omit ${prop} for Redshift's default.`);
    }
    clauses.push(`${keyword} ${Sql.literal(value)}`);
  }
  return clauses;
}

function maxFileSizeMb(prop: string, size: Size): string {
  const mb = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (Token.isUnresolved(mb) || !Number.isFinite(mb) || mb < MIN_MAX_FILE_SIZE_MB || mb > MAX_MAX_FILE_SIZE_MB) {
    throw optionError(prop, `${mb} MB`, `MAXFILESIZE must be from ${MIN_MAX_FILE_SIZE_MB} MB to 6.2 GB (${MAX_MAX_FILE_SIZE_MB} MB here), known at synth time.`);
  }
  return String(mb);
}

function requireInteger(prop: string, value: number, min: number, max: number, fix: string): void {
  if (Token.isUnresolved(value) || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(prop, value, fix);
  }
}

/** An error that names the option, the value received and the fix (the library's validation style, without a construct scope). */
/** `prop` is `<method>.<option>`: the method stands where a construct path would. */
function optionError(prop: string, value: unknown, fix: string): Error {
  const dot = prop.indexOf('.');
  return dot < 0 ? validationError(prop, 'value', value, fix) : validationError(prop.slice(0, dot), prop.slice(dot + 1), value, fix);
}
