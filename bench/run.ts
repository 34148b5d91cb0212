// The benchmarks of issue 8, in one run: `npx projen bench` (after `npx projen bundle`, which the
// build runs). Writes bench/RESULTS.md (tables, with the machine and the date) and bench/scale.svg
// (measures 2 and 3 against N). Numbers only: nothing here is a pass/fail test, since the machines
// are shared and noisy; the ratios come from one run in one process.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundlesTable, measureBundles } from './bundles';
import { lineCharts } from './chart';
import { iamSizesTable, IAM_SIZES_NOTE, measureIamSizes } from './iam-sizes';
import { machineryTable, measureMachinery } from './machinery';
import { median } from './report';
import { measureScheduledQueries, scheduledQueriesTable, STACK_RESOURCE_LIMIT } from './scheduled-queries';
import { measureSynthOverhead, profileLibrarySynth, synthOverheadTable, synthProfileTable, synthRatio, totalTiming } from './synth-overhead';

const SYNTH_RUNS = Number(process.env.BENCH_SYNTH_RUNS ?? 11);
const RESULTS = path.join(__dirname, 'RESULTS.md');
const CHART = path.join(__dirname, 'scale.svg');

function packageVersion(name: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the version of what actually ran
  return require(`${name}/package.json`).version;
}

