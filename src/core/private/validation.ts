import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The one way this library reports bad input at synth time: the construct path, the
 * property, the value received and the fix, so the user can act without reading our code.
 */
export function validationError(scope: IConstruct | string, prop: string, value: unknown, fix: string): Error {
  const where = typeof scope === 'string' ? scope : scope.node.path;
  const error = new Error(`[${where}] ${prop}: ${describe(value)} is not valid. ${fix}`);
  error.name = 'ValidationError';
  return error;
}

/**
 * Throw `validationError` unless `ok`. `scope` is the construct whose props are checked, or,
 * for a value that belongs to no construct (a static factory's input), the API's name.
 */
export function check(ok: boolean, scope: IConstruct | string, prop: string, value: unknown, fix: string): void {
  if (!ok) {
    throw validationError(scope, prop, value, fix);
  }
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'string') {
    return Token.isUnresolved(value) ? '(unresolved token)' : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(describe).join(', ')}]`;
  }
  return String(value);
}
