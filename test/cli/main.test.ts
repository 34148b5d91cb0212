import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildCrossAccountDataApiApp } from '../../examples/cross-account-data-api';
import { run } from '../../src/cli/main';
import { AccessGraph } from '../../src/graph/access-graph';

// The `cdk-analytics-access graph <cdk.out>` command: through run() (exit codes, what goes to
// standard output and standard error) and as the real entry point in a child process.

const REPO_ROOT = path.resolve(__dirname, '..', '..');

interface Result {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** run() with its output captured. */
async function cli(...args: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, (t) => out.push(t), (t) => err.push(t));
  return { code, out: out.join(''), err: err.join('') };
}

let tmp: string;
let assembly: string;
let expected: AccessGraph;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'access-graph-cli-'));
  assembly = path.join(tmp, 'cdk.out');
  const app = new App({ outdir: assembly });
  buildCrossAccountDataApiApp(app);
  app.synth();
  expected = AccessGraph.fromAssemblyDirectory(assembly);
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('run(): usage', () => {
  test.each([['--help'], ['-h']])('%s prints the usage on standard output and exits 0', async (flag) => {
    const result = await cli(flag);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: cdk-analytics-access graph <cdk\.out> \[--format mermaid\|svg\|dot\|json\] \[--out FILE\]\n/);
    expect(result.out).toContain('Exit codes: 0 done, 1 the assembly cannot be read or the output not written, 2 bad usage.');
    expect(result.err).toEqual('');
  });

  test('--help wins wherever it is', async () => {
    expect(await cli('graph', '/does/not/exist', '--help')).toMatchObject({ code: 0, err: '' });
  });

  test('no arguments: exit 2, the usage on standard error', async () => {
    const result = await cli();
    expect(result.code).toBe(2);
    expect(result.out).toEqual('');
    expect(result.err).toMatch(/^No command given\.\n\nUsage: /);
  });

  test('an unknown command: exit 2', async () => {
    const result = await cli('draw', assembly);
    expect(result.code).toBe(2);
    expect(result.out).toEqual('');
    expect(result.err).toMatch(/^Unknown command "draw"\.\n\nUsage: /);
  });

  test('graph without a directory: exit 2', async () => {
    const result = await cli('graph');
    expect(result.code).toBe(2);
    expect(result.out).toEqual('');
    expect(result.err).toMatch(/^No cdk\.out directory given\.\n\nUsage: /);
  });

  test('graph with an option where the directory should be: exit 2', async () => {
    const result = await cli('graph', '--format', 'json');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^No cdk\.out directory given\./);
  });

  test('--format png: exit 2 with a message naming the formats', async () => {
    const result = await cli('graph', assembly, '--format', 'png');
    expect(result.code).toBe(2);
    expect(result.out).toEqual('');
    expect(result.err).toEqual('Unknown format "png": give mermaid, svg, dot, json.\n');
  });

  test.each([
    [['--format']],
    [['--format', '--out', 'x.mmd']],
    [['--out']],
    [['--out', '--format', 'json']],
  ])('an option without its value (%j): exit 2', async (options) => {
    const result = await cli('graph', assembly, ...options);
    expect(result.code).toBe(2);
    expect(result.out).toEqual('');
    expect(result.err).toMatch(new RegExp(`^${options[0]} needs a value\\.\\n\\nUsage: `));
  });

  test.each([['--verbose'], ['extra'], ['-f']])('an unknown option or argument (%s): exit 2', async (option) => {
    const result = await cli('graph', assembly, option);
    expect(result.code).toBe(2);
    expect(result.out).toEqual('');
    expect(result.err).toMatch(new RegExp(`^Unknown option "${option}"\\.\\n\\nUsage: `));
  });

  test('bad usage is reported before the directory is read', async () => {
    expect((await cli('graph', path.join(tmp, 'missing'), '--format', 'png')).code).toBe(2);
    expect((await cli('graph', path.join(tmp, 'missing'), '--bogus')).code).toBe(2);
  });
});

