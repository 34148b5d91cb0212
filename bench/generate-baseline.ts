// Writes bench/baseline/<example>.ts: every example app written directly as L1 constructs
// (aws-cdk-lib's Cfn* classes, CfnResource for custom resources, the same Lambda assets staged
// by AssetStaging), producing the same templates as the app built with this library. The
// synth-overhead benchmark times the two side by side; test/bench/baseline.test.ts fails when a
// baseline no longer produces its example's template. Run with `npx projen bench:baseline`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { App, FileSystem, Stack, Token } from 'aws-cdk-lib';
import { CfnParser } from 'aws-cdk-lib/core/lib/helpers-internal';
import { zipAssetHashes } from './report';
import { exampleBuilders } from '../scripts/access-graphs';

const ROOT = path.join(__dirname, '..');
export const BASELINE_DIR = path.join(__dirname, 'baseline');

interface L1Class {
  readonly module: string;
  readonly alias: string;
  readonly name: string;
  readonly cls: any;
}

/** Every L1 class of aws-cdk-lib by CloudFormation type, e.g. AWS::IAM::Role → aws-iam CfnRole. */
function l1Classes(): Map<string, L1Class> {
  const classes = new Map<string, L1Class>();
  for (const [namespace, members] of Object.entries(cdk)) {
    if (!namespace.startsWith('aws_') || typeof members !== 'object' || members === null) {
      continue;
    }
    for (const [name, cls] of Object.entries(members as Record<string, any>)) {
      const type = typeof cls === 'function' ? cls.CFN_RESOURCE_TYPE_NAME : undefined;
      if (typeof type === 'string' && name.startsWith('Cfn') && typeof cls._fromCloudFormation === 'function') {
        classes.set(type, { module: `aws-cdk-lib/${namespace.replace(/_/g, '-')}`, alias: namespace.slice(4).replace(/_/g, ''), name, cls });
      }
    }
  }
  return classes;
}

/** Replaces every intrinsic by a placeholder string and remembers the code that makes it again. */
class Intrinsics {
  private readonly code: string[] = [];

  public hide(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.hide(v));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      this.code.push(this.intrinsic(entries[0][0], entries[0][1]));
      return `\u0000${this.code.length - 1}\u0000`;
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.hide(v)]));
  }

  /** The code for a value with placeholders: literals as literals, placeholders as their code. */
  public print(value: unknown, indent: string): string {
    if (typeof value === 'string') {
      const match = /^\u0000(\d+)\u0000$/.exec(value);
      if (match) {
        return this.code[Number(match[1])];
      }
      if (value.includes('\u0000')) {
        throw new Error(`an intrinsic inside a string: ${JSON.stringify(value)}`);
      }
      return quote(value);
    }
    if (value === undefined) {
      return 'undefined';
    }
    if (value === null || typeof value !== 'object') {
      return JSON.stringify(value);
    }
    const inner = `${indent}  `;
    if (Array.isArray(value)) {
      if (value.length === 0) {
        return '[]';
      }
      return `[\n${value.map((v) => `${inner}${this.print(v, inner)},`).join('\n')}\n${indent}]`;
    }
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      return '{}';
    }
    const keys = entries.some(([k]) => !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k));
    return `{\n${entries.map(([k, v]) => `${inner}${keys ? quote(k) : k}: ${this.print(v, inner)},`).join('\n')}\n${indent}}`;
  }

  private intrinsic(name: string, arg: unknown): string {
    const part = (v: unknown) => this.print(this.hide(v), '');
    switch (name) {
      case 'Ref':
        return `Fn.ref(${quote(String(arg))})`;
      case 'Fn::GetAtt': {
        const [resource, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return `Fn.getAtt(${quote(resource)}, ${quote(attribute)}).toString()`;
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return `Fn.join(${quote(separator)}, [${parts.map(part).join(', ')}])`;
      }
      case 'Fn::ImportValue':
        return `Fn.importValue(${part(arg)})`;
      case 'Fn::Select': {
        const [index, list] = arg as [number, unknown];
        return `Fn.select(${index}, ${part(list)} as any)`;
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return `Fn.split(${quote(separator)}, ${part(source)})`;
      }
      case 'Fn::Sub':
        return typeof arg === 'string' ? `Fn.sub(${quote(arg)})` : `Fn.sub(${quote(String((arg as unknown[])[0]))}, ${part((arg as unknown[])[1])} as any)`;
      default:
        throw new Error(`the baseline generator does not know ${name}: teach it`);
    }
  }
}

