import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildAnalyticsAccessChecksApp } from '../../examples/analytics-access-checks';
import { buildAthenaTipApp } from '../../examples/athena-tip';
import { buildCopyUnloadApp } from '../../examples/copy-unload';
import { buildCrossAccountDataApiApp } from '../../examples/cross-account-data-api';
import { buildRedshiftIdcApp } from '../../examples/redshift-idc';
import { buildScheduledQueryApp } from '../../examples/scheduled-query';

// Every example app: cdk-nag AwsSolutions with no unsuppressed finding, and deterministic output.
const examples: Record<string, (app: App) => Stack[]> = {
  'analytics-access-checks': buildAnalyticsAccessChecksApp,
  'athena-tip': buildAthenaTipApp,
  'copy-unload': buildCopyUnloadApp,
  'cross-account-data-api': buildCrossAccountDataApiApp,
  'redshift-idc': buildRedshiftIdcApp,
  'scheduled-query': buildScheduledQueryApp,
};

describe.each(Object.entries(examples))('example %s', (_name, build) => {
  test('has no unsuppressed cdk-nag AwsSolutions finding', () => {
    // GIVEN
    const app = new App();
    const stacks = build(app);
    // WHEN
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    app.synth();
    // THEN
    for (const stack of stacks) {
      const findings = [
        ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
        ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ].map(f => `${f.id}: ${f.entry.data}`);
      expect(findings).toEqual([]);
    }
  });

  test('two synths give identical templates', () => {
    const first = build(new App()).map(s => JSON.stringify(Template.fromStack(s).toJSON()));
    const second = build(new App()).map(s => JSON.stringify(Template.fromStack(s).toJSON()));
    expect(second).toEqual(first);
    expect(first.join('')).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  test('identity policies use no AWS-managed policy and no wildcard action', () => {
    const stacks = build(new App());
    let allowedActions = 0;
    for (const stack of stacks) {
      const template = Template.fromStack(stack);
      // The one AWS-managed policy allowed anywhere: the read-only Query Editor v2 policy that AWS
      // documents for IdC permission sets; never *FullAccess or AdministratorAccess (G21).
      const managed = [...JSON.stringify(template.toJSON()).matchAll(/iam::aws:policy\/([A-Za-z0-9+=,.@_-]+)/g)].map((m) => m[1]);
      expect(managed.filter((name) => name !== 'AmazonRedshiftQueryEditorV2ReadSharing')).toEqual([]);
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect((role as any).Properties.ManagedPolicyArns).toBeUndefined();
      }
      const allowed = Object.values(template.findResources('AWS::IAM::Policy'))
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
        .filter((s: any) => s.Effect === 'Allow')
        .flatMap((s: any) => [s.Action].flat());
      allowedActions += allowed.length;
      expect(allowed.filter((a: string) => a === '*' || a.endsWith(':*') || a.endsWith('*'))).toEqual([]);
    }
    expect(allowedActions).toBeGreaterThan(0);
  });
});