describe('run(): reading the assembly', () => {
  test('a missing directory: exit 1, the message on standard error', async () => {
    const missing = path.join(tmp, 'missing');
    const result = await cli('graph', missing);
    expect(result.code).toBe(1);
    expect(result.out).toEqual('');
    expect(result.err).toEqual(`${missing} is not a directory: give the cloud assembly directory that cdk synth writes (cdk.out).\n`);
  });

  test('a directory without manifest.json: exit 1', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    const result = await cli('graph', empty);
    expect(result.code).toBe(1);
    expect(result.out).toEqual('');
    expect(result.err).toContain(`${empty} has no manifest.json`);
  });

  test('a manifest.json that is not JSON: exit 1', async () => {
    const broken = fs.mkdtempSync(path.join(tmp, 'broken-'));
    fs.writeFileSync(path.join(broken, 'manifest.json'), '{ not json');
    const result = await cli('graph', broken);
    expect(result.code).toBe(1);
    expect(result.out).toEqual('');
    expect(result.err).toContain(`${broken} is not a readable cloud assembly`);
  });

  test('a synthesized cdk.out: exit 0, Mermaid on standard output', async () => {
    const result = await cli('graph', assembly);
    expect(result.code).toBe(0);
    expect(result.err).toEqual('');
    expect(result.out.startsWith('flowchart LR\n')).toBe(true);
    expect(result.out).toEqual(expected.toMermaid());
    expect(result.out).toContain('subgraph s0["DataApiConsumer"]');
    expect(result.out).toContain('subgraph s1["DataApiProducer"]');
    expect(result.out).toContain('AssumeRole if sts:ExternalId, sts:RoleSessionName');
  });

  test('--format mermaid is the default', async () => {
    expect(await cli('graph', assembly, '--format', 'mermaid')).toEqual(await cli('graph', assembly));
  });

  test('--format svg: an SVG laid out by Graphviz (WebAssembly), the same on every run', async () => {
    const first = await cli('graph', assembly, '--format', 'svg');
    const second = await cli('graph', assembly, '--format', 'svg');
    expect(first.code).toBe(0);
    expect(first.err).toEqual('');
    expect(first.out).toMatch(/^<\?xml[\s\S]*<svg width="\d+pt" height="\d+pt"/);
    expect(first.out).toContain('</svg>');
    expect(second.out).toEqual(first.out);
  });

  test('--format dot: Graphviz DOT text', async () => {
    const result = await cli('graph', assembly, '--format', 'dot');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^digraph access \{\n  rankdir=LR;/);
    expect(result.out.trimEnd().endsWith('}')).toBe(true);
  });

  test('--format json: the nodes and edges as JSON', async () => {
    const result = await cli('graph', assembly, '--format', 'json');
    expect(result.code).toBe(0);
    expect(result.err).toEqual('');
    const parsed = JSON.parse(result.out);
    expect(Object.keys(parsed)).toEqual(['nodes', 'edges']);
    expect(Array.isArray(parsed.nodes)).toBe(true);
    expect(Array.isArray(parsed.edges)).toBe(true);
    expect(parsed.nodes.length).toBeGreaterThan(0);
    expect(parsed.edges.length).toBeGreaterThan(0);
    expect(parsed).toEqual({ nodes: expected.nodes, edges: expected.edges });
    expect(result.out).toEqual(expected.toJson());
  });

  test('--out FILE writes the file and nothing to standard output', async () => {
    const file = path.join(tmp, 'access.mmd');
    const result = await cli('graph', assembly, '--out', file);
    expect(result).toEqual({ code: 0, out: '', err: '' });
    expect(fs.readFileSync(file, 'utf8')).toEqual(expected.toMermaid());
  });

  test('--out FILE with --format json, options in any order; an existing file is replaced', async () => {
    const file = path.join(tmp, 'access.json');
    fs.writeFileSync(file, 'old contents that are longer than nothing');
    const result = await cli('graph', assembly, '--out', file, '--format', 'json');
    expect(result).toEqual({ code: 0, out: '', err: '' });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ nodes: expected.nodes, edges: expected.edges });
  });
});

describe('the entry point in a child process', () => {
  /** `node -r ts-node/register/transpile-only src/cli/main.ts ...` from the repository root. */
  function main(...args: string[]): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json' },
      encoding: 'utf8',
      timeout: 120_000,
    });
  }

  test('a synthesized cdk.out: status 0 and the Mermaid flowchart on stdout', async () => {
    const result = main('graph', assembly);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith('flowchart LR\n')).toBe(true);
    expect(result.stdout).toEqual(expected.toMermaid());
  }, 120_000);

  test('--format json: status 0 and JSON on stdout', async () => {
    const result = main('graph', assembly, '--format', 'json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ nodes: expected.nodes, edges: expected.edges });
  }, 120_000);

  test('a missing path: status 1 and the error on stderr', async () => {
    const missing = path.join(tmp, 'missing');
    const result = main('graph', missing);
    expect(result.status).toBe(1);
    expect(result.stdout).toEqual('');
    expect(result.stderr).toContain(`${missing} is not a directory: give the cloud assembly directory that cdk synth writes (cdk.out).`);
  }, 120_000);

  test('no arguments: status 2 and the usage on stderr', async () => {
    const result = main();
    expect(result.status).toBe(2);
    expect(result.stdout).toEqual('');
    expect(result.stderr).toContain('No command given.');
    expect(result.stderr).toContain('Usage: cdk-analytics-access graph <cdk.out>');
  }, 120_000);
});

// The package's bin (lib/cli/main.js, compiled by jsii before the tests in `projen build`).
describe('the built binary', () => {
  const BIN = path.join(REPO_ROOT, 'lib', 'cli', 'main.js');

  function bin(...args: string[]): SpawnSyncReturns<string> {
    if (!fs.existsSync(BIN)) {
      throw new Error(`${BIN} is missing: compile first (npx projen compile, or the whole npx projen build).`);
    }
    return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  }

  test('is the bin of the package and starts with a node shebang', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'cdk-analytics-access': 'lib/cli/main.js' });
    expect(fs.readFileSync(BIN, 'utf8').split('\n')[0]).toEqual('#!/usr/bin/env node');
  });

  test('a synthesized cdk.out as SVG: status 0 and the picture on stdout', () => {
    const result = bin('graph', assembly, '--format', 'svg');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/<svg width="\d+pt" height="\d+pt"/);
  }, 120_000);

  test('a missing path: status 1; bad usage: status 2', () => {
    expect(bin('graph', path.join(tmp, 'missing')).status).toBe(1);
    expect(bin('graph').status).toBe(2);
  }, 120_000);
});
