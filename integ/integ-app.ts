// Shared by every integ/integ.*.ts app (this file's name does not match integ-runner's
// test pattern, so it is not a test itself).
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { SafeKeyOptions } from '../src';

/**
 * The app of an integration test. aws-cdk-lib 2.257 records a creation stack trace
 * (absolute file paths and line numbers) in each stack's metadata unless this context
 * is set, and integ-runner 2.197 does not set it: without it the committed snapshot
 * would hold local paths and change with every edit to the test file.
 */
export function integApp(): App {
  return new App({ context: { 'aws:cdk:disable-creation-stack-traces': true } });
}

/**
 * Integ tests deploy and destroy their stacks. The library defaults (RETAIN, a 30-day
 * pending window) would leave a billed key behind for every run; these keys hold no
 * data, so integ stacks, and only they, let the destroy schedule deletion with the
 * shortest window KMS allows.
 */
export const DISPOSABLE_KEY: SafeKeyOptions = {
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: Duration.days(7),
};
