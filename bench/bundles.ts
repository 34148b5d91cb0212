// Measure 5: the size of each custom-resource handler asset. projen bundles src/**/*.lambda.ts
// with esbuild into assets/; the AWS SDK v3 is left out (external), since the Lambda Node.js
// runtime provides it, so an asset holds only the library's own code.
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { markdownTable } from './report';

const ROOT = path.join(__dirname, '..');

export interface BundleRow {
  /** The handler, e.g. core/private/redshift-sql. */
  readonly handler: string;
  readonly files: number;
  readonly bytes: number;
  /** Deflated at the highest level, about what the uploaded zip holds. */
  readonly deflatedBytes: number;
  /** The packages the bundle loads at run time instead of carrying them. */
  readonly external: string[];
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

function bundleRow(handler: string, dir: string, only: (file: string) => boolean = () => true): BundleRow {
  const files = filesUnder(dir).filter(only);
  const contents = files.map((f) => fs.readFileSync(f));
  const external = new Set<string>();
  for (const text of contents.map((c) => c.toString('utf-8'))) {
    for (const match of text.matchAll(/require\(["']([^"'.][^"']*)["']\)/g)) {
      external.add(match[1].startsWith('@') ? match[1].split('/').slice(0, 2).join('/') : match[1].split('/')[0]);
    }
  }
  return {
    handler,
    files: files.length,
    bytes: contents.reduce((sum, c) => sum + c.length, 0),
    deflatedBytes: contents.reduce((sum, c) => sum + zlib.deflateRawSync(c, { level: 9 }).length, 0),
    external: [...external].sort(),
  };
}

/** Every handler under assets/ (run `npx projen bundle` first), and the alpha module's SQL handler for comparison. */
export function measureBundles(): BundleRow[] {
  const assets = path.join(ROOT, 'assets');
  if (!fs.existsSync(assets)) {
    throw new Error('assets/ is missing: run `npx projen bundle` first');
  }
  const rows: BundleRow[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name.endsWith('.lambda')) {
        rows.push(bundleRow(path.relative(assets, full).replace(/\.lambda$/, ''), full));
      } else if (entry.isDirectory()) {
        visit(full);
      }
    }
  };
  visit(assets);
  const alpha = path.dirname(require.resolve('@aws-cdk/aws-redshift-alpha/lib/private/database-query-provider/index.js'));
  rows.push(bundleRow('@aws-cdk/aws-redshift-alpha database-query-provider (for comparison)', alpha, (f) => f.endsWith('.js')));
  return rows;
}

export function bundlesTable(rows: BundleRow[]): string {
  return markdownTable(
    ['handler', 'files', 'bytes', 'deflated bytes', 'loaded from the runtime'],
    rows.map((r) => [r.handler, r.files, r.bytes, r.deflatedBytes, r.external.join(', ') || '—']),
  );
}
