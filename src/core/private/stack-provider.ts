import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { suppressNag } from './nag';
import { checkRolePolicySizes } from './policy-size';

/** A projen-generated handler function class (`<name>-function.ts`). */
export type HandlerFunctionClass = new (scope: Construct, id: string, props: lambda.FunctionOptions) => lambda.Function;

/** What one kind of custom-resource handler is. */
export interface StackProviderOptions {
  /** The construct id under the stack; it becomes part of logical ids, so it never changes. */
  readonly id: string;
  readonly functionClass: HandlerFunctionClass;
  /** What the handler does, for the role and function descriptions. */
  readonly purpose: string;
  /** Why the handler role's wildcard findings (AwsSolutions-IAM5) are acceptable. */
  readonly wildcardReason: string;
  /**
   * What to do when the handler role's policies, which grow with the resources that use it,
   * would go over IAM's quotas (checked at synth, gotcha G19).
   */
  readonly policySizeFix: string;
}

/**
 * One custom-resource handler per stack and kind, however many resources use it: the number of
 * Lambda functions in a stack does not grow with them. The handler has its own role, without the
 * AWS-managed AWSLambdaBasicExecutionRole (G21), and its own log group.
 */
export class StackProvider extends Construct {
  public static of(scope: IConstruct, options: StackProviderOptions): StackProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(options.id) as StackProvider | undefined) ?? new StackProvider(stack, options);
  }

  public readonly fn: lambda.Function;

  private constructor(scope: Construct, options: StackProviderOptions) {
    super(scope, options.id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${options.purpose} (cdk-analytics-access)`,
    });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }));
    this.fn = new options.functionClass(this, 'Handler', {
      role,
      logGroup,
      timeout: Duration.minutes(15),
      memorySize: 256,
      description: `cdk-analytics-access: ${options.purpose}`,
    });
    checkRolePolicySizes(role, `the custom-resource handler (${options.purpose})`, options.policySizeFix);
    suppressNag(role, 'AwsSolutions-IAM5',
      `logs:CreateLogStream/PutLogEvents on the log group ARN, which ends in ":*" to cover its streams; ${options.wildcardReason}`);
  }
}