async function main(): Promise<void> {
  const step = (what: string) => console.error(`bench: ${what}`);
  step(`synth overhead, ${SYNTH_RUNS} runs of each app`);
  const timings = measureSynthOverhead(SYNTH_RUNS);
  const total = totalTiming(timings);
  step(`synth overhead without aws-cdk-lib's template validation, ${SYNTH_RUNS} runs of each app`);
  const bare = measureSynthOverhead(SYNTH_RUNS, undefined, { cdkValidation: false });
  const bareTotal = totalTiming(bare);
  step('profile of the library\'s synth runs');
  const profile = await profileLibrarySynth();
  step('deploy machinery');
  const machinery = measureMachinery();
  step('scheduled queries at scale');
  const scale = measureScheduledQueries();
  step('IAM document sizes');
  const iam = measureIamSizes();
  step('handler bundles');
  const bundles = measureBundles();

  const series = (library: string, key: 'lambdaFunctions' | 'customResources'): Array<[number, number]> =>
    machinery.filter((r) => r.library === library).map((r) => [r.n, r[key]]);
  fs.writeFileSync(CHART, lineCharts([
    {
      title: 'Deploy machinery per stack vs N deploy-time SQL resources',
      xLabel: 'N deploy-time SQL resources',
      yLabel: 'count in the stack',
      logX: true,
      series: [
        { name: 'cdk-analytics-access: Lambda functions', points: series('cdk-analytics-access', 'lambdaFunctions') },
        { name: 'aws-redshift-alpha: Lambda functions', points: series('aws-redshift-alpha', 'lambdaFunctions') },
        { name: 'both: custom resources', points: series('cdk-analytics-access', 'customResources') },
      ],
    },
    {
      title: 'ScheduledQuery at scale (one shared role)',
      xLabel: 'N scheduled queries',
      yLabel: 'resources in the stack',
      series: [{ name: 'resources', points: [...scale.rows.map((r): [number, number] => [r.n, r.resources]), [scale.largestN, scale.largestNResources]] }],
      limit: { value: STACK_RESOURCE_LIMIT, label: `CloudFormation: ${STACK_RESOURCE_LIMIT} resources per stack` },
    },
  ]));

  const cpus = os.cpus();
  const ours = machinery.filter((r) => r.library === 'cdk-analytics-access');
  const alpha = machinery.filter((r) => r.library === 'aws-redshift-alpha');
  const document = [
    '# Benchmarks',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, `
      + `${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node.js ${process.version}, `
      + `aws-cdk-lib ${packageVersion('aws-cdk-lib')}, @aws-cdk/aws-redshift-alpha ${packageVersion('@aws-cdk/aws-redshift-alpha')}.`,
    'Written by `npx projen bench` (bench/run.ts); the numbers are from that one run. The machines are shared, so timings vary',
    'from run to run; the counts and sizes do not.',
    '',
    '## 1. Synth overhead',
    '',
    'Every example app built and synthesized with this library, and as its L1 baseline (bench/baseline/: the same CloudFormation resources '
      + 'written directly as aws-cdk-lib L1 constructs, generated from the example by bench/generate-baseline.ts and checked by '
      + 'test/bench/baseline.test.ts to produce the same template). One warm-up run of each, then '
      + `${SYNTH_RUNS} runs of each, alternating, in one process. Goal: ≤ 1.2×.`,
    '',
    synthOverheadTable(timings),
    '',
    `**All examples: ${synthRatio(total).toFixed(2)}×** the L1 baseline (medians ${Math.round(median(total.library))} ms vs `
      + `${Math.round(median(total.baseline))} ms).`,
    '',
    'Most of `app.synth()` on both sides is aws-cdk-lib\'s own check of each template against the CloudFormation schema, on by '
      + 'default in this aws-cdk-lib. The same runs with it turned off (`CDK_VALIDATION=false`) show the library\'s own cost '
      + 'more plainly:',
    '',
    synthOverheadTable(bare),
    '',
    `**All examples without template validation: ${synthRatio(bareTotal).toFixed(2)}×** (medians ${Math.round(median(bareTotal.library))} ms vs `
      + `${Math.round(median(bareTotal.baseline))} ms).`,
    '',
    'Where the library side\'s time goes: a CPU profile (V8\'s sampler, through node:inspector) of 5 more runs of every app built with '
      + 'the library, its self time by where the running code lives. The library\'s constructs spend it mostly in the aws-cdk-lib L2 '
      + 'constructs they build on (roles, policies, functions), and in the stack trace aws-cdk-lib records for each construct, which '
      + 'ts-node source-maps:',
    '',
    synthProfileTable(profile),
    '',
    '## 2. Deploy machinery per stack',
    '',
    'N deploy-time SQL resources on one provisioned cluster, signed in with its admin secret (even ones CREATE USER, odd ones CREATE TABLE): '
      + 'this library\'s `RedshiftSql`, and `@aws-cdk/aws-redshift-alpha` `User` / `Table`. Goal: constant in N for this library.',
    '',
    machineryTable(machinery),
    '',
    `Lambda functions: this library ${ours.map((r) => r.lambdaFunctions).join(' / ')}, the alpha module `
      + `${alpha.map((r) => r.lambdaFunctions).join(' / ')} at N = ${ours.map((r) => r.n).join(' / ')}.`,
    '',
    '![Deploy machinery and scheduled queries against N](scale.svg)',
    '',
    '## 3. Scheduled queries at scale',
    '',
    'N `ScheduledQuery` sharing one `ScheduledQueryRole` (one creator) and one notification topic (failures).',
    '',
    scheduledQueriesTable(scale),
    '',
    `${scale.resourcesPerQuery} resources and about ${Math.round(scale.bytesPerQuery)} template bytes per query, ${scale.sharedResources} shared. `
      + `**Largest N in one stack: ${scale.largestN}** (${scale.largestNResources} resources, ${scale.largestNTemplateBytes} bytes); `
      + `at N = ${scale.largestN + 1}: ${scale.nextRefusal}.`,
    '',
    '## 4. IAM document sizes',
    '',
    IAM_SIZES_NOTE,
    '',
    iamSizesTable(iam),
    '',
    '## 5. Handler bundles',
    '',
    'Each custom-resource handler as bundled into assets/ by projen (esbuild, the AWS SDK v3 external: the Lambda runtime provides it).',
    '',
    bundlesTable(bundles),
    '',
  ].join('\n');
  fs.writeFileSync(RESULTS, document);
  step(`wrote ${path.relative(process.cwd(), RESULTS)} and ${path.relative(process.cwd(), CHART)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
