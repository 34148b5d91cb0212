import { CfnElement, Lazy, Size, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CopyCompression,
  CopyFormat,
  CopyUnloadSql,
  UnloadCompression,
  UnloadFormat,
} from '../../src/copy-unload/copy-unload-sql';
import { IRedshiftDataAccessRole } from '../../src/copy-unload/redshift-data-access-role';

const ROLE_A = 'arn:aws:iam::123456789012:role/RoleA';
const ROLE_B = 'arn:aws:iam::210987654321:role/RoleB';
const SEED_ROLE = 'arn:aws:iam::123456789012:role/redshift-role';

/** A stand-in for RedshiftDataAccessRole: an imported role that carries a chain of ARNs. */
function dataAccessRole(scope: Construct, id: string, chain: string[]): IRedshiftDataAccessRole {
  return Object.assign(iam.Role.fromRoleArn(scope, id, ROLE_A), { roleChainArns: chain });
}

function importedBucket(stack: Stack, name: string): s3.IBucket {
  return s3.Bucket.fromBucketName(stack, `Bucket-${name}`, name);
}

describe('CopyUnloadSql.copyFromS3', () => {
  test('writes the seed article\'s COPY (csv gzip, REGION) with IAM_ROLE instead of CREDENTIALS', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.copyFromS3({
      table: 'temp_test',
      bucket: importedBucket(stack, 'redshift-test-bucket'),
      role: dataAccessRole(stack, 'Role', [SEED_ROLE]),
      format: CopyFormat.CSV,
      compression: CopyCompression.GZIP,
      region: 'us-east-1',
    });

    // THEN
    expect(sql).toBe(
      'COPY "temp_test" FROM \'s3://redshift-test-bucket/\' '
      + 'IAM_ROLE \'arn:aws:iam::123456789012:role/redshift-role\' '
      + 'FORMAT AS CSV GZIP REGION \'us-east-1\'',
    );
  });

  test('writes every option for a realistic load into a schema-qualified table with a role chain', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.copyFromS3({
      table: 'venue',
      schema: 'tickit',
      columns: ['venueid', 'venuename', 'Venue City'],
      bucket: importedBucket(stack, 'amzn-s3-demo-bucket'),
      prefix: 'tickit/venue_pipe_',
      role: dataAccessRole(stack, 'Role', [ROLE_A, ROLE_B]),
      format: CopyFormat.CSV,
      delimiter: '|',
      compression: CopyCompression.BZIP2,
      region: 'us-west-2',
      ignoreHeaderRows: 1,
      dateFormat: 'auto',
      timeFormat: 'YYYY-MM-DD HH:MI:SS',
    });

    // THEN
    expect(sql).toBe(
      'COPY "tickit"."venue" ("venueid", "venuename", "Venue City") '
      + 'FROM \'s3://amzn-s3-demo-bucket/tickit/venue_pipe_\' '
      + 'IAM_ROLE \'arn:aws:iam::123456789012:role/RoleA,arn:aws:iam::210987654321:role/RoleB\' '
      + 'FORMAT AS CSV DELIMITER \'|\' BZIP2 REGION \'us-west-2\' IGNOREHEADER 1 '
      + 'DATEFORMAT \'auto\' TIMEFORMAT \'YYYY-MM-DD HH:MI:SS\'',
    );
  });

  test('uses IAM_ROLE default when no role is given', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.copyFromS3({ table: 'events', bucket: importedBucket(stack, 'my-bucket'), prefix: 'in/' });

    // THEN
    expect(sql).toBe('COPY "events" FROM \'s3://my-bucket/in/\' IAM_ROLE default');
  });

  test.each([
    [CopyFormat.TEXT, ''],
    [CopyFormat.CSV, ' FORMAT AS CSV'],
    [CopyFormat.JSON_AUTO, ' FORMAT AS JSON \'auto\''],
    [CopyFormat.JSON_AUTO_IGNORECASE, ' FORMAT AS JSON \'auto ignorecase\''],
    [CopyFormat.AVRO_AUTO, ' FORMAT AS AVRO \'auto\''],
    [CopyFormat.PARQUET, ' FORMAT AS PARQUET'],
    [CopyFormat.ORC, ' FORMAT AS ORC'],
  ])('writes the FORMAT clause for %s', (format, clause) => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.copyFromS3({ table: 'events', bucket: importedBucket(stack, 'my-bucket'), format });

    // THEN
    expect(sql).toBe(`COPY "events" FROM 's3://my-bucket/' IAM_ROLE default${clause}`);
  });

  test('writes MANIFEST with a manifest key as the prefix', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.copyFromS3({
      table: 'events',
      bucket: importedBucket(stack, 'my-bucket'),
      prefix: 'manifests/events.manifest',
      format: CopyFormat.PARQUET,
      manifest: true,
    });

    // THEN
    expect(sql).toBe('COPY "events" FROM \'s3://my-bucket/manifests/events.manifest\' IAM_ROLE default FORMAT AS PARQUET MANIFEST');
  });

  test('keeps quotes and backslashes in the prefix inside the literal', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), prefix: "x'; DROP TABLE t; --\\" });

    // THEN
    expect(sql).toBe("COPY \"t\" FROM 's3://my-bucket/x''; DROP TABLE t; --\\\\' IAM_ROLE default");
  });

  test('quotes an injection attempt in the table name as one identifier', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.copyFromS3({ table: 'a"; DROP TABLE t; --', bucket: importedBucket(stack, 'my-bucket') });

    // THEN
    expect(sql).toBe('COPY "a""; DROP TABLE t; --" FROM \'s3://my-bucket/\' IAM_ROLE default');
  });

  test('bucket name and role ARN tokens resolve in the stack', () => {
    // GIVEN
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Data');
    const role = new iam.Role(stack, 'Copy', { assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com') });
    const chain = Object.assign(role, { roleChainArns: [role.roleArn, ROLE_B] });

    // WHEN
    const sql = CopyUnloadSql.copyFromS3({ table: 't', bucket, prefix: "in/it's/", role: chain, format: CopyFormat.CSV });

    // THEN
    expect(stack.resolve(sql)).toEqual({
      'Fn::Join': ['', [
        'COPY "t" FROM \'s3://',
        { Ref: stack.getLogicalId(bucket.node.defaultChild as CfnElement) },
        "/in/it''s/' IAM_ROLE '",
        { 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as CfnElement), 'Arn'] },
        `,${ROLE_B}' FORMAT AS CSV`,
      ]],
    });
  });

  test('accepts a chain of 10 roles', () => {
    // GIVEN
    const stack = new Stack();
    const chain = Array.from({ length: 10 }, (_, i) => `arn:aws:iam::123456789012:role/Role${i}`);

    // WHEN
    const sql = CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), role: dataAccessRole(stack, 'Role', chain) });

    // THEN
    expect(sql).toBe(`COPY "t" FROM 's3://my-bucket/' IAM_ROLE '${chain.join(',')}'`);
  });

  test('fails when the role chain has 11 roles', () => {
    // GIVEN
    const stack = new Stack();
    const chain = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::123456789012:role/Role${i}`);

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), role: dataAccessRole(stack, 'Role', chain) }))
      .toThrow(/\[CopyFromS3Options\] role\.roleChainArns: "11 roles" is not valid\. Amazon Redshift chains at most 10 roles/);
  });

  test('fails when the role chain is empty', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), role: dataAccessRole(stack, 'Role', []) }))
      .toThrow(/roleChainArns: \[\] is not valid\. The chain needs at least one role/);
  });

  test('fails when a role ARN contains a comma or a space', () => {
    // GIVEN
    const stack = new Stack();
    const bucket = importedBucket(stack, 'my-bucket');

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({
      table: 't',
      bucket,
      role: dataAccessRole(stack, 'Comma', ['arn:aws:iam::123456789012:role/a,b']),
    })).toThrow(/without commas or spaces/);
    expect(() => CopyUnloadSql.copyFromS3({
      table: 't',
      bucket,
      role: dataAccessRole(stack, 'Space', [`${ROLE_A}, ${ROLE_B}`]),
    })).toThrow(/without commas or spaces/);
  });

  test('fails when the role chain itself is an unresolved list token', () => {
    // GIVEN
    const stack = new Stack();
    const role = dataAccessRole(stack, 'Role', Lazy.list({ produce: () => [ROLE_A] }));

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), role }))
      .toThrow(/roleChainArns: .* is not valid\. The role chain must be a list known at synth time/);
  });

  test('fails when dateFormat is empty', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), dateFormat: '' }))
      .toThrow(/\[CopyFromS3Options\] dateFormat: "" is not valid\. Pass a format string or 'auto'/);
  });

  test('fails when a role chain element is not a role ARN', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({
      table: 't',
      bucket: importedBucket(stack, 'my-bucket'),
      role: dataAccessRole(stack, 'Role', ["arn:aws:iam::123456789012:user/x' --"]),
    })).toThrow(/must be an IAM role ARN/);
  });

  test.each([
    ['compression', { compression: CopyCompression.GZIP }],
    ['delimiter', { delimiter: ',' }],
    ['region', { region: 'us-east-1' }],
    ['ignoreHeaderRows', { ignoreHeaderRows: 1 }],
    ['dateFormat', { dateFormat: 'auto' }],
  ])('fails when %s is combined with PARQUET', (prop, extra) => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), format: CopyFormat.PARQUET, ...extra }))
      .toThrow(new RegExp(`\\[CopyFromS3Options\\] ${prop}: .* is not valid\\. It can't be used with format PARQUET`));
  });

  test('fails when compression is combined with ORC', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), format: CopyFormat.ORC, compression: CopyCompression.ZSTD }))
      .toThrow(/\[CopyFromS3Options\] compression: "ZSTD" is not valid\. It can't be used with format ORC/);
  });

  test('fails when a delimiter is given for JSON data', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), format: CopyFormat.JSON_AUTO, delimiter: ',' }))
      .toThrow(/DELIMITER applies to delimited data only/);
  });

  test('fails when the delimiter is empty', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), delimiter: '' }))
      .toThrow(/\[CopyFromS3Options\] delimiter: "" is not valid/);
  });

  test('fails when ignoreHeaderRows is negative or fractional', () => {
    // GIVEN
    const stack = new Stack();
    const bucket = importedBucket(stack, 'my-bucket');

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket, ignoreHeaderRows: -1 })).toThrow(/ignoreHeaderRows: -1 is not valid/);
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket, ignoreHeaderRows: 1.5 })).toThrow(/ignoreHeaderRows: 1.5 is not valid/);
  });

  test('fails when the prefix is empty or holds a wildcard (the same rule as the grants)', () => {
    const stack = new Stack();
    const bucket = importedBucket(stack, 'my-bucket');
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1', bucket, prefix: '' }))
      .toThrow(/\[UnloadToS3Options\] prefix: "" is not valid\. Omit the prefix for the whole bucket/);
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket, prefix: 'in/*' }))
      .toThrow(/\[CopyFromS3Options\] prefix: "in\/\*" is not valid\. Give the prefix without wildcards/);
  });

  test('fails when the prefix starts with a slash', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), prefix: '/data/' }))
      .toThrow(/\[CopyFromS3Options\] prefix: "\/data\/" is not valid\. An S3 key prefix has no leading '\/'; pass "data\/"/);
  });

  test('fails when the prefix contains a control character', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), prefix: 'data/\n' }))
      .toThrow(/Remove control characters/);
  });

  test('fails when the prefix is longer than an S3 key (1024 bytes)', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), prefix: 'é'.repeat(513) }))
      .toThrow(/An S3 key is at most 1024 bytes of UTF-8/);
  });

  test('fails when the prefix is an unresolved token', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), prefix: Lazy.string({ produce: () => 'x/' }) }))
      .toThrow(/prefix: \(unresolved token\) is not valid\. The prefix must be known at synth time/);
  });

  test('fails when the region is not a Region name', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', bucket: importedBucket(stack, 'my-bucket'), region: "us-east-1' --" }))
      .toThrow(/\[CopyFromS3Options\] region: .* is not valid\. Pass an AWS Region name/);
  });

  test('fails when the table name is a token', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: Lazy.string({ produce: () => 't' }), bucket: importedBucket(stack, 'my-bucket') }))
      .toThrow(/must be known at synth time/);
  });

  test('fails when a column name is empty', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromS3({ table: 't', columns: ['a', ''], bucket: importedBucket(stack, 'my-bucket') }))
      .toThrow(/\[Sql\.identifier\] value: "" is not valid/);
  });
});

