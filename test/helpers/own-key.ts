// The library's key constructs verify rotation and are monitored by default, so their
// stack holds more than their own key: the rotation verification provider's log key and
// the stack monitor's alarm-topic key. Assertions about "the key" of a construct use these
// helpers to find the construct's own key, by its logical ID, and nothing else.
import { CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';

/** The logical ID of `resource`'s CloudFormation resource (its default child, or itself). */
export function logicalIdOf(resource: IConstruct): string {
  const cfn = (resource.node.defaultChild ?? resource) as CfnElement;
  if (!CfnResource.isCfnResource(cfn)) {
    throw new Error(`${resource.node.path} is not a CloudFormation resource and has none as its default child`);
  }
  return Stack.of(cfn).getLogicalId(cfn);
}

/** The logical ID of the key a library construct made for itself: its child `Key`. */
export function ownKeyLogicalId(construct: IConstruct): string {
  return logicalIdOf(construct.node.findChild('Key'));
}

/** The logical IDs of the CloudFormation resources at or below `scope`, of `type` when given, in tree order. */
export function logicalIdsUnder(scope: IConstruct, type?: string): string[] {
  return scope.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && (type === undefined || c.cfnResourceType === type))
    .map(r => Stack.of(r).getLogicalId(r));
}

/** `construct`'s own key in `template` (its whole resource: Type, Properties, DeletionPolicy...). */
export function ownKeyResource(template: Template, construct: IConstruct): any {
  const logicalId = ownKeyLogicalId(construct);
  const resource = (template.toJSON().Resources ?? {})[logicalId];
  if (!resource) {
    throw new Error(`${construct.node.path}: its key ${logicalId} is not in the template`);
  }
  return resource;
}

/**
 * A template that holds `construct`'s own key and nothing else, for `hasResource` and
 * `hasResourceProperties` assertions that no other key of the stack may satisfy.
 */
export function ownKeyTemplate(template: Template, construct: IConstruct): Template {
  return Template.fromJSON({ Resources: { [ownKeyLogicalId(construct)]: ownKeyResource(template, construct) } });
}
