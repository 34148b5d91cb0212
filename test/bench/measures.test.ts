import { measureBundles } from '../../bench/bundles';
import { measureMachinery } from '../../bench/machinery';
import { markdownTable, median } from '../../bench/report';

// The benchmark's measures that are claims about the library, checked at small N. No timing here:
// the machines are shared and noisy (issue 8); bench/RESULTS.md holds the numbers.

describe('deploy machinery', () => {
  const rows = measureMachinery([1, 4]);
  const of = (library: string, n: number) => rows.find((r) => r.library === library && r.n === n)!;

  test('this library: one Lambda function and no state machine per stack, one custom resource per SQL resource', () => {
    expect([of('cdk-analytics-access', 1).lambdaFunctions, of('cdk-analytics-access', 4).lambdaFunctions]).toEqual([1, 1]);
    expect([of('cdk-analytics-access', 1).stateMachines, of('cdk-analytics-access', 4).stateMachines]).toEqual([0, 0]);
    expect([of('cdk-analytics-access', 1).customResources, of('cdk-analytics-access', 4).customResources]).toEqual([1, 4]);
  });

  test('the alpha module: a provider function per SQL resource besides the shared handler', () => {
    expect(of('aws-redshift-alpha', 4).lambdaFunctions - of('aws-redshift-alpha', 1).lambdaFunctions).toBe(3);
    expect(of('aws-redshift-alpha', 4).customResources).toBe(4);
  });
});

describe('handler bundles', () => {
  const rows = measureBundles();

  test('every handler of the library is measured, one file each', () => {
    const ours = rows.filter((r) => !r.handler.startsWith('@'));
    expect(ours.map((r) => r.handler)).toEqual(expect.arrayContaining(['core/private/redshift-sql', 'core/private/role-association']));
    for (const row of ours) {
      expect(row.files).toBe(1);
      expect(row.bytes).toBeGreaterThan(row.deflatedBytes);
    }
  });

  test('the AWS SDK is loaded from the Lambda runtime, not bundled', () => {
    for (const row of rows.filter((r) => !r.handler.startsWith('@'))) {
      expect(row.external.some((m) => m.startsWith('@aws-sdk/client-'))).toBe(true);
      expect(row.external.filter((m) => !m.startsWith('@aws-sdk/') && !['crypto', 'https', 'http', 'url', 'util'].includes(m))).toEqual([]);
    }
  });
});

describe('report helpers', () => {
  test('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });

  test('a markdown table right-aligns numeric columns and escapes pipes', () => {
    expect(markdownTable(['a', 'n'], [['x|y', 1]])).toBe('| a | n |\n| --- | ---: |\n| x\\|y | 1 |');
  });
});
