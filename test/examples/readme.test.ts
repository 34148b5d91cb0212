import * as fs from 'fs';
import * as path from 'path';

// README examples are taken from examples/: every code line of a block introduced by
// "from the same example" / "From [`examples/<file>`]" must stand in that file, so the README
// cannot drift from code that is synthesized and checked in CI.
const root = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

function blocksTakenFromExamples(): Array<{ file: string; code: string }> {
  const blocks: Array<{ file: string; code: string }> = [];
  const pattern = /examples\/([a-z0-9-]+\.ts)[^\n]*\n(?:[^\n]*\n)??\n?```ts\n([\s\S]*?)```/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(readme)) !== null) {
    blocks.push({ file: match[1], code: match[2] });
  }
  return blocks;
}

const normalize = (line: string) => line.trim().replace(/\s+/g, ' ');

describe('README', () => {
  const blocks = blocksTakenFromExamples();

  test('has example blocks taken from examples/', () => {
    const files = blocks.map(b => b.file);
    expect(files.filter(f => f === 'copy-unload.ts')).toHaveLength(2);
    expect(files.filter(f => f === 'redshift-idc.ts')).toHaveLength(5);
    expect(files.filter(f => f === 'cross-account-data-api.ts')).toHaveLength(2);
    expect(files.filter(f => f === 'scheduled-query.ts')).toHaveLength(2);
    expect(files.filter(f => f === 'athena-tip.ts')).toHaveLength(6);
    expect(files.filter(f => f === 'analytics-access-checks.ts')).toHaveLength(1);
  });

  test.each(blocks.map(b => [b.file, b.code] as const))('block from %s matches the example line by line', (file, code) => {
    const source = new Set(fs.readFileSync(path.join(root, 'examples', file), 'utf8').split('\n').map(normalize));
    const missing = code.split('\n').map(normalize).filter(l => l !== '' && !l.startsWith('//') && !source.has(l));
    expect(missing).toEqual([]);
  });
});
