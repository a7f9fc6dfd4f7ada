import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, ISynthesisSession, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ResolvedFragments } from './resolved-fragments';

/**
 * CloudFormation reads a nested stack's template from S3, where a template may hold
 * 1,000,000 bytes ("CloudFormation quotas": template body size in an Amazon S3 object, 1 MB).
 * aws-cdk-lib only warns past it; a fleet shard fails synthesis instead.
 */
export const MAX_TEMPLATE_BYTES = 1_000_000;

/**
 * "CloudFormation quotas": a template declares at most 200 parameters and 200 outputs. A
 * shard gets a parameter per value of its parent it references (a grantee's ARN), and an
 * output per value of its own referenced outside it (a key's ARN).
 */
export const MAX_PARAMETERS = 200;
export const MAX_OUTPUTS = 200;

/**
 * One stack of a `TenantKeyFleet`: a nested stack that refuses to grow past its resource
 * budget or past the template size CloudFormation accepts, at synthesis rather than at deploy.
 */
export class FleetShard extends NestedStack {
  /** Holds the tenants' keys, one child per tenant ID, so no tenant ID meets a stack-level ID. */
  public readonly tenants: Construct;
  /** The render made for the asset hash, as JSON text, until the write. */
  private preparedTemplate?: string;
  /** The template being written, until its parameters and outputs are counted. */
  private writtenTemplate?: any;
  private writing = false;
  /** While the shard renders: what its fragments resolved to, so the merged template is not walked again. */
  private fragments?: ResolvedFragments;

  constructor(scope: Construct, id: string, private readonly budget: number, private readonly budgetProp: string) {
    super(scope, id, { description: `cdk-kms-patterns TenantKeyFleet ${scope.node.path}: ${id}` });
    this.tenants = new Construct(this, 'Tenants');
    this.node.addValidation({ validate: () => this.checkBudget() });
  }

  /**
   * aws-cdk-lib renders a nested stack's template twice: in the prepare phase, to hash it
   * for its asset, and again to write it. It cannot change in between (the hash names the
   * uploaded file, and references are resolved before), so the write reuses the render made
   * for the hash: a fifth of a fleet's synthesis. A test compares the file with a fresh render.
   * Kept as JSON text until the write: every shard is rendered before the first is written,
   * and 117 rendered templates held as objects would grow the heap, and each garbage
   * collection, by hundreds of megabytes.
   * @internal
   */
  protected _toCloudFormation(): any {
    const prepared = this.preparedTemplate;
    this.preparedTemplate = undefined;
    const template = prepared !== undefined ? JSON.parse(prepared) : this.render();
    if (this.writing) {
      this.writtenTemplate = template;
    } else {
      this.preparedTemplate = JSON.stringify(template);
    }
    return template;
  }

  /**
   * aws-cdk-lib's render, without its second walk over the resources (see `ResolvedFragments`):
   * 5 to 7% of a fleet's synthesis. Tests compare it with aws-cdk-lib's own render, and
   * fail on an aws-cdk-lib where it no longer engages (test:cdk-latest runs them).
   */
  private render(): any {
    this.fragments = new ResolvedFragments();
    try {
      return super._toCloudFormation();
    } finally {
      this.fragments = undefined;
    }
  }

  /** During a render, through `ResolvedFragments`; otherwise aws-cdk-lib's. */
  public resolve(obj: any): any {
    return this.fragments ? this.fragments.resolve(obj, x => super.resolve(x)) : super.resolve(obj);
  }

  /** @internal */
  public _synthesizeTemplate(session: ISynthesisSession, ...rest: any[]): void {
    this.writing = true;
    try {
      super._synthesizeTemplate(session, ...rest);
    } finally {
      this.writing = false;
    }
    const written = this.writtenTemplate;
    this.writtenTemplate = undefined;
    const bytes = fs.statSync(path.join(session.assembly.outdir, this.templateFile)).size;
    if (bytes > MAX_TEMPLATE_BYTES) {
      throw new Error(`${this.node.path}: the template is ${bytes} bytes, more than the ${MAX_TEMPLATE_BYTES} bytes CloudFormation `
        + `reads from S3: lower \`${this.budgetProp}\` so that new tenants go to further stacks (tenants already placed never move)`);
    }
    const parameters = Object.keys(written?.Parameters ?? {}).length;
    if (parameters > MAX_PARAMETERS) {
      throw new Error(`${this.node.path}: the template takes ${parameters} parameters, more than the ${MAX_PARAMETERS} CloudFormation allows: `
        + 'each is a value of the parent stack its keys reference, such as a grantee\'s ARN. Grant fewer distinct principals '
        + 'of the parent stack per stack, or import them by ARN (`iam.Role.fromRoleArn`)');
    }
    const outputs = Object.keys(written?.Outputs ?? {}).length;
    if (outputs > MAX_OUTPUTS) {
      throw new Error(`${this.node.path}: the template declares ${outputs} outputs, more than the ${MAX_OUTPUTS} CloudFormation allows: `
        + 'each is a value of its keys referenced outside it, such as a key\'s ARN in a grantee\'s policy');
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
