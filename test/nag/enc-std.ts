// Test helpers for the EncryptionStandardsChecks suites: run the pack (through the
// shared cdk-nag helper, which synthesizes the app first) and read its findings per
// resource.
import { App, CfnResource, Stack, StackProps } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { EncryptionStandardsChecks, EncryptionStandardsChecksProps } from '../../src/nag/encryption-standards-checks';
import { NagFinding, nagFindings } from '../helpers/nag';

/** A concrete account and Region, so literal account IDs can be told apart. */
export const ENV = { account: '111111111111', region: 'eu-west-1' };

/** A fresh stack in a fresh app. */
export function newStack(props: StackProps = { env: ENV }): Stack {
  return new Stack(new App(), 'Stack', props);
}

/** The pack's unacknowledged findings under `scope`. */
export function encStdFindings(scope: IConstruct, props?: EncryptionStandardsChecksProps): NagFinding[] {
  return nagFindings(scope, [new EncryptionStandardsChecks(undefined, props)]);
}

/** The CfnResource behind an L1 or L2. */
export function cfnOf(construct: IConstruct): CfnResource {
  const cfn = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  if (!cfn || !CfnResource.isCfnResource(cfn)) {
    throw new Error(`${construct.node.path} has no CfnResource`);
  }
  return cfn;
}

/** Sorted rule IDs the pack reports on one resource. */
export function idsOn(construct: IConstruct, props?: EncryptionStandardsChecksProps): string[] {
  const path = cfnOf(construct).node.path;
  return encStdFindings(Stack.of(construct), props).filter(f => f.resourcePath === path).map(f => f.ruleId).sort();
}
