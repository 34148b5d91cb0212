import * as fs from 'fs';
import * as path from 'path';
import {
  BENCH_STACK_NAME, IAM_LIMITS, IAM_SIZES_NOTE, iamPolicyChars, IamSizeRow, iamSizesTable, MEASURED_CONSTRUCTS, measureIamSizes, N_VALUES,
  SizedTemplate,
} from '../../bench/iam-sizes';
import * as lib from '../../src';

// Benchmark 4 of issue 8: IAM document sizes. These tests check the counting against hand-computed values, the
// coverage of the measurement against the source, and the library's own claims; none is derived from the
// measured numbers themselves.

/** The hand-written document of the counting tests. Counted by hand, without whitespace:
 *  {  "Version" : "2012-10-17" ,  "Statement" : [  {  "Effect" : "Allow" ,  "Action" : "s3:GetObject" ,  "Resource" : "*"  }  ]  }
 *  1 +   9    1 +     12     1 +    11     1  1  1 +   8    1 +   7   1 +   8    1 +     14       1 +    10    1 +  3  1  1  1  = 96
 */
const DOCUMENT = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const DOCUMENT_CHARS = 96;

const PRETTY_DOCUMENT = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect":   "Allow",
            "Action":   "s3:GetObject",
            "Resource": "*"
        }
    ]
}`;

let rows: IamSizeRow[];

beforeAll(() => {
  rows = measureIamSizes();
}, 600_000);

describe('counting as IAM counts', () => {
  test('a hand-written policy is 96 characters, compact, pretty-printed or as an object', () => {
    expect(iamPolicyChars(JSON.stringify(DOCUMENT))).toBe(DOCUMENT_CHARS);
    expect(iamPolicyChars(PRETTY_DOCUMENT)).toBe(DOCUMENT_CHARS);
    expect(iamPolicyChars(JSON.stringify(DOCUMENT, null, '\t'))).toBe(DOCUMENT_CHARS);
    expect(iamPolicyChars(DOCUMENT)).toBe(DOCUMENT_CHARS);
  });

  test('no kind of whitespace is counted: {"Effect":"Allow"} is 18', () => {
    // { 1, "Effect" 8, : 1, "Allow" 7, } 1
    expect(iamPolicyChars('{\r\n\t"Effect" :\u00a0"Allow"\n}')).toBe(18);
  });

  test('intrinsics are resolved to concrete values before counting', () => {
    const template = new SizedTemplate({ Resources: { Data: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'my-bucket' } } } });
    // {"Resource":"arn:aws:s3:::my-bucket/*"}: 1 + 10 + 1 + (13 + 9 + 2 + 2 quotes) + 1 = 39
    expect(template.documentChars({ Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Data' }, '/*']] } })).toBe(39);
    // {"Resource":"arn:aws:logs:us-east-1:111111111111:log-group:x"}: 1 + 10 + 1 + (4 + 4 + 5 + 10 + 13 + 10 + 1 + 2 quotes) + 1 = 62
    expect(template.documentChars({ Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:x' } })).toBe(62);
  });

  test('an intrinsic the resolver does not know fails instead of being guessed', () => {
    const template = new SizedTemplate({ Resources: {} });
    expect(() => template.documentChars({ Resource: { 'Fn::GetAZs': '' } })).toThrow(/unsupported intrinsic Fn::GetAZs/);
  });

  test('a role without a name gets the name CloudFormation would generate: <stack>-<logical id>-<13 characters>, at most 64', () => {
    const template = new SizedTemplate({
      Resources: {
        Short: { Type: 'AWS::IAM::Role', Properties: {} },
        AVeryLongLogicalIdOfARoleThatCloudFormationMustCutShort0123456789: { Type: 'AWS::IAM::Role', Properties: {} },
      },
    });
    const arnOf = (id: string) => ({ Resource: { 'Fn::GetAtt': [id, 'Arn'] } });
    // "arn:aws:iam::111111111111:role/" is 31; "AnalyticsAccessBench-Short-" 27 + 13 = 40; {"Resource":"…"} adds 1 + 10 + 1 + 2 + 1 = 15
    expect(BENCH_STACK_NAME).toBe('AnalyticsAccessBench');
    expect(template.documentChars(arnOf('Short'))).toBe(15 + 31 + 40);
    // cut to the 64 characters of a role name
    expect(template.documentChars(arnOf('AVeryLongLogicalIdOfARoleThatCloudFormationMustCutShort0123456789'))).toBe(15 + 31 + 64);
  });

  test('a role counts its own Policies and the AWS::IAM::Policy attached to it as inline, and its managed policies apart', () => {
    const allow = (action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
    // allow('s3:GetObject') is DOCUMENT (96); each further character of the action adds one:
    // s3:GetObjectVersion +7, s3:PutObjectRetention +9, s3:DeleteObjectVersion +10.
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] };
    // {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}}]}
    // 1 + (9+1+12+1) + (11+1+1+1) + (8+1+7+1) + (8+1+16+1) + (11+1+1) + (9+1+22) + (1+1+1+1) = 1 + 23 + 14 + 17 + 26 + 13 + 32 + 4 = 130
    const template = new SizedTemplate({
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, Policies: [{ PolicyName: 'own', PolicyDocument: allow('s3:GetObject') }], ManagedPolicyArns: [{ Ref: 'ByArn' }] } },
        Other: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } },
        Attached: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'a', Roles: [{ Ref: 'Role' }], PolicyDocument: allow('s3:GetObjectVersion') } },
        NotAttached: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'b', Roles: [{ Ref: 'Other' }], PolicyDocument: allow('s3:PutObjectRetention') } },
        ByRoles: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: allow('s3:DeleteObjectVersion') } },
        ByArn: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: allow('s3:ListBucket') } },
      },
    });
    expect(template.roleSizes('Role')).toEqual({
      trustChars: 130,
      largestInlineChars: 96 + 7, // s3:GetObjectVersion
      inlineTotalChars: 96 + 96 + 7,
      managedChars: 96 + 10, // s3:DeleteObjectVersion
      managedPolicyCount: 2,
    });
    expect(template.roleSizes('Other')).toEqual({ trustChars: 130, largestInlineChars: 96 + 9, inlineTotalChars: 96 + 9, managedChars: undefined, managedPolicyCount: 0 });
  });
});

/** Source files of the library's constructs (not the handlers and helpers under private/). */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'private' ? [] : sourceFiles(file);
    }
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

/**
 * The exported classes that create IAM roles (or customer-managed policies), read from the source: a file that
 * creates a role (new iam.Role, extends iam.Role, a per-stack handler, a role association) or instantiates a class
 * that does, comments left out. Computed to a fixed point, so constructs made of other constructs count too.
 */
function classesThatCreateRoles(): string[] {
  const files = sourceFiles(path.join(__dirname, '../../src')).map((file) => {
    const code = fs.readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\*|\/\*|\/\/)/.test(line)).join('\n');
    const classes = [...code.matchAll(/^export class (\w+)/gm)].map((m) => m[1]);
    return { code, classes };
  });
  const direct = /new iam\.Role\(|extends iam\.Role\b|new iam\.ManagedPolicy\(|StackProvider\.of\(|RedshiftRoleAssociation\.associate\(/;
  const creators = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const { code, classes } of files) {
      const uses = direct.test(code) || [...creators].some((name) => new RegExp(`new ${name}\\(`).test(code));
      for (const name of classes) {
        if (uses && !creators.has(name)) {
          creators.add(name);
          grew = true;
        }
      }
    }
  }
  return [...creators].sort();
}

describe('coverage', () => {
  test('the source scan finds the role-creating constructs (it is not vacuous)', () => {
    const found = classesThatCreateRoles();
    for (const name of ['ScheduledQueryRole', 'CrossAccountDataApiRole', 'RedshiftDataAccessRole', 'RedshiftSql', 'AccessGrantsLocation', 'AthenaTrustedIdentityPropagation']) {
      expect(found).toContain(name);
    }
    // Principals used as assumedBy, and constructs without a role, are not role creators.
    for (const name of ['ServiceTrust', 'PrincipalTrust', 'AccessGrant', 'LakeFormationGrant', 'QueryEditorV2PermissionSet', 'AnalyticsAccessChecks']) {
      expect(found).not.toContain(name);
    }
  });

  test('every exported construct that creates a role appears at the default settings', () => {
    const atDefaults = new Set(rows.filter((row) => row.setting === 'defaults').map((row) => row.construct));
    for (const name of classesThatCreateRoles()) {
      expect(typeof (lib as Record<string, unknown>)[name]).toBe('function');
      expect([...atDefaults]).toContain(name);
    }
  });

  test('every measured construct is an exported class of the library', () => {
    for (const name of MEASURED_CONSTRUCTS) {
      expect(typeof (lib as Record<string, unknown>)[name]).toBe('function');
    }
  });

  test('every dimension has rows at N = 10, 50 and 200, and every role-creating construct has a dimension', () => {
    expect(N_VALUES).toEqual([10, 50, 200]);
    const byDimension = new Map<string, number[]>();
    for (const row of rows.filter((r) => r.n !== undefined)) {
      expect(row.setting).toMatch(new RegExp(`^N = ${row.n} `));
      const key = `${row.construct} | ${row.role} | ${row.setting.replace(new RegExp(`\\b${row.n}\\b`, 'g'), 'N')}`;
      byDimension.set(key, [...(byDimension.get(key) ?? []), row.n!]);
    }
    expect(byDimension.size).toBeGreaterThan(0);
    for (const [key, ns] of byDimension) {
      expect({ key, ns }).toEqual({ key, ns: [10, 50, 200] });
    }
    const withDimension = new Set(rows.filter((r) => r.n !== undefined).map((r) => r.construct));
    for (const name of classesThatCreateRoles()) {
      expect([...withDimension]).toContain(name);
    }
  });

  test.each([
    ['ScheduledQueryRole', /named creators \(roles of this account\)/],
    ['ScheduledQueryRole', /named creators \(roles of \d+ other accounts\)/],
    ['ScheduledQueryRole', /creator accounts \(account principals\)/],
    ['ScheduledQueryRole', /creators by creatorRolePath/],
    ['ScheduledQueryRole', /creators by creatorTag/],
    ['CrossAccountDataApiRole', /consumer roles/],
    ['CrossAccountDataApiRole', /consumerAccounts/],
    ['RedshiftDataAccessRole', /grantCopyFrom prefixes/],
    ['RedshiftDataAccessRole', /grantUnloadTo prefixes/],
    ['AccessGrantsLocation', /grants/],
    ['RedshiftSql', /RedshiftSql on one target/],
    ['RedshiftSql', /RedshiftSql on \d+ targets/],
    ['RedshiftIdcApplication', /DatabaseGrant/],
    ['AthenaIdcWorkGroup', /IdC groups/],
    ['EmrIdcStudio', /grantAthenaQueries/],
    ['LakeFormationContextRole', /locations/],
  ])('%s is measured with N of %s', (construct, setting) => {
    expect(rows.filter((r) => r.construct === construct && setting.test(r.setting)).map((r) => r.n).sort((a, b) => a! - b!))
      .toEqual(expect.arrayContaining([10, 50, 200]));
  });

  test('every row at the default settings has sizes (nothing is refused at the defaults)', () => {
    const atDefaults = rows.filter((row) => row.setting === 'defaults');
    expect(atDefaults.length).toBeGreaterThanOrEqual(classesThatCreateRoles().length);
    for (const row of atDefaults) {
      expect(row.refused).toBeUndefined();
      expect(row.trustChars ?? row.managedChars).toBeGreaterThan(0);
    }
  });
});

/**
 * Where the source says a document does not grow with N. Each entry: the construct, its setting, and the comment
 * in src/ that says so.
 */
const DOES_NOT_GROW: Array<[string, RegExp, string]> = [
  ['ScheduledQueryRole', /creators by creatorRolePath/, 'PrincipalTrust.rolesWithPath: "however many: the trust policy does not grow with them (gotcha G19)"'],
  ['ScheduledQueryRole', /creators by creatorTag/, 'PrincipalTrust.principalsWithTag: "however many: the trust policy does not grow with them (gotcha G19)"'],
  ['ScheduledQuery', /scheduled queries, one role and one topic/, 'notificationPublisher: "One publishing role per stack and topic, however many scheduled queries notify it"'],
  ['RedshiftSql', /RedshiftSql on one target/, 'RedshiftSql: "One handler per stack, however many RedshiftSql it holds"'],
  ['RedshiftIdcApplication', /IdC groups/, 'StackProvider: "One custom-resource handler per stack and kind, however many resources use it"'],
  ['LakeFormationSettings', /admins/, 'LakeFormationSettings: the administrators are properties of the custom resource, not of its handler\'s policy'],
  ['LakeFormationIdentityCenter', /share recipients/, 'LakeFormationIdentityCenter: the RAM statements are added once, on resource-share/*'],
  ['AccessGrantsLocation', /grants/, 'AccessGrantsLocation.grant: a grant is an AWS::S3::AccessGrant of the location, vended with the one location role'],
  ['AthenaIdcWorkGroup', /IdC groups/, 'AthenaIdcWorkGroup: the groups are assigned and granted, the execution role is the workgroup\'s'],
  ['EmrIdcStudio', /mapped IdC groups/, 'EmrIdcStudio: one session mapping per group, all with the one session policy'],
  ['AthenaTrustedIdentityPropagation', /IdC groups/, 'AthenaTrustedIdentityPropagation: groups become grants and assignments, not IAM statements'],
];

describe('where the library says a document does not grow with N, it does not', () => {
  test.each(DOES_NOT_GROW)('%s, %s (%s)', (construct, setting) => {
    const dimension = rows.filter((r) => r.construct === construct && setting.test(r.setting));
    const roles = [...new Set(dimension.map((r) => r.role))];
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      const measured = dimension.filter((r) => r.role === role && r.refused === undefined);
      // At least two values of N to compare (a stack of 200 may exceed CloudFormation's 500 resources).
      expect(measured.length).toBeGreaterThanOrEqual(2);
      const sizes = measured.map((r) => ({
        role, trust: r.trustChars, inline: r.inlineTotalChars, largest: r.largestInlineChars, managed: r.managedChars, count: r.managedPolicyCount,
      }));
      for (const size of sizes) {
        expect(size).toEqual(sizes[0]);
      }
    }
  });

  test('by contrast, named creators do grow the trust policy (the comparison is not vacuous)', () => {
    const named = rows.filter((r) => r.construct === 'ScheduledQueryRole' && /named creators \(roles of this account\)/.test(r.setting));
    const defaults = rows.find((r) => r.construct === 'ScheduledQueryRole' && r.setting === 'defaults')!;
    expect(named.find((r) => r.n === 10)!.trustChars).toBeGreaterThan(defaults.trustChars! + 10 * 'arn:aws:iam::111111111111:role/'.length);
  });
});

describe('refusals', () => {
  const row = (construct: string, setting: RegExp, n: number) => rows.find((r) => r.construct === construct && setting.test(r.setting) && r.n === n)!;

  test('ScheduledQueryRole with 10 named creators fits; with 50 it is refused with its path, the quota and the fix', () => {
    const ten = row('ScheduledQueryRole', /named creators \(roles of this account\)/, 10);
    expect(ten.refused).toBeUndefined();
    expect(ten.trustChars).toBeLessThanOrEqual(IAM_LIMITS.trust);

    const fifty = row('ScheduledQueryRole', /named creators \(roles of this account\)/, 50);
    expect(fifty.trustChars).toBeUndefined();
    expect(fifty.inlineTotalChars).toBeUndefined();
    expect(fifty.refused).toContain(`[${BENCH_STACK_NAME}/Role] creators:`);
    expect(fifty.refused).toMatch(/with 50 named creators; IAM allows 2048 .*gotcha G19/);
    expect(fifty.refused).toContain('Trust creators by creatorRolePath or creatorTag');
    expect(fifty.refused).toContain('set trustPolicySizeQuota');
    expect(fifty.refused).not.toContain('\n');
  });

  test('200 roles on one imported cluster are refused with the association\'s path and the fix', () => {
    const refused = row('RedshiftRoleAssociation', /roles on one imported cluster/, 200).refused;
    expect(refused).toMatch(new RegExp(`\\[${BENCH_STACK_NAME}/RoleAssociation\\w+\\]`));
    expect(refused).toContain('the quota is 50 per cluster or namespace');
    expect(refused).toContain('Share roles between grants');
  });
});

describe('the table', () => {
  const base = { construct: 'Example', role: 'the role', setting: 'defaults', largestInlineChars: 100, inlineTotalChars: 100, managedPolicyCount: 0 };

  test('names the limits in the header', () => {
    const [header, separator] = iamSizesTable([]).split('\n');
    expect(header).toContain('Trust policy (limit 2,048)');
    expect(header).toContain('Inline total (limit 10,240)');
    expect(header).toContain('Largest managed policy (limit 6,144)');
    expect(header).toContain('Managed policies attached (quota 10)');
    expect(header.split('|').length).toBe(separator.split('|').length);
  });

  test('marks a value above its limit, and only such a value', () => {
    const [, , atLimits, overLimits] = iamSizesTable([
      { ...base, trustChars: 2048, inlineTotalChars: 10240, managedChars: 6144, managedPolicyCount: 10 },
      { ...base, trustChars: 2049, inlineTotalChars: 10241, managedChars: 6145, managedPolicyCount: 11 },
    ]).split('\n');
    expect(atLimits).toBe('| Example | the role | defaults | 2,048 | 100 | 10,240 | 6,144 | 10 |');
    expect(atLimits).not.toContain('over');
    expect(overLimits).toBe('| Example | the role | defaults | **2,049 over** | 100 | **10,241 over** | **6,145 over** | **11 over** |');
  });

  test('shows a refusal as a numbered note under the table, one number per message', () => {
    const table = iamSizesTable([
      { construct: 'Example', role: 'the role', setting: 'N = 50 things', n: 50, refused: '[S/Role] things: too many. Use fewer.' },
      { construct: 'Example', role: 'the role', setting: 'N = 200 things', n: 200, refused: '[S/Role] things: too many. Use fewer.' },
      { construct: 'Other', role: 'a | role', setting: 'N = 200 things', n: 200, refused: 'Another reason.' },
    ]);
    const lines = table.split('\n');
    expect(lines[2]).toBe('| Example | the role | N = 50 things | refused at synth [1] | — | — | — | — |');
    expect(lines[3]).toBe('| Example | the role | N = 200 things | refused at synth [1] | — | — | — | — |');
    expect(lines[4]).toBe('| Other | a \\| role | N = 200 things | refused at synth [2] | — | — | — | — |');
    expect(lines.slice(5)).toEqual(['', '[1] [S/Role] things: too many. Use fewer.', '[2] Another reason.']);
  });

  test('the note says how the sizes were counted, on one line', () => {
    expect(IAM_SIZES_NOTE).not.toContain('\n');
    expect(IAM_SIZES_NOTE).toContain('test/access-matrix.ts');
    expect(IAM_SIZES_NOTE).toContain('without whitespace');
  });
});

describe('determinism', () => {
  test('the same rows in the same order on another run', () => {
    const constructs = ['ScheduledQuery', 'RedshiftSql', 'AccessGrantsLocation'];
    const again = measureIamSizes({ constructs });
    expect(again.length).toBeGreaterThan(0);
    expect(again).toEqual(rows.filter((row) => constructs.includes(row.construct)));
  });
});
