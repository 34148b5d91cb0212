// Small helpers shared by the measures: tables, medians and the templates of a synthesized stack.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, cx_api as cxapi } from 'aws-cdk-lib';

/** A markdown table; numbers are right-aligned. */
export function markdownTable(headers: string[], rows: Array<Array<string | number>>): string {
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  return [
    `| ${headers.join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
}

export function median(values: number[]): number {
  if (values.length === 0) {
    throw new Error('median of no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The template of one stack of a fresh app, synthesized in memory. */
export function synthesizedTemplate(build: (app: App) => Stack): any {
  const app = new App();
  const stack = build(app);
  return app.synth().getStackArtifact(stack.artifactId).template;
}

/** How many resources of each type a template holds. */
export function resourceTypes(template: any): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

/** The size CloudFormation checks against its template limits: the JSON as `cdk deploy` uploads it (minified). */
export function templateBytes(template: any): number {
  return Buffer.byteLength(JSON.stringify(template), 'utf-8');
}

/** The hashes of a stack's zipped assets (its Lambda handlers' code), sorted; the template, also an asset, is left out. */
export function zipAssetHashes(outdir: string, artifact: cxapi.CloudFormationStackArtifact): string[] {
  return artifact.dependencies.filter((d) => d.id.endsWith('.assets'))
    .flatMap((d) => Object.entries<any>(JSON.parse(fs.readFileSync(path.join(outdir, `${d.id}.json`), 'utf-8')).files ?? {}))
    .filter(([, file]) => file.source.packaging === 'zip')
    .map(([hash]) => hash)
    .sort();
}
