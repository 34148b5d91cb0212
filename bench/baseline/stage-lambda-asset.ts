import * as path from 'path';
import { AssetStaging, FileAssetPackaging, Stack } from 'aws-cdk-lib';

const ROOT = path.join(__dirname, '..', '..');

/**
 * A Lambda handler's code as an L1 app ships it: the directory staged into the cloud assembly and
 * published as a zip, the same work `lambda.Code.fromAsset` does for the library's handlers.
 */
export function stageLambdaAsset(stack: Stack, directory: string): void {
  const staging = new AssetStaging(stack, `Asset${path.basename(directory, '.lambda')}`, { sourcePath: path.join(ROOT, directory) });
  stack.synthesizer.addFileAsset({
    sourceHash: staging.assetHash,
    fileName: staging.relativeStagedPath(stack),
    packaging: FileAssetPackaging.ZIP_DIRECTORY,
  });
}
