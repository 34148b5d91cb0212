import { awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-analytics-access',
  description: 'AWS CDK constructs that wire identity and access for Amazon Redshift, Athena and Lake Formation: least-privilege roles, correct trust policies and role associations, validated at synth time.',
  author: 'cdk-analytics-access maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/example/cdk-analytics-access.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'redshift', 'redshift-serverless', 'athena', 'lake-formation', 'iam', 'identity-center'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: '2.273.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  // Multi-language by construction; only the JavaScript package is built on this
  // machine (DESIGN.md §5: CI=true packages js only).
  publishToPypi: { distName: 'cdk-analytics-access', module: 'cdk_analytics_access' },
  publishToMaven: {
    javaPackage: 'io.github.cdkanalyticsaccess',
    mavenGroupId: 'io.github.cdkanalyticsaccess',
    mavenArtifactId: 'cdk-analytics-access',
  },
  publishToNuget: { dotNetNamespace: 'CdkAnalyticsAccess', packageId: 'CdkAnalyticsAccess' },
  publishToGo: { moduleName: 'github.com/example/cdk-analytics-access-go' },

  // The dev tsconfig stays top-level (DESIGN.md §5).
  tsconfigDevFile: 'tsconfig.dev.json',
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'scripts', 'bench'], projectService: false, tsconfigPath: './tsconfig.dev.json' },

  // A changed snapshot must fail the run, never rewrite itself (--ci).
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: { testMatch: ['<rootDir>/test/**/*.test.ts'] },
  },

  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    // The AWS SDK v3 comes with the Lambda runtime; bundle only our code.
    bundlingOptions: { externals: ['@aws-sdk/*'], sourcemap: false },
  },

  // AnalyticsAccessChecks is a cdk-nag rule pack: users bring their cdk-nag. 2.x is the Aspect
  // that works with aws-cdk-lib 2.273 (cdk-nag 3 needs a newer Validations API).
  peerDeps: ['cdk-nag@^2.38.2'],

  // Graphviz compiled to WebAssembly (no native binary) renders the access graph as SVG; bundled,
  // since it is not a jsii module. Its CommonJS build loads in the library's CommonJS output.
  bundledDeps: ['@viz-js/viz'],

  // `cdk-analytics-access graph <cdk.out>`: the access graph of a synthesized app.
  bin: { 'cdk-analytics-access': 'lib/cli/main.js' },

  devDeps: [
    '@types/node@^20',
    // The 2.1148 CLI reads the current cloud-assembly schema offline; the registry's 3.0.0 is an old build (DESIGN.md §5).
    'aws-cdk@2.1148.1',
    '@cloud-copilot/iam-simulate',
    'aws-sdk-client-mock',
    '@aws-sdk/client-redshift',
    '@aws-sdk/client-redshift-serverless',
    '@aws-sdk/client-redshift-data',
    '@aws-sdk/client-lakeformation',
    '@aws-sdk/client-athena',
    // The PostgreSQL scanner (WebAssembly, no native build): tests prove that quoted names and
    // literals stay one token whatever their text (gotcha G6).
    'libpg-query',
    '@types/aws-lambda',
    // Drives Debian's Chromium (apt, not a downloaded browser) to look at the SVG access graphs.
    'playwright-core',
    // bench/ only: the deploy machinery of the alpha module's User/Table, side by side with ours (issue 8).
    '@aws-cdk/aws-redshift-alpha@2.241.0-alpha.0',
  ],

  github: false,
  release: false,
  gitignore: ['/cdk.out/', '/examples/cdk.out/'],
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/bench/', '/.ci/', '/scripts/', '/docs/', 'tsconfig.dev.json', '/cdk.out/'] },
  sampleCode: false,
});

project.tsconfigDev.addInclude('.projenrc.ts');
project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('scripts/**/*.ts');
project.tsconfigDev.addInclude('bench/**/*.ts');

// The access graph of every example app, as Mermaid, into docs/access-graphs.md (a test keeps it current).
project.addTask('graphs', {
  description: 'Write docs/access-graphs.md: the access graph of every example app',
  exec: 'ts-node --project tsconfig.dev.json scripts/access-graphs.ts',
});

// The benchmarks of bench/: numbers into bench/RESULTS.md and bench/scale.svg (not part of the test suite).
project.addTask('bench', {
  description: 'Measure synth overhead, deploy machinery, scale and IAM document sizes into bench/RESULTS.md',
  // The alpha module calls deprecated aws-cdk-lib APIs; their warnings would drown the output.
  env: { JSII_DEPRECATED: 'quiet' },
  exec: 'ts-node --project tsconfig.dev.json bench/run.ts',
});

project.addTask('bench:baseline', {
  description: 'Write bench/baseline/: every example app as L1 constructs, the synth-overhead baseline',
  exec: 'ts-node --project tsconfig.dev.json bench/generate-baseline.ts',
});

// Synthesize every app under examples/ with the pinned CDK CLI, offline.
project.addTask('examples', {
  description: 'Synthesize every app under examples/ into cdk.out/<example>/ (no AWS credentials needed)',
  exec: 'node examples/synth-all.js',
});

project.synth();
