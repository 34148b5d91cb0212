import * as fs from 'fs';
import * as path from 'path';
import { ACCESS_GRAPH_SVG_DIR, ACCESS_GRAPHS_FILE, exampleBuilders, renderAccessGraphs, renderAccessGraphSvgs } from '../../scripts/access-graphs';

// The pictures in docs/access-graphs.md come from the examples: a change of an example or of
// the graph must come with `npx projen graphs`.
describe('docs/access-graphs.md', () => {
  test('is the access graph of every example app, as rendered now (run `npx projen graphs` when this fails)', () => {
    expect(fs.readFileSync(ACCESS_GRAPHS_FILE, 'utf8')).toEqual(renderAccessGraphs());
  });

  test('links the SVG picture of every example app, as rendered now', async () => {
    const svgs = await renderAccessGraphSvgs();
    expect(Object.keys(svgs).sort()).toEqual(exampleBuilders().map(([name]) => name).sort());
    for (const [name, svg] of Object.entries(svgs)) {
      expect(fs.readFileSync(path.join(ACCESS_GRAPH_SVG_DIR, `${name}.svg`), 'utf8')).toEqual(svg);
      expect(fs.readFileSync(ACCESS_GRAPHS_FILE, 'utf8')).toContain(`![access graph of ${name}](access-graphs/${name}.svg)`);
    }
  });

  test('has one Mermaid graph per example app', () => {
    const text = fs.readFileSync(ACCESS_GRAPHS_FILE, 'utf8');
    const examples = exampleBuilders().map(([name]) => name);
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const name of examples) {
      expect(text).toContain(`## ${name}\n`);
    }
    expect(text.match(/```mermaid\nflowchart LR\n/g)).toHaveLength(examples.length);
  });
});