function quote(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** The typed L1 props of a resource, as aws-cdk-lib itself parses them from the template. */
function typedProps(l1: L1Class, logicalId: string, properties: unknown): Record<string, unknown> {
  const scratch = new Stack(new App(), 'Scratch');
  const noFinder = () => {
    throw new Error('placeholders leave nothing to find');
  };
  const parser = new CfnParser({
    finder: { findCondition: noFinder, findMapping: noFinder, findRefTarget: noFinder, findResource: noFinder },
    parameters: {},
  });
  const instance = l1.cls._fromCloudFormation(scratch, logicalId, { Type: l1.cls.CFN_RESOURCE_TYPE_NAME, Properties: properties }, { parser });
  const props = { ...(instance as any).cfnProperties } as Record<string, unknown>;
  if (props.tags !== undefined) {
    // The TagManager renders CloudFormation's form; the props take the camel-cased one.
    const tags = (props.tags as Array<Record<string, unknown>> | undefined) ?? [];
    props.tags = tags.length === 0 ? undefined : tags.map((t) => ({ key: t.Key ?? t.key, value: t.Value ?? t.value }));
  }
  return props;
}

interface StackSource {
  readonly fn: string;
  readonly lines: string[];
}

/** The directories of the Lambda handlers, by their asset hash (a source fingerprint, as AssetStaging computes it). */
function handlerDirectories(): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name.endsWith('.lambda')) {
        found.set(FileSystem.fingerprint(full), path.relative(ROOT, full));
      } else if (entry.isDirectory()) {
        visit(full);
      }
    }
  };
  visit(path.join(ROOT, 'assets'));
  return found;
}

