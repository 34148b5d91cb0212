import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { zipAssetHashes } from '../../bench/report';
import { synthPairs } from '../../bench/synth-overhead';

// The synth-overhead benchmark compares each example with its L1 baseline; the comparison means
// something only while the baseline produces the example's CloudFormation. Regenerate with
// `npx projen bench:baseline` when an example or the library's output changes.

/** What CloudFormation deploys: the template without construct metadata, DependsOn as the set it is. */
function deployed(template: any): any {
  const copy = JSON.parse(JSON.stringify(template));
  for (const resource of Object.values<any>(copy.Resources ?? {})) {
    delete resource.Metadata;
    if (Array.isArray(resource.DependsOn)) {
      resource.DependsOn.sort();
    }
  }
  return copy;
}

interface Synthesized {
  readonly templates: Record<string, any>;
  /** The zipped assets (handler code) of each stack, by hash. */
  readonly assets: Record<string, string[]>;
}

function synthesize(build: (app: App) => Stack[]): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseline-test-'));
  try {
    const app = new App({ outdir });
    const stacks = build(app);
    const assembly = app.synth();
    const templates: Record<string, any> = {};
    const assets: Record<string, string[]> = {};
    for (const stack of stacks) {
      const artifact = assembly.getStackArtifact(stack.artifactId);
      templates[stack.stackName] = deployed(artifact.template);
      assets[stack.stackName] = zipAssetHashes(outdir, artifact);
    }
    return { templates, assets };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe.each(synthPairs().map((p) => [p.example, p] as const))('L1 baseline of %s', (_example, pair) => {
  const library = synthesize(pair.library);
  const baseline = synthesize(pair.baseline);

  test('has the same stacks', () => {
    expect(Object.keys(baseline.templates)).toEqual(Object.keys(library.templates));
  });

  test('deploys the same resources, properties, outputs and parameters as the example', () => {
    for (const [stackName, template] of Object.entries(library.templates)) {
      expect(baseline.templates[stackName]).toEqual(template);
    }
  });

  test('stages the same handler code', () => {
    expect(baseline.assets).toEqual(library.assets);
  });
});

test('the comparison notices a missing resource and a changed property', () => {
  // GIVEN
  const template = { Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'a' }, Metadata: { x: 1 }, DependsOn: ['C', 'B'] } } };
  // THEN
  expect(deployed(template)).toEqual({ Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'a' }, DependsOn: ['B', 'C'] } } });
  expect(deployed(template)).not.toEqual(deployed({ Resources: {} }));
  expect(deployed(template)).not.toEqual(deployed({ Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'b' } } } }));
});
