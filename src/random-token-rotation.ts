import { ArnFormat, CfnResource, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { skipCheckov } from './private/checkov';
import { Component, aliasPath, logGroupPath } from './private/names';
import { createSecureKey } from './private/secure-key';
import { invalidProp } from './private/validate';
import { RotateTokenFunction } from './token-rotation/rotate-token-function';
import { TOKEN_ENV, TOKEN_LENGTH } from './token-rotation/steps';

/** Properties for a `RandomTokenRotation`. */
export interface RandomTokenRotationProps {
  /**
   * Characters in each new token (8-4096; `GetRandomPassword` makes it).
   * @default 32
   */
  readonly tokenLength?: number;

  /**
   * Make tokens of letters and digits only. Punctuation is often mangled where tokens
   * travel (HTTP headers, URLs, shell variables).
   * @default true
   */
  readonly excludePunctuation?: boolean;

  /**
   * What happens to the function's log group and its key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A rotation function for secrets that only Secrets Manager holds, such as an API token or
 * a shared secret an application reads at run time: each rotation stores a new random
 * value and makes it current. It needs no database, no VPC and no network beyond the
 * Secrets Manager API, so it rotates in a fresh account as deployed.
 *
 * Pass `function` as `RotatedSecret`'s `rotationLambda` (or to a secret's
 * `addRotationSchedule`): the rotation schedule grants it what rotating that secret needs,
 * on that secret only (read, `PutSecretValue`, `UpdateSecretVersionStage`, the secret's key
 * through Secrets Manager, and `GetRandomPassword`, which has no resource). The function
 * holds no permission on any secret until a schedule names it. Secrets Manager may invoke
 * it for secrets of this account only (`aws:SourceAccount`, as "Permissions for rotation"
 * in the Secrets Manager User Guide recommends).
 *
 * Use it for values you hand out from Secrets Manager, not for a credential another
 * system must learn: nothing tells any other system about the new value.
 *
 * @example
 * const rotation = new RandomTokenRotation(this, 'TokenRotation');
 * new RotatedSecret(this, 'ApiToken', { rotationLambda: rotation.function });
 */
export class RandomTokenRotation extends Construct {
  /** The rotation function. */
  public readonly function: lambda.IFunction;
  /** Where the function logs, encrypted with a customer-managed key of its own. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: RandomTokenRotationProps = {}) {
    super(scope, id);
    const tokenLength = props.tokenLength ?? TOKEN_LENGTH.default;
    if (!Token.isUnresolved(tokenLength) && (!Number.isInteger(tokenLength) || tokenLength < TOKEN_LENGTH.min || tokenLength > TOKEN_LENGTH.max)) {
      invalidProp(this, 'tokenLength', tokenLength, `must be a whole number from ${TOKEN_LENGTH.min} to ${TOKEN_LENGTH.max}`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stack = Stack.of(this);

    // A name the log key's policy can predict: the log group refers to the key, so the key
    // cannot refer to the log group.
    const logGroupName = `${logGroupPath(Component.TOKEN_ROTATION)}/${Names.uniqueId(this)}`;
    const logKey = createSecureKey(this, {
      aliasName: `${aliasPath(Component.TOKEN_ROTATION)}/${Names.uniqueId(this)}`,
      aliasSource: { prop: 'id', value: this.node.id },
      defaultDescription: `Encrypts the log group of the token rotation function ${this.node.path}`,
      removalPolicy,
    });
    logKey.policy.allowLogGroupEncryption(stack.formatArn({
      service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      encryptionKey: logKey.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    this.logGroup = logGroup;

    const role = new ManagedPolicyRole(this, 'Role', 'Rotates secrets to new random values (cdk-kms-patterns RandomTokenRotation)');
    logGroup.grantWrite(role);
    const fn = new SecretsManagerInvokedFunction(this, 'Function', {
      role,
      logGroup,
      timeout: Duration.seconds(30),
      memorySize: 256,
      description: 'cdk-kms-patterns RandomTokenRotation: stores a new random token in each rotation',
      // The construct's own key, not Lambda's AWS managed key (checkov CKV_AWS_173).
      environmentEncryption: logKey.key,
      environment: {
        [TOKEN_ENV.length]: String(tokenLength),
        [TOKEN_ENV.excludePunctuation]: String(props.excludePunctuation ?? true),
      },
    });
    // Invocable by Secrets Manager even when wired by hand (CfnRotationSchedule); a schedule's
    // own grant lands on the same permission.
    fn.grantInvoke(new iam.ServicePrincipal(SECRETS_MANAGER));
    // The schedule rotates as soon as it exists, so every grant (the schedule's included)
    // must be in place before: the function waits for the policy. Its dependency on the role
    // is implied by the role's ARN (cfn-lint W3005).
    (fn.node.defaultChild as CfnResource).addOverride('DependsOn', [(role.policy.node.defaultChild as CfnResource).logicalId]);
    this.function = fn;
    acknowledgeInherentFindings(fn, role);
  }
}

const SECRETS_MANAGER = 'secretsmanager.amazonaws.com';
const SECRETS_MANAGER_INVOKE_ID = 'SecretsManagerInvoke';

/**
 * A function whose invoke grants to Secrets Manager carry `aws:SourceAccount`: the grant
 * `secretsmanager.RotationSchedule` makes names the bare service principal, which would let
 * a secret of any account name this function as its rotation function (a confused deputy).
 */
class SecretsManagerInvokedFunction extends RotateTokenFunction {
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee.grantPrincipal;
    // By shape, not `instanceof`: the schedule's principal may come from another copy of aws-cdk-lib.
    const service = (principal as Partial<iam.ServicePrincipal>).service;
    if (service === SECRETS_MANAGER && Object.keys(principal.policyFragment.conditions).length === 0) {
      // One permission under a fixed id: the id grantInvoke derives hashes the principal,
      // token strings included, and those differ between runs (a logical ID that moves).
      if (!this.node.tryFindChild(SECRETS_MANAGER_INVOKE_ID)) {
        this.addPermission(SECRETS_MANAGER_INVOKE_ID, { principal, sourceAccount: Stack.of(this).account });
      }
      return iam.Grant.drop(grantee, `invoke ${this.node.path}: its ${SECRETS_MANAGER_INVOKE_ID} permission, with aws:SourceAccount`);
    }
    return super.grantInvoke(grantee);
  }
}

/**
 * A role whose every grant lands in one customer-managed policy instead of an inline
 * default policy (the NIST, HIPAA and PCI packs flag inline policies): the rotation
 * schedule's grants included, which arrive through `addToPrincipalPolicy`.
 */
class ManagedPolicyRole extends iam.Role {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, description: string) {
    super(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
    this.policy = new iam.ManagedPolicy(scope, 'Policy', { roles: [this] });
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}

/** The findings a Lambda-based rotation function carries by design, each with its reason. */
function acknowledgeInherentFindings(fn: IConstruct, role: ManagedPolicyRole): void {
  // `checkov`: the same finding's checkov check, acknowledged in the template with the same reason.
  const ack = (scope: IConstruct, ids: string[], reason: string, checkov?: string): void => {
    Validations.of(scope).acknowledge(...ids.map(id => ({ id, reason })));
    if (checkov) skipCheckov(scope, checkov, reason);
  };
  ack(fn, ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC'],
    'Calls only the Secrets Manager API and serves no inbound traffic; a VPC would add NAT or an interface endpoint '
    + 'and give the function network access it does not need.', 'CKV_AWS_117');
  ack(fn, ['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency'],
    'Runs four times per rotation (days apart); reserved concurrency would take capacity from the account\'s unreserved '
    + 'pool and fails to deploy in accounts whose concurrency quota is at its minimum.', 'CKV_AWS_115');
  ack(fn, ['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ'],
    'Secrets Manager invokes rotation functions synchronously and records a failed step as a failed rotation '
    + '(RotationFailed in CloudTrail, which the EncryptionMonitor watches); a dead-letter queue receives only failed '
    + 'asynchronous invocations, which never happen here.', 'CKV_AWS_116');
  ack(fn, ['AwsSolutions-L1'],
    'The runtime is pinned by the project\'s projen lambdaOptions (nodejs22.x, a supported LTS); moving to a newer '
    + 'runtime is a release of this library, not a setting.');
  ack(role.policy, ['AwsSolutions-IAM5[Resource::*]'],
    'secretsmanager:GetRandomPassword, added by the rotation schedule, supports no resource-level permissions: AWS '
    + 'documents `*` as its only resource.');
}
