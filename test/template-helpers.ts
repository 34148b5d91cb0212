import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';

/** The account and Region of the test stacks. */
export const TEST_ENV = { account: '111111111111', region: 'us-east-1' };

/** A fresh app and a stack `S` in `TEST_ENV`. */
export function newStack(): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'S', { env: TEST_ENV });
  return { app, stack };
}

/** The logical id of a construct's CloudFormation resource (its default child, or itself). */
export function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as any);
}

/** Every statement of every AWS::IAM::Policy of the stack. */
export function allPolicyStatements(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}
