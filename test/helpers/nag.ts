// cdk-nag 3 findings as plain data, shared by the jest suites and scripts/demo.ts.
//
// cdk-nag 3 is a CDK policy-validation plugin: when registered with
// `Validations.of(app).addPlugins(...)` its report only surfaces as a synth
// failure. `pack.validateScope(scope)` runs the same rules directly and
// returns `{ success, violations }`, which lets a test assert on individual rule
// ids. Acknowledgements (`Validations.of(c).acknowledge({ id, reason })` on the
// resource or any ancestor) are honoured inside `validateScope`, so everything
// returned here is unacknowledged.
import { Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

export interface NagFinding {
  /** Pack name, e.g. `AwsSolutions`, `NIST.800.53.R5`. */
  readonly pack: string;
  /** Rule id as used by `acknowledge`, e.g. `AwsSolutions-KMS5` or `AwsSolutions-IAM5[Resource::*]`. */
  readonly ruleId: string;
  readonly severity: string;
  /** Construct path of the offending CfnResource, e.g. `Stack/Key/Resource`. */
  readonly resourcePath: string;
  readonly locations: readonly string[];
  readonly description: string;
}

/** The packs this project holds itself to. A fresh set per call: packs keep state between runs. */
export function defaultNagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks()];
}

/**
 * Unacknowledged cdk-nag findings for every CfnResource under `scope`.
 *
 * The enclosing app is synthesized first (a no-op if it already was) because
 * validateScope only walks the construct tree: without synthesis, changes made
 * by Aspects (including ones the constructs under test add) would be invisible.
 */
export function nagFindings(scope: IConstruct, packs: NagPack[] = defaultNagPacks()): NagFinding[] {
  const root = scope.node.root;
  if (Stage.isStage(root)) {
    root.synth();
  }
  return packs.flatMap((pack) =>
    pack.validateScope(scope).violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({
        pack: pack.readPackName,
        ruleId: violation.ruleName,
        severity: violation.severity ?? 'error',
        resourcePath: resource.constructPath ?? resource.resourceLogicalId ?? '<unknown>',
        locations: resource.locations,
        description: violation.description,
      })),
    ),
  );
}

/** One line per finding, sorted, for failure messages and the demo script. */
export function formatNagFindings(findings: readonly NagFinding[]): string {
  if (findings.length === 0) {
    return 'no cdk-nag findings';
  }
  return findings
    .map((f) => `[${f.severity}] ${f.ruleId} at ${f.resourcePath}: ${f.description}`)
    .sort()
    .join('\n');
}
