import type { Context } from 'aws-lambda';
import { describeError, DEADLINE_MARGIN_MS } from './cfn-response';

/** Time, injectable so handler tests run instantly. */
export interface Clock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface BudgetOptions {
  /** How long this request may wait and retry in total (capped by the Lambda deadline). */
  readonly timeoutSeconds: number;
  /** Interval between two polls of an asynchronous operation. */
  readonly pollSeconds: number;
  /** Error names (SDK v3 `error.name`) that `retrying` retries. */
  readonly retryable: ReadonlySet<string>;
}

const FIRST_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 30_000;
/** Leave room for our own timeout error before the handler's deadline guard answers. */
const OWN_DEADLINE_MARGIN_MS = DEADLINE_MARGIN_MS + 5_000;

/**
 * The time one custom-resource request may spend waiting and retrying: the configured timeout,
 * within the Lambda deadline, so the deployment fails with our own message (what was being
 * waited for) instead of a generic Lambda timeout.
 */
export class Budget {
  public readonly pollMs: number;
  private readonly deadline: number;
  private readonly seconds: number;

  constructor(private readonly clock: Clock, context: Context, private readonly options: BudgetOptions) {
    const ms = Math.min(options.timeoutSeconds * 1000, context.getRemainingTimeInMillis() - OWN_DEADLINE_MARGIN_MS);
    this.seconds = Math.max(0, Math.round(ms / 1000));
    this.deadline = clock.now() + ms;
    this.pollMs = options.pollSeconds * 1000;
  }

  /** True once the budget is spent. */
  public get expired(): boolean {
    return this.clock.now() >= this.deadline;
  }

  /** Throw a timeout error that says what was being done, once the budget is spent. */
  public check(doing: () => string): void {
    if (this.expired) {
      throw Object.assign(new Error(`Timed out after ${this.seconds} s ${doing()}.`), { name: 'TimeoutError' });
    }
  }

  public async sleep(ms: number): Promise<void> {
    await this.clock.sleep(Math.max(0, Math.min(ms, this.deadline - this.clock.now())));
  }

  /** Run `call`, retrying the retryable errors (throttling, concurrent modification) with capped exponential backoff. */
  public async retrying<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!this.options.retryable.has(errorName(error))) {
          throw error;
        }
        this.check(() => `${what}; last error: ${describeError(error)}`);
        console.log(`Retrying ${what} after ${describeError(error)}`);
        await this.sleep(backoffMs(attempt));
      }
    }
  }
}

/** Capped exponential backoff: 2 s, 4 s, 8 s, ... at most 30 s. */
function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** A positive number of seconds from a resource property (CloudFormation sends numbers as strings). */
export function parseSeconds(
  prop: string, value: unknown, fallback: number | undefined, fail: (p: string, v: unknown, fix: string) => never,
): number {
  if ((value === undefined || value === '') && fallback !== undefined) {
    return fallback;
  }
  const n = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
  if (value === '' || !Number.isFinite(n) || n <= 0) {
    return fail(prop, value, 'Give a positive number of seconds.');
  }
  return n;
}