function stackSource(stack: Stack, template: any, assetHashes: string[], classes: Map<string, L1Class>, imports: Map<string, string>,
  handlers: Map<string, string>): StackSource {
  const fn = stack.node.id.charAt(0).toLowerCase() + stack.node.id.slice(1).replace(/[^A-Za-z0-9]/g, '');
  const lines: string[] = [];
  const env = Token.isUnresolved(stack.account) ? '' : `, { env: { account: ${quote(stack.account)}, region: ${quote(stack.region)} } }`;
  lines.push(`function ${fn}(app: App): Stack {`);
  lines.push(`  const stack = new Stack(app, ${quote(stack.node.id)}${env});`);
  for (const hash of assetHashes) {
    const dir = handlers.get(hash);
    if (!dir) {
      throw new Error(`${stack.node.path}: no directory under assets/ has the fingerprint ${hash}; run npx projen bundle`);
    }
    lines.push(`  stageLambdaAsset(stack, ${quote(dir)});`);
  }
  const names = new Map<string, string>();
  const resources = Object.entries<any>(template.Resources ?? {});
  for (const [logicalId, resource] of resources) {
    const intrinsics = new Intrinsics();
    const properties = intrinsics.hide(resource.Properties ?? {});
    const l1 = classes.get(resource.Type);
    const needsName = resource.DependsOn || resource.DeletionPolicy || resource.UpdateReplacePolicy
      || resources.some(([, other]) => ([] as string[]).concat(other.DependsOn ?? []).includes(logicalId));
    const name = needsName ? `r${names.size}` : '';
    if (name) {
      names.set(logicalId, name);
    }
    const start = name ? `  const ${name} = new` : '  new';
    if (l1) {
      imports.set(l1.alias, l1.module);
      const props = typedProps(l1, logicalId, properties);
      lines.push(`${start} ${l1.alias}.${l1.name}(stack, ${quote(logicalId)}, ${intrinsics.print(props, '  ')});`);
    } else {
      lines.push(`${start} CfnResource(stack, ${quote(logicalId)}, {`);
      lines.push(`    type: ${quote(resource.Type)},`);
      lines.push(`    properties: ${intrinsics.print(properties, '    ')},`);
      lines.push('  });');
    }
    for (const attribute of Object.keys(resource)) {
      if (!['Type', 'Properties', 'Metadata', 'DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy'].includes(attribute)) {
        throw new Error(`${stack.node.path}/${logicalId}: the baseline generator does not know the attribute ${attribute}`);
      }
    }
  }
  for (const [logicalId, resource] of resources) {
    const name = names.get(logicalId);
    const policy = (p: string) => `CfnDeletionPolicy.${p.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
    if (resource.DeletionPolicy) {
      lines.push(`  ${name}.cfnOptions.deletionPolicy = ${policy(resource.DeletionPolicy)};`);
    }
    if (resource.UpdateReplacePolicy) {
      lines.push(`  ${name}.cfnOptions.updateReplacePolicy = ${policy(resource.UpdateReplacePolicy)};`);
    }
    for (const dependency of ([] as string[]).concat(resource.DependsOn ?? [])) {
      lines.push(`  ${name}.addResourceDependency(${names.get(dependency)});`);
    }
  }
  for (const [logicalId, output] of Object.entries<any>(template.Outputs ?? {})) {
    const intrinsics = new Intrinsics();
    const props = {
      value: intrinsics.hide(output.Value),
      description: output.Description,
      exportName: output.Export ? intrinsics.hide(output.Export.Name) : undefined,
    };
    lines.push(`  new CfnOutput(stack, ${quote(logicalId)}, ${intrinsics.print(props, '  ')});`);
  }
  lines.push('  return stack;');
  lines.push('}');
  return { fn, lines };
}

/** The baseline source of one example app. */
export function baselineSource(example: string, build: (app: App) => Stack[]): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseline-'));
  try {
    const app = new App({ outdir });
    const stacks = build(app);
    const assembly = app.synth();
    const classes = l1Classes();
    const handlers = handlerDirectories();
    const imports = new Map<string, string>();
    const sources = stacks.map((stack) => {
      const artifact = assembly.getStackArtifact(stack.artifactId);
      const assets = zipAssetHashes(outdir, artifact);
      return stackSource(stack, artifact.template, assets, classes, imports, handlers);
    });
    const fnName = `build${example.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Baseline`;
    const importLines = [...imports.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([alias, module]) => `import * as ${alias} from '${module}';`);
    const body = sources.flatMap((s) => ['', ...s.lines]);
    const core = ['App', 'CfnDeletionPolicy', 'CfnOutput', 'CfnResource', 'Fn', 'Stack']
      .filter((name) => name === 'App' || name === 'Stack' || body.some((line) => new RegExp(`\\b${name}\\.|new ${name}\\(`).test(line)));
    return [
      `// Generated by bench/generate-baseline.ts from examples/${example}.ts: do not edit, run \`npx projen bench:baseline\`.`,
      '// The same CloudFormation resources as the example, written directly as L1 constructs.',
      '/* eslint-disable max-len */',
      `import { ${core.join(', ')} } from 'aws-cdk-lib';`,
      ...importLines,
      ...(body.some((line) => line.includes('stageLambdaAsset(')) ? ["import { stageLambdaAsset } from './stage-lambda-asset';"] : []),
      '',
      `export function ${fnName}(app: App): Stack[] {`,
      `  return [${sources.map((s) => `${s.fn}(app)`).join(', ')}];`,
      '}',
      ...body,
      '',
    ].join('\n');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  for (const [example, build] of exampleBuilders()) {
    const file = path.join(BASELINE_DIR, `${example}.ts`);
    fs.writeFileSync(file, baselineSource(example, build));
    console.log(`wrote ${path.relative(ROOT, file)}`);
  }
}
