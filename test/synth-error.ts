import { App } from 'aws-cdk-lib';

/** The message of the synth error, or undefined when the app synthesizes. */
export function synthError(app: App): string | undefined {
  try {
    app.synth();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** "about M fit" of a trust-policy size error (gotcha G19), or undefined when there is no error. */
export function fitIn(message: string | undefined): number | undefined {
  if (message === undefined) {
    return undefined;
  }
  const match = /so about (\d+) fit/.exec(message);
  if (!match) {
    throw new Error(`not a trust-policy size error: ${message}`);
  }
  return Number(match[1]);
}
