import * as https from 'https';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

/** What a handler's `onEvent` returns when it succeeds. */
export interface CustomResourceResult {
  readonly physicalResourceId: string;
  readonly data?: Record<string, unknown>;
}

/** The answer sent to CloudFormation. */
export interface CfnResponse {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId: string;
  readonly reason?: string;
  readonly data?: Record<string, unknown>;
}

export type OnEvent = (event: CloudFormationCustomResourceEvent, context: Context) => Promise<CustomResourceResult>;

/** Uploads the response body to the presigned `ResponseURL`. */
export type HttpPut = (url: string, body: string) => Promise<void>;

/**
 * Sent when a Create fails before the handler knows an id. CloudFormation rolls the failed
 * Create back with a Delete of this id, which `customResourceHandler` answers without work.
 */
export const CREATE_FAILED_PHYSICAL_ID = 'cdk-analytics-access:create-failed';

/** Answer this long before the Lambda deadline, so CloudFormation never waits its own 1 h timeout. */
export const DEADLINE_MARGIN_MS = 10_000;

/** CloudFormation rejects response bodies over 4096 bytes (custom resource response objects). */
const MAX_BODY_BYTES = 4096;

let httpPut: HttpPut = httpsPut;

/** Replace the HTTP sender (tests); `undefined` restores the real HTTPS PUT. */
export function setHttpPut(put: HttpPut | undefined): void {
  httpPut = put ?? httpsPut;
}

/**
 * Make an error carry the physical id of what the failed request may already have changed, so
 * CloudFormation's rollback Delete reaches it instead of the `CREATE_FAILED_PHYSICAL_ID` no-op.
 */
export function withPhysicalResourceId(error: unknown, physicalResourceId: string): unknown {
  if (error instanceof Error) {
    Object.assign(error, { physicalResourceId });
  }
  return error;
}

/** `Name: message` of any thrown value; SDK v3 errors name the service's error code. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}

/** PUT the response to CloudFormation, keeping the body within its 4 KB limit. */
export async function sendResponse(event: CloudFormationCustomResourceEvent, response: CfnResponse): Promise<void> {
  await httpPut(event.ResponseURL, responseBody(event, response));
}

/** The JSON body; a too long Reason is cut, and Data that cannot fit turns the answer into FAILED. */
export function responseBody(event: CloudFormationCustomResourceEvent, response: CfnResponse): string {
  const render = (r: CfnResponse, reason: string | undefined) => JSON.stringify({
    Status: r.status,
    Reason: reason,
    PhysicalResourceId: r.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: r.data,
  });
  const reason = response.reason;
  let body = render(response, reason);
  if (Buffer.byteLength(body) <= MAX_BODY_BYTES) {
    return body;
  }
  const withoutReason = Buffer.byteLength(render(response, ''));
  if (reason !== undefined && withoutReason < MAX_BODY_BYTES - 100) {
    // JSON escaping can grow a character to 6 bytes; shrink until it fits.
    let keep = Math.min(reason.length, MAX_BODY_BYTES - withoutReason - 20);
    do {
      body = render(response, `${reason.slice(0, keep)} [truncated]`);
      keep = Math.floor(keep * 0.8);
    } while (Buffer.byteLength(body) > MAX_BODY_BYTES);
    return body;
  }
  return render({ status: 'FAILED', physicalResourceId: response.physicalResourceId },
    `The response Data is ${withoutReason} bytes; CloudFormation accepts at most ${MAX_BODY_BYTES}.`);
}

/**
 * A Lambda handler for a custom resource whose ServiceToken is the function itself: it runs
 * `onEvent`, answers SUCCESS or FAILED with the service's own error, and answers FAILED
 * `DEADLINE_MARGIN_MS` before the Lambda timeout if `onEvent` is still running.
 */
export function customResourceHandler(onEvent: OnEvent): (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void> {
  return async (event, context) => {
    console.log(`${event.RequestType} ${event.LogicalResourceId} (${'PhysicalResourceId' in event ? event.PhysicalResourceId : 'new'})`);
    const idOnFailure = event.RequestType === 'Create' ? CREATE_FAILED_PHYSICAL_ID : event.PhysicalResourceId;
    if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID) {
      return sendResponse(event, { status: 'SUCCESS', physicalResourceId: CREATE_FAILED_PHYSICAL_ID });
    }

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<CfnResponse>((resolve) => {
      const budgetMs = Math.max(0, context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS);
      timer = setTimeout(() => resolve({
        status: 'FAILED',
        physicalResourceId: idOnFailure,
        reason: `Timed out: the handler was still running ${Math.round(budgetMs / 1000)} s after it started, `
          + `${DEADLINE_MARGIN_MS / 1000} s before the Lambda timeout. Log stream: ${context.logStreamName}`,
      }), budgetMs);
    });
    const work = onEvent(event, context).then(
      (result): CfnResponse => ({ status: 'SUCCESS', physicalResourceId: result.physicalResourceId, data: result.data }),
      (error: unknown): CfnResponse => {
        console.error(error);
        const attached = (error as { physicalResourceId?: unknown } | undefined)?.physicalResourceId;
        return {
          status: 'FAILED',
          physicalResourceId: typeof attached === 'string' ? attached : idOnFailure,
          reason: describeError(error),
        };
      });

    try {
      const response = await Promise.race([work, deadline]);
      console.log(`${response.status} ${response.physicalResourceId}${response.reason ? `: ${response.reason}` : ''}`);
      await sendResponse(event, response);
    } finally {
      clearTimeout(timer);
    }
  };
}

function httpsPut(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // The presigned S3 URL is signed for an empty content-type.
    const request = https.request(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
          resolve();
        } else {
          reject(new Error(`CloudFormation did not accept the response: HTTP ${res.statusCode}`));
        }
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}
