import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One entry of a resource's `Metadata.checkov.skip`, the form checkov reads in CloudFormation. */
interface CheckovSkip {
  readonly id: string;
  readonly comment: string;
}

/**
 * Acknowledges checkov check `id` on the CloudFormation resource of `scope`, with the
 * reason a reviewer reads in checkov's report (its skipped checks), as `Validations`
 * acknowledges a cdk-nag rule. checkov scans templates, so the acknowledgement has to
 * travel in the template: `Metadata.checkov.skip`.
 */
export function skipCheckov(scope: IConstruct, id: string, comment: string): void {
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild as CfnResource;
  const existing = (resource.getMetadata('checkov') as { skip?: CheckovSkip[] } | undefined)?.skip ?? [];
  if (existing.some(s => s.id === id)) {
    return;
  }
  resource.addMetadata('checkov', { skip: [...existing, { id, comment }] });
}
