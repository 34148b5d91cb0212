import * as fs from 'fs';
import { ACCESS_GRAPHS_FILE, exampleBuilders, renderAccessGraphs } from '../../scripts/access-graphs';

// The pictures in docs/access-graphs.md come from the examples: a change of an example or of
// the graph must come with `npx projen graphs`.
describe('docs/access-graphs.md', () => {
  test('is the access graph of every example app, as rendered now (run `npx projen graphs` when this fails)', () => {
    expect(fs.readFileSync(ACCESS_GRAPHS_FILE, 'utf8')).toEqual(renderAccessGraphs());
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
