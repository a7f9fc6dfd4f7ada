import { CfnResource, Duration, IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagPack, NagPackProps, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { RULES, RuleEntry, Standard, findingText } from './private/catalog';
import { MAX_SECRET_ROTATION_DAYS, PENDING_WINDOW_DAYS, ROTATION_PERIOD_DAYS } from './private/kms';
import { isRendered } from './private/template';

/**
 * Options of an `EncryptionStandardsChecks` pack: the thresholds and allow-lists of
 * your encryption standard. Every option has the strict default.
 */
export interface EncryptionStandardsChecksProps extends NagPackProps {
  /**
   * The longest a KMS key may go between automatic rotations (rule EncStd-KMS2), a
   * whole number of days between 90 and 2560 (KMS's own bounds).
   * @default Duration.days(365)
   */
  readonly maxRotationPeriod?: Duration;

  /**
   * The shortest waiting period allowed before a KMS key is deleted (rule
   * EncStd-KMS3), a whole number of days between 7 and 30 (KMS's own bounds).
   * @default Duration.days(30)
   */
  readonly minPendingWindow?: Duration;

  /**
   * Whether multi-Region keys and replica keys are allowed (rule EncStd-KMS10).
   * Set to `false` where data-residency rules forbid key material in other Regions.
   * @default true
   */
  readonly allowMultiRegionKeys?: boolean;

  /**
   * Account IDs (12 digits) and principal ARNs outside the deploying account that a
   * key policy may grant access to, as principals or in account conditions
   * (`aws:PrincipalAccount`, `kms:CallerAccount`, `aws:SourceAccount`,
   * `aws:PrincipalArn`) (rule EncStd-KMS8). An account ID admits every principal of
   * that account.
   * @default - no cross-account access
   */
  readonly allowedCrossAccountPrincipals?: string[];

  /**
   * AWS Organizations IDs (`o-...`) that a key policy may name in
   * `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:SourceOrgID` or
   * `aws:SourceOrgPaths` (rule EncStd-KMS8).
   * @default - no organization-wide access
   */
  readonly allowedOrganizationIds?: string[];

  /**
   * The longest a Secrets Manager secret may go between automatic rotations (rule
   * EncStd-SMG2), a whole number of days between 1 and 1000.
   * @default Duration.days(90)
   */
  readonly maxSecretRotationInterval?: Duration;
}

/**
 * A cdk-nag pack that enforces an encryption standard on any CDK app: customer
 * managed KMS keys that rotate, are retained and have a safe policy, secrets under
 * such keys that rotate, and data stores (S3, DynamoDB, SQS, SNS, CloudWatch Logs,
 * EBS, RDS, EFS, Kinesis) encrypted with them.
 *
 * Rules read each resource as it is rendered into the template, so L1s, L2s and
 * escape-hatch overrides are judged alike; references to keys in the same stack are
 * followed; a value known only at deploy time (a parameter, an import) makes a rule
 * N/A rather than a finding. Rule IDs are `EncStd-<rule>`, e.g. `EncStd-KMS1`; see
 * RULES.md. Every finding says what is wrong and how to fix it in one line;
 * `verbose: true` adds why it matters, L1 property names and exceptions.
 *
 * In cdk-nag 3 a pack added with `Validations.of(app).addPlugins(...)` fails
 * synthesis on any finding, warnings included. To report without failing, call
 * `validateScope(app)` after `app.synth()` and print the violations.
 *
 * @example
 * Validations.of(app).addPlugins(new EncryptionStandardsChecks(app, {
 *   maxRotationPeriod: Duration.days(180),
 *   allowMultiRegionKeys: false,
 * }));
 */
export class EncryptionStandardsChecks extends NagPack {
  /** The plugin's name, also the prefix of its rule IDs. */
  public readonly name: string = 'EncStd';

  private readonly checks: Array<{ readonly entry: RuleEntry; readonly rule: (node: CfnResource) => NagRuleResult }>;
  private readonly scope?: IConstruct;

  /**
   * @param scope the app (or any construct) the pack checks when it runs as a
   *   validation plugin; not needed for `validateScope`
   * @param props the standard's thresholds and allow-lists
   */
  constructor(scope?: IConstruct, props: EncryptionStandardsChecksProps = {}) {
    super(scope, props);
    this.packName = 'EncStd';
    this.scope = scope;
    const standard: Standard = {
      maxRotationDays: wholeDays('maxRotationPeriod', props.maxRotationPeriod, ROTATION_PERIOD_DAYS.default, ROTATION_PERIOD_DAYS.min, ROTATION_PERIOD_DAYS.max),
      minPendingWindowDays: wholeDays('minPendingWindow', props.minPendingWindow, PENDING_WINDOW_DAYS.default, PENDING_WINDOW_DAYS.min, PENDING_WINDOW_DAYS.max),
      allowMultiRegionKeys: props.allowMultiRegionKeys ?? true,
      allowedCrossAccountPrincipals: validated('allowedCrossAccountPrincipals', props.allowedCrossAccountPrincipals,
        /^(\d{12}|arn:aws[a-z-]*:(iam|sts)::\d{12}:.+)$/, 'a 12-digit account ID or an IAM/STS principal ARN'),
      allowedOrganizationIds: validated('allowedOrganizationIds', props.allowedOrganizationIds,
        /^o-[a-z0-9]{10,32}$/, 'an organization ID such as o-a1b2c3d4e5'),
      maxSecretRotationDays: wholeDays('maxSecretRotationInterval', props.maxSecretRotationInterval, DEFAULT_MAX_SECRET_ROTATION_DAYS, 1, MAX_SECRET_ROTATION_DAYS),
    };
    this.checks = RULES.map(entry => ({ entry, rule: entry.check(standard) }));
  }

  /**
   * Entry point of the CDK validation framework (`Validations.of(app).addPlugins`).
   *
   * cdk-nag 3's `NagPack.validate` needs the construct tree on the context
   * (`appConstruct`), which aws-cdk-lib up to at least 2.257 does not provide (it
   * passes only the template paths), so every NagPack fails there. This pack
   * checks the tree the context carries when there is one, and otherwise the
   * `scope` it was constructed with.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const withTree = context as IPolicyValidationContext & { readonly appConstruct?: IConstruct; readonly scope?: IConstruct };
    const tree = withTree.appConstruct ?? withTree.scope ?? this.scope;
    return tree ? this.validateScope(tree) : super.validate(context);
  }

  /** Applies every rule of the pack to `node`. */
  protected checkResource(node: CfnResource): void {
    // A resource that opts out of synthesis is not deployed: nothing to judge.
    if (!isRendered(node)) {
      return;
    }
    for (const { entry, rule } of this.checks) {
      this.applyRule({
        ruleSuffixOverride: entry.id,
        info: findingText(entry),
        explanation: entry.explanation,
        level: entry.level,
        rule,
        node,
      });
    }
  }
}

/** The strict standard's longest secret rotation interval (EncStd-SMG2), stricter than Secrets Manager allows. */
const DEFAULT_MAX_SECRET_ROTATION_DAYS = 90;

function wholeDays(prop: string, value: Duration | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (value.isUnresolved()) {
    throw new Error(`EncryptionStandardsChecks: \`${prop}\` must be known at synth time, got a token`);
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < min || days > max) {
    throw new Error(`EncryptionStandardsChecks: \`${prop}\` must be a whole number of days between ${min} and ${max}, got ${value.toHumanString()}`);
  }
  return days;
}

function validated(prop: string, values: string[] | undefined, pattern: RegExp, allowed: string): string[] {
  for (const value of values ?? []) {
    if (!pattern.test(value)) {
      throw new Error(`EncryptionStandardsChecks: every entry of \`${prop}\` must be ${allowed}, got "${value}"`);
    }
  }
  return [...(values ?? [])];
}
