#!/usr/bin/env node
import * as fs from 'fs';
import { AccessGraph } from '../graph/access-graph';

const USAGE = `Usage: cdk-analytics-access graph <cdk.out> [--format mermaid|svg|dot|json] [--out FILE]

Reads a synthesized cloud assembly (the directory cdk synth writes) and prints the access it
grants: who may assume which role, and what each role may do on analytics resources.

Options:
  --format mermaid|svg|dot|json   output format (default: mermaid)
  --out FILE              write to FILE instead of standard output
  -h, --help              show this help

Exit codes: 0 done, 1 the assembly cannot be read or the output not written, 2 bad usage.
`;

const FORMATS = ['mermaid', 'svg', 'dot', 'json'];

/** Run the CLI; resolves to the exit code (kept apart from process for tests). */
export async function run(args: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    out(USAGE);
    return 0;
  }
  const [command, directory, ...rest] = args;
  if (command !== 'graph' || directory === undefined || directory.startsWith('-')) {
    err(`${command === undefined ? 'No command given.' : command !== 'graph' ? `Unknown command "${command}".` : 'No cdk.out directory given.'}\n\n${USAGE}`);
    return 2;
  }
  let format = 'mermaid';
  let file: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const option = rest[i];
    const value = rest[i + 1];
    if ((option === '--format' || option === '--out') && (value === undefined || value.startsWith('--'))) {
      err(`${option} needs a value.\n\n${USAGE}`);
      return 2;
    }
    if (option === '--format') {
      format = value;
      i++;
    } else if (option === '--out') {
      file = value;
      i++;
    } else {
      err(`Unknown option "${option}".\n\n${USAGE}`);
      return 2;
    }
  }
  if (!FORMATS.includes(format)) {
    err(`Unknown format "${format}": give ${FORMATS.join(', ')}.\n`);
    return 2;
  }
  let graph: AccessGraph;
  try {
    graph = AccessGraph.fromAssemblyDirectory(directory);
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 1;
  }
  const text = format === 'json' ? graph.toJson() : format === 'dot' ? graph.toDot() : format === 'svg' ? await graph.toSvg() : graph.toMermaid();
  if (file) {
    try {
      fs.writeFileSync(file, text);
    } catch (error) {
      err(`Cannot write ${file}: ${(error as Error).message}\n`);
      return 1;
    }
  } else {
    out(text);
  }
  return 0;
}

if (require.main === module) {
  void run(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then((code) => {
    process.exitCode = code;
  });
}
