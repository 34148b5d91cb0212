import * as cxapi from 'aws-cdk-lib/cx-api';

/** One synthesized stack: its name, environment and template. */
export interface StackTemplate {
  /** The display name (for a stack of a nested stage, `Stage/Stack (Stage-Stack)`). */
  readonly name: string;
  /** The account, or `undefined` for environment-agnostic stacks. */
  readonly account?: string;
  /** The Region, or `undefined` for environment-agnostic stacks. */
  readonly region?: string;
  readonly template: { Resources?: Record<string, Resource>; Outputs?: Record<string, Output> };
}

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

export interface Output {
  readonly Value: unknown;
  readonly Export?: { Name?: unknown };
}

/** Every stack of an assembly, nested stages included, in a stable order. */
export function readTemplates(assembly: cxapi.CloudAssembly): StackTemplate[] {
  return assembly.stacksRecursively
    .map((stack) => ({
      name: stack.displayName,
      account: /^\d{12}$/.test(stack.environment.account) ? stack.environment.account : undefined,
      region: /^[a-z]{2}(-[a-z]+)+-\d$/.test(stack.environment.region) ? stack.environment.region : undefined,
      template: stack.template,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