describe('CopyUnloadSql.copyFromDynamoDb', () => {
  test('writes the seed article\'s COPY from DynamoDB with READRATIO', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.copyFromDynamoDb({
      table: 'temp_test',
      dynamoDbTable: dynamodb.Table.fromTableName(stack, 'Source', 'redshift-test-20160401'),
      role: dataAccessRole(stack, 'Role', [SEED_ROLE]),
      readRatio: 1,
    });

    // THEN
    expect(sql).toBe(
      'COPY "temp_test" FROM \'dynamodb://redshift-test-20160401\' '
      + 'IAM_ROLE \'arn:aws:iam::123456789012:role/redshift-role\' READRATIO 1',
    );
  });

  test('writes columns, REGION and DATEFORMAT with IAM_ROLE default', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.copyFromDynamoDb({
      table: 'favoritemovies',
      schema: 'public',
      columns: ['title', 'rating'],
      dynamoDbTable: dynamodb.Table.fromTableName(stack, 'Source', 'ProductCatalog'),
      readRatio: 200,
      region: 'us-west-2',
      dateFormat: 'auto',
    });

    // THEN
    expect(sql).toBe(
      'COPY "public"."favoritemovies" ("title", "rating") FROM \'dynamodb://ProductCatalog\' '
      + 'IAM_ROLE default READRATIO 200 REGION \'us-west-2\' DATEFORMAT \'auto\'',
    );
  });

  test('the DynamoDB table name token resolves in the stack', () => {
    // GIVEN
    const stack = new Stack();
    const table = new dynamodb.Table(stack, 'Source', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });

    // WHEN
    const sql = CopyUnloadSql.copyFromDynamoDb({ table: 't', dynamoDbTable: table, readRatio: 25 });

    // THEN
    expect(stack.resolve(sql)).toEqual({
      'Fn::Join': ['', [
        'COPY "t" FROM \'dynamodb://',
        { Ref: stack.getLogicalId(table.node.defaultChild as CfnElement) },
        '\' IAM_ROLE default READRATIO 25',
      ]],
    });
  });

  test.each([0, 201, 1.5, -10, Number.NaN])('fails when readRatio is %p', (readRatio) => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromDynamoDb({
      table: 't',
      dynamoDbTable: dynamodb.Table.fromTableName(stack, 'Source', 'src'),
      readRatio,
    })).toThrow(/\[CopyFromDynamoDbOptions\] readRatio: .* is not valid\. READRATIO is required .* integer from 1 to 200/);
  });

  test('fails when the role chain has 11 roles', () => {
    // GIVEN
    const stack = new Stack();
    const chain = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::123456789012:role/Role${i}`);

    // WHEN / THEN
    expect(() => CopyUnloadSql.copyFromDynamoDb({
      table: 't',
      dynamoDbTable: dynamodb.Table.fromTableName(stack, 'Source', 'src'),
      readRatio: 1,
      role: dataAccessRole(stack, 'Role', chain),
    })).toThrow(/\[CopyFromDynamoDbOptions\] role\.roleChainArns: .* at most 10 roles/);
  });
});

describe('CopyUnloadSql.unloadToS3', () => {
  test('writes a realistic Parquet UNLOAD with a role chain, partitions, KMS encryption and a manifest', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.unloadToS3({
      query: "select * from venue where venuestate = 'NV'",
      bucket: importedBucket(stack, 'amzn-s3-demo-bucket'),
      prefix: 'unload/venue_',
      role: dataAccessRole(stack, 'Role', [ROLE_A, ROLE_B]),
      format: UnloadFormat.PARQUET,
      partitionBy: ['venuecity'],
      includePartitionColumns: true,
      maxFileSize: Size.mebibytes(256),
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      manifest: true,
      allowOverwrite: true,
    });

    // THEN
    expect(sql).toBe(
      'UNLOAD (\'select * from venue where venuestate = \'\'NV\'\'\') '
      + 'TO \'s3://amzn-s3-demo-bucket/unload/venue_\' '
      + 'IAM_ROLE \'arn:aws:iam::123456789012:role/RoleA,arn:aws:iam::210987654321:role/RoleB\' '
      + 'FORMAT AS PARQUET PARTITION BY ("venuecity") INCLUDE MAXFILESIZE 256 MB '
      + 'KMS_KEY_ID \'1234abcd-12ab-34cd-56ef-1234567890ab\' ENCRYPTED MANIFEST ALLOWOVERWRITE',
    );
  });

  test('writes a CSV UNLOAD with HEADER, GZIP, PARALLEL OFF, CLEANPATH and REGION', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.unloadToS3({
      query: 'select venueid, venuename\nfrom venue\norder by venueid',
      bucket: importedBucket(stack, 'my-bucket'),
      prefix: 'unload/',
      format: UnloadFormat.CSV,
      header: true,
      compression: UnloadCompression.GZIP,
      parallel: false,
      cleanPath: true,
      region: 'eu-west-1',
    });

    // THEN
    expect(sql).toBe(
      'UNLOAD (\'select venueid, venuename\nfrom venue\norder by venueid\') TO \'s3://my-bucket/unload/\' IAM_ROLE default '
      + 'FORMAT AS CSV HEADER GZIP PARALLEL OFF CLEANPATH REGION \'eu-west-1\'',
    );
  });

  test('writes the smallest UNLOAD: pipe-delimited text to the bucket root with IAM_ROLE default', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.unloadToS3({ query: 'select * from venue', bucket: importedBucket(stack, 'my-bucket') });

    // THEN
    expect(sql).toBe('UNLOAD (\'select * from venue\') TO \'s3://my-bucket/\' IAM_ROLE default');
  });

  test('JSON with ZSTD and PARALLEL ON (the default) writes no PARALLEL clause', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.unloadToS3({
      query: 'select 1',
      bucket: importedBucket(stack, 'my-bucket'),
      format: UnloadFormat.JSON,
      compression: UnloadCompression.ZSTD,
      parallel: true,
    });

    // THEN
    expect(sql).toBe('UNLOAD (\'select 1\') TO \'s3://my-bucket/\' IAM_ROLE default FORMAT AS JSON ZSTD');
  });

  test('an injection attempt in the query stays inside the query literal', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN
    const sql = CopyUnloadSql.unloadToS3({ query: "select 'x'); DROP TABLE t; --\\", bucket: importedBucket(stack, 'my-bucket') });

    // THEN
    expect(sql).toBe("UNLOAD ('select ''x''); DROP TABLE t; --\\\\') TO 's3://my-bucket/' IAM_ROLE default");
  });

  test('bucket, role and KMS key tokens resolve in the stack', () => {
    // GIVEN
    const stack = new Stack();
    const bucket = new s3.Bucket(stack, 'Out');
    const key = new kms.Key(stack, 'Key');
    const role = new iam.Role(stack, 'Unload', { assumedBy: new iam.ServicePrincipal('redshift.amazonaws.com') });
    const chain = Object.assign(role, { roleChainArns: [role.roleArn] });

    // WHEN
    const sql = CopyUnloadSql.unloadToS3({ query: 'select 1', bucket, prefix: 'out/', role: chain, encryptionKey: key });

    // THEN
    expect(stack.resolve(sql)).toEqual({
      'Fn::Join': ['', [
        'UNLOAD (\'select 1\') TO \'s3://',
        { Ref: stack.getLogicalId(bucket.node.defaultChild as CfnElement) },
        '/out/\' IAM_ROLE \'',
        { 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as CfnElement), 'Arn'] },
        '\' KMS_KEY_ID \'',
        { Ref: stack.getLogicalId(key.node.defaultChild as CfnElement) },
        '\' ENCRYPTED',
      ]],
    });
  });

  test('fails when HEADER is combined with PARQUET', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1', bucket: importedBucket(stack, 'my-bucket'), format: UnloadFormat.PARQUET, header: true }))
      .toThrow(/\[UnloadToS3Options\] header: true is not valid\. UNLOAD can't use HEADER with PARQUET; remove header, or unload as CSV or TEXT/);
  });

  test('fails when HEADER is combined with JSON', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1', bucket: importedBucket(stack, 'my-bucket'), format: UnloadFormat.JSON, header: true }))
      .toThrow(/UNLOAD can't use HEADER with JSON/);
  });

  test('fails when compression is combined with PARQUET', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1', bucket: importedBucket(stack, 'my-bucket'), format: UnloadFormat.PARQUET, compression: UnloadCompression.GZIP }))
      .toThrow(/\[UnloadToS3Options\] compression: "GZIP" is not valid\. UNLOAD can't compress PARQUET files/);
  });

  test('fails when CLEANPATH is combined with ALLOWOVERWRITE', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1', bucket: importedBucket(stack, 'my-bucket'), allowOverwrite: true, cleanPath: true }))
      .toThrow(/can't use CLEANPATH together with ALLOWOVERWRITE/);
  });

  test('fails when includePartitionColumns is set without partitionBy', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1', bucket: importedBucket(stack, 'my-bucket'), includePartitionColumns: true }))
      .toThrow(/INCLUDE is part of PARTITION BY; set partitionBy too/);
  });

  test('fails when partitionBy is empty', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1', bucket: importedBucket(stack, 'my-bucket'), partitionBy: [] }))
      .toThrow(/\[Sql\.identifierList\] value: \[\] is not valid/);
  });

  test.each([Size.mebibytes(4), Size.gibibytes(7)])('fails when maxFileSize is out of range (%s)', (maxFileSize) => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1', bucket: importedBucket(stack, 'my-bucket'), maxFileSize }))
      .toThrow(/\[UnloadToS3Options\] maxFileSize: .* MB" is not valid\. MAXFILESIZE must be from 5 MB to 6\.2 GB/);
  });

  test('fails when the query is empty', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: '  ', bucket: importedBucket(stack, 'my-bucket') }))
      .toThrow(/\[UnloadToS3Options\] query: "  " is not valid\. Pass the SELECT statement to unload/);
  });

  test('fails when the query contains NUL', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1\u0000', bucket: importedBucket(stack, 'my-bucket') }))
      .toThrow(/String literals may not contain NUL/);
  });

  test('fails when the query is an unresolved token', () => {
    // GIVEN
    const stack = new Stack();

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: Lazy.string({ produce: () => 'select 1' }), bucket: importedBucket(stack, 'my-bucket') }))
      .toThrow(/must be known at synth time/);
  });

  test('fails when the role chain has 11 roles', () => {
    // GIVEN
    const stack = new Stack();
    const chain = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::123456789012:role/Role${i}`);

    // WHEN / THEN
    expect(() => CopyUnloadSql.unloadToS3({ query: 'select 1', bucket: importedBucket(stack, 'my-bucket'), role: dataAccessRole(stack, 'Role', chain) }))
      .toThrow(/\[UnloadToS3Options\] role\.roleChainArns: .* at most 10 roles/);
  });
});
