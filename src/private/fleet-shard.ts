import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, ISynthesisSession, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * CloudFormation reads a nested stack's template from S3, where a template may hold
 * 1,000,000 bytes ("CloudFormation quotas": template body size in an Amazon S3 object, 1 MB).
 * aws-cdk-lib only warns past it; a fleet shard fails synthesis instead.
 */
export const MAX_TEMPLATE_BYTES = 1_000_000;

/**
 * One stack of a `TenantKeyFleet`: a nested stack that refuses to grow past its resource
 * budget or past the template size CloudFormation accepts, at synthesis rather than at deploy.
 */
export class FleetShard extends NestedStack {
  /** Holds the tenants' keys, one child per tenant ID, so no tenant ID meets a stack-level ID. */
  public readonly tenants: Construct;
  private preparedTemplate?: any;

  constructor(scope: Construct, id: string, private readonly budget: number, private readonly budgetProp: string) {
    super(scope, id, { description: `cdk-kms-patterns TenantKeyFleet ${scope.node.path}: ${id}` });
    this.tenants = new Construct(this, 'Tenants');
    this.node.addValidation({ validate: () => this.checkBudget() });
  }

  /**
   * aws-cdk-lib renders a nested stack's template twice: in the prepare phase, to hash it
   * for its asset, and again to write it. It cannot change in between (the hash names the
   * uploaded file, and references are resolved before), so the write reuses the render made
   * for the hash: a third of a fleet's synthesis. A test compares the file with a fresh render.
   * @internal
   */
  protected _toCloudFormation(): any {
    const prepared = this.preparedTemplate;
    if (prepared) {
      this.preparedTemplate = undefined;
      return prepared;
    }
    const template = super._toCloudFormation();
    this.preparedTemplate = template;
    return template;
  }

  /** @internal */
  public _synthesizeTemplate(session: ISynthesisSession, ...rest: any[]): void {
    super._synthesizeTemplate(session, ...rest);
    const bytes = fs.statSync(path.join(session.assembly.outdir, this.templateFile)).size;
    if (bytes > MAX_TEMPLATE_BYTES) {
      throw new Error(`${this.node.path}: the template is ${bytes} bytes, more than the ${MAX_TEMPLATE_BYTES} bytes CloudFormation `
        + `reads from S3: lower \`${this.budgetProp}\` so that new tenants go to further stacks (tenants already placed never move)`);
    }
  }

  private checkBudget(): string[] {
    const count = this.node.findAll().filter(c => CfnResource.isCfnResource(c) && Stack.of(c) === (this as Stack)).length;
    if (count <= this.budget) {
      return [];
    }
    return [`${this.node.path}: \`${this.budgetProp}\` must be at least the ${count} resources this stack holds, got ${this.budget}. `
      + 'Tenants already placed never move: raise the budget (at most 500, CloudFormation\'s limit), or turn a per-tenant '
      + 'resource off (`verifyRotation`)'];
  }
}
