#!/usr/bin/env node
// Synthesizes every app under examples/ with the pinned CDK CLI, offline and without AWS
// credentials, into cdk.out/<example>/, and prints where the templates are.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const examples = fs.readdirSync(__dirname).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
const env = {
  ...process.env,
  CDK_DISABLE_VERSION_CHECK: '1',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  // No credentials are needed to synthesize; make sure none are looked up.
  AWS_EC2_METADATA_DISABLED: 'true',
};

for (const file of examples) {
  const name = path.basename(file, '.ts');
  const out = path.join('cdk.out', name);
  fs.rmSync(path.join(root, out), { recursive: true, force: true });
  execFileSync('npx', [
    'cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting', '--no-path-metadata', '--no-asset-metadata',
    '--app', `npx ts-node --prefer-ts-exts --project tsconfig.dev.json examples/${file}`,
    '--output', out,
  ], { cwd: root, env, stdio: 'inherit' });
  const templates = fs.readdirSync(path.join(root, out)).filter(f => f.endsWith('.template.json')).sort();
  if (templates.length === 0) {
    throw new Error(`examples/${file} synthesized no stack`);
  }
  for (const t of templates) {
    console.log(`${file}: ${path.join(out, t)}`);
  }
}
