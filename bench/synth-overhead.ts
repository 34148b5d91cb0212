// Measure 1: the synth overhead of the library. Every example app is synthesized with this library
// and as its L1 baseline (bench/baseline/<example>.ts: the same CloudFormation resources written
// directly as L1 constructs, the same handler assets staged), alternately in one process, and the
// medians compared. A run is `new App()`, building the stacks and `app.synth()` into a fresh
// cloud-assembly directory, as `cdk synth` does.
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { markdownTable, median } from './report';
import { exampleBuilders } from '../scripts/access-graphs';

type Build = (app: App) => Stack[];

export interface SynthPair {
  readonly example: string;
  readonly library: Build;
  readonly baseline: Build;
}

/** Each example with its baseline, found by file name. */
export function synthPairs(): SynthPair[] {
  return exampleBuilders().map(([example, library]) => {
    const file = path.join(__dirname, 'baseline', `${example}.ts`);
    if (!fs.existsSync(file)) {
      throw new Error(`bench/baseline/${example}.ts is missing: run \`npx projen bench:baseline\``);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the baselines are found at run time, like the examples
    const baseline = Object.values(require(file)).find((v) => typeof v === 'function') as Build;
    return { example, library, baseline };
  });
}

export interface SynthTiming {
  readonly example: string;
  /** Milliseconds of each measured run, building and synthesizing. */
  readonly library: number[];
  readonly baseline: number[];
  /** The part of each run spent in `app.synth()` (aspects, validation, resolving, writing the assembly). */
  readonly librarySynthPhase: number[];
  readonly baselineSynthPhase: number[];
}

function timeSynth(build: Build): { total: number; synth: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    const start = process.hrtime.bigint();
    const app = new App({ outdir });
    build(app);
    const built = process.hrtime.bigint();
    app.synth();
    const end = process.hrtime.bigint();
    return { total: Number(end - start) / 1e6, synth: Number(end - built) / 1e6 };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * `runs` measured runs of every app after one warm-up run of each (module loading and the JIT
 * are not the library's cost). Library and baseline alternate, and which goes first alternates
 * from run to run, so that a drift of the machine's speed weighs on both alike.
 */
export function measureSynthOverhead(runs = 7, pairs: SynthPair[] = synthPairs(), options: SynthOptions = {}): SynthTiming[] {
  const validation = process.env.CDK_VALIDATION;
  if (options.cdkValidation === false) {
    process.env.CDK_VALIDATION = 'false';
  }
  try {
    return timeRuns(runs, pairs);
  } finally {
    if (validation === undefined) {
      delete process.env.CDK_VALIDATION;
    } else {
      process.env.CDK_VALIDATION = validation;
    }
  }
}

export interface SynthOptions {
  /**
   * aws-cdk-lib's own check of every template against the CloudFormation schema (a WebAssembly
   * engine run inside `app.synth()`, on by default; `CDK_VALIDATION=false` turns it off). It costs
   * the same on both sides and is most of the time, so without it the ratio shows the library's
   * own cost more plainly.
   *
   * @default true
   */
  readonly cdkValidation?: boolean;
}

function timeRuns(runs: number, pairs: SynthPair[]): SynthTiming[] {
  for (const pair of pairs) {
    timeSynth(pair.library);
    timeSynth(pair.baseline);
  }
  const timings = pairs.map((p) => ({
    example: p.example, library: [] as number[], baseline: [] as number[], librarySynthPhase: [] as number[], baselineSynthPhase: [] as number[],
  }));
  for (let run = 0; run < runs; run++) {
    pairs.forEach((pair, i) => {
      const order: Array<'library' | 'baseline'> = run % 2 === 0 ? ['library', 'baseline'] : ['baseline', 'library'];
      for (const side of order) {
        const time = timeSynth(pair[side]);
        timings[i][side].push(time.total);
        timings[i][side === 'library' ? 'librarySynthPhase' : 'baselineSynthPhase'].push(time.synth);
      }
    });
  }
  return timings;
}

/** All apps together, run by run: the sum of each run's times. */
export function totalTiming(timings: SynthTiming[]): SynthTiming {
  const sum = (key: Exclude<keyof SynthTiming, 'example'>) => timings[0][key].map((_, run) => timings.reduce((s, t) => s + t[key][run], 0));
  return {
    example: 'all examples',
    library: sum('library'),
    baseline: sum('baseline'),
    librarySynthPhase: sum('librarySynthPhase'),
    baselineSynthPhase: sum('baselineSynthPhase'),
  };
}

/** Median library time over median baseline time. */
export function synthRatio(timing: SynthTiming): number {
  return median(timing.library) / median(timing.baseline);
}

export function synthOverheadTable(timings: SynthTiming[]): string {
  const ms = (values: number[]) => Number(median(values).toFixed(1));
  const rows = [...timings, totalTiming(timings)].map((t) => [
    t.example,
    t.library.length,
    ms(t.library),
    ms(t.baseline),
    `${synthRatio(t).toFixed(2)}×`,
    ms(t.librarySynthPhase),
    ms(t.baselineSynthPhase),
  ]);
  return markdownTable(
    ['app', 'runs', 'library median ms', 'L1 baseline median ms', 'ratio', 'of which app.synth(): library', 'of which app.synth(): baseline'],
    rows,
  );
}

/** Where the library's synth time goes, from a CPU profile of its runs: self time by the code that spent it. */
export interface SynthProfile {
  readonly totalMs: number;
  /** Milliseconds of self time by category, largest first. */
  readonly categories: Array<[string, number]>;
}

/**
 * Profile `runs` runs of every app built with the library (V8's sampling profiler through
 * node:inspector, in this process) and sort the self time of the sampled frames by where their
 * code lives: this library's src/, aws-cdk-lib and constructs, ts-node's source maps of stack
 * traces (CDK records a stack trace per construct), or anything else.
 */
export async function profileLibrarySynth(runs = 5, pairs: SynthPair[] = synthPairs()): Promise<SynthProfile> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<any>((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  try {
    // Modules that aws-cdk-lib loads on first use are not the library's synth cost.
    pairs.forEach((pair) => timeSynth(pair.library));
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 100 });
    await post('Profiler.start');
    for (let run = 0; run < runs; run++) {
      pairs.forEach((pair) => timeSynth(pair.library));
    }
    const { profile } = await post('Profiler.stop');
    const byId = new Map<number, any>(profile.nodes.map((node: any) => [node.id, node]));
    const selfMicros = new Map<number, number>();
    (profile.samples as number[]).forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const categories = new Map<string, number>();
    let total = 0;
    for (const [id, micros] of selfMicros) {
      const { url, functionName } = byId.get(id).callFrame;
      // Idle time, and the profiler's own work (the inspector's dispatch of Profiler.stop).
      if (functionName === '(idle)' || functionName === '(program)' || (url === '' && functionName === 'dispatch')) {
        continue;
      }
      total += micros;
      const category = url.includes(`${path.sep}src${path.sep}`) && !url.includes('node_modules') ? 'this library (src/)'
        : /node_modules[\\/](aws-cdk-lib|constructs|@aws-cdk[\\/]cloud-assembly)/.test(url) ? 'aws-cdk-lib and constructs'
          : url.startsWith('wasm://') || url.includes('cloudformation-validate') ? 'aws-cdk-lib\'s template validation (WebAssembly)'
            : /@cspotcode|source-map/.test(url) ? 'source maps of stack traces (ts-node)'
              : functionName === '(garbage collector)' ? 'garbage collection'
                : 'other (Node.js, file system, the examples\' own code)';
      categories.set(category, (categories.get(category) ?? 0) + micros);
    }
    return {
      totalMs: total / 1000,
      categories: [...categories.entries()].map(([k, v]): [string, number] => [k, v / 1000]).sort((a, b) => b[1] - a[1]),
    };
  } finally {
    session.disconnect();
  }
}

export function synthProfileTable(profile: SynthProfile): string {
  return markdownTable(['self time in', 'ms', 'share'],
    profile.categories.map(([category, ms]) => [category, Math.round(ms), `${((100 * ms) / profile.totalMs).toFixed(1)} %`]));
}
