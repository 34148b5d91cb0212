import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { setHttpPut } from '../src/core/private/cfn-response';

/** The fields every CloudFormation custom-resource event of one resource shares. */
export interface EventBase {
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
}

export type Props = Record<string, unknown>;

/** The event fields of one custom resource of type `resourceType` in a stack of `account`. */
export function eventBase(resourceType: string, logicalResourceId: string, account = '111111111111'): EventBase {
  return {
    ServiceToken: `arn:aws:lambda:us-east-1:${account}:function:handler`,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/presigned',
    StackId: `arn:aws:cloudformation:us-east-1:${account}:stack/app/1234`,
    RequestId: 'request-1',
    LogicalResourceId: logicalResourceId,
    ResourceType: resourceType,
  };
}

/** Create, Update and Delete events for one resource, as CloudFormation sends them to a handler. */
export function cfnEvents(base: EventBase) {
  const withToken = (props: Props) => ({ ServiceToken: base.ServiceToken, ...props });
  return {
    createEvent(props: Props, requestId = base.RequestId): CloudFormationCustomResourceEvent {
      return { ...base, RequestId: requestId, RequestType: 'Create', ResourceProperties: withToken(props) };
    },
    updateEvent(physicalResourceId: string, props: Props, old: Props): CloudFormationCustomResourceEvent {
      return {
        ...base,
        RequestType: 'Update',
        PhysicalResourceId: physicalResourceId,
        ResourceProperties: withToken(props),
        OldResourceProperties: withToken(old),
      };
    },
    deleteEvent(physicalResourceId: string, props: Props): CloudFormationCustomResourceEvent {
      return { ...base, RequestType: 'Delete', PhysicalResourceId: physicalResourceId, ResourceProperties: withToken(props) };
    },
  };
}

/** A Lambda context with `remainingMs` left before the function's timeout. */
export function lambdaContext(remainingMs = 900_000): Context {
  return { getRemainingTimeInMillis: () => remainingMs, logStreamName: '2026/01/01/[$LATEST]abc' } as unknown as Context;
}

/** A clock whose sleep returns at once and advances time, recording each pause. */
export function fakeClock() {
  const clock = {
    time: 0,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

/** The responses a handler sends to CloudFormation, captured instead of PUT to the presigned URL. */
export function captureResponses(): Array<{ url: string; body: Record<string, unknown> }> {
  const sent: Array<{ url: string; body: Record<string, unknown> }> = [];
  setHttpPut(async (url, body) => {
    sent.push({ url, body: JSON.parse(body) });
  });
  return sent;
}
