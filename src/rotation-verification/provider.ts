import { Aws, CfnElement, CfnResource, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { MAX_ARN_LENGTH, MAX_KEY_ARN_LENGTH } from './requirements';
import { VerifyRotationFunction } from './verify-rotation-function';
import { skipCheckov } from '../private/checkov';
import { recordFootprint } from '../private/footprint';
import { Component, LIBRARY_NAME_PASCAL, aliasPath, logGroupPath } from '../private/names';
import { createSecureKey } from '../private/secure-key';
import { Singleton } from '../private/singleton';
import { invalidProp } from '../private/validate';

/** Where the functions of a stack's rotation verification run: outside a VPC, or in one. */
export interface RotationVerificationNetwork {
  /**
   * The VPC to run the functions in: the stack's one provider (its two handlers and the
   * Provider framework's three functions), where the organisation requires every Lambda
   * function in a VPC. They call the KMS, Secrets Manager, Lambda and Step Functions APIs,
   * so the subnets need a route to them: a NAT gateway or interface endpoints.
   * @default - the functions run outside a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` to run the functions in. Only with `vpc`.
   * @default - the VPC's private subnets with egress, as Lambda chooses them
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The security groups of the functions. Only with `vpc`.
   * @default - a security group per function that allows all outbound traffic and no inbound
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

const PROVIDERS = Singleton.perStack<RotationVerificationProvider>();

/**
 * The per-stack provider behind every `RotationVerification`: the verification
 * function (as onEvent and as isComplete handler), its role, the policy that holds
 * exactly the keys and secrets the stack's verifications check, and the Provider
 * framework. Adding a verification adds no Lambda, role or provider, only ARNs.
 */
export class RotationVerificationProvider extends Construct {
  /** How long the handler waits for rotations before it decides; below the provider's total timeout. */
  public static readonly WAIT = Duration.minutes(12);
  /** The Provider framework's total timeout for one request. */
  public static readonly TOTAL_TIMEOUT = Duration.minutes(14);
  /** How often the framework asks isComplete. */
  public static readonly QUERY_INTERVAL = Duration.seconds(15);
  /** Construct id of the singleton, a child of the stack. */
  public static readonly ID = `${LIBRARY_NAME_PASCAL}RotationVerificationProvider`;

  /**
   * The stack's provider, created on first use in `network`. A later caller may repeat
   * the network it was made in, or give none; asking for another one is an error, since
   * the functions exist already.
   */
  public static of(scope: IConstruct, network: RotationVerificationNetwork = {}): RotationVerificationProvider {
    const existing = PROVIDERS.find(scope);
    if (!existing) {
      return PROVIDERS.obtain(scope, () => new RotationVerificationProvider(Stack.of(scope), RotationVerificationProvider.ID, network));
    }
    const given = network.vpc || network.vpcSubnets || network.securityGroups;
    const have = existing.network;
    if (given && (network.vpc !== have.vpc || network.vpcSubnets !== have.vpcSubnets
      || !sameElements(network.securityGroups, have.securityGroups))) {
      const got = network.vpc ? network.vpc.node.path : 'no vpc';
      if (!have.vpc) {
        invalidProp(scope, 'vpc', got, 'came after the stack\'s rotation-verification provider was made outside a VPC (by the first '
          + 'construct that verifies rotation): call RotationVerification.useNetwork(stack, { vpc }) before creating any key or secret construct of the stack');
      }
      invalidProp(scope, 'vpc', got, `must match the network the stack's rotation-verification provider already runs in (\`vpc\` ${have.vpc.node.path}): `
        + 'one provider serves every verification of the stack, so give the same `vpc`, `vpcSubnets` and `securityGroups`, or none');
    }
    return existing;
  }

  public readonly serviceToken: string;
  /** Holds every permission the handler has: logs, and exactly the verified keys and secrets. */
  public readonly policy: iam.ManagedPolicy;
  public readonly onEventHandler: lambda.Function;
  public readonly isCompleteHandler: lambda.Function;
  public readonly provider: cr.Provider;
  /** Where every function of the provider logs. */
  public readonly logGroup: logs.LogGroup;
  /** The customer-managed key that encrypts `logGroup`, one per stack's provider. */
  public readonly logKey: kms.Key;
  /** The network the provider's functions run in. */
  public readonly network: RotationVerificationNetwork;
  private readonly role: iam.Role;
  private readonly shards: PolicyShard[] = [];

  private constructor(scope: Construct, id: string, network: RotationVerificationNetwork) {
    super(scope, id);
    recordFootprint(this);
    this.network = network;
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the cdk-kms-patterns rotation verification: reads rotation status of the verified keys and secrets only',
    });
    // A customer-managed policy instead of the role's inline default policy: the NIST,
    // HIPAA and PCI packs flag every inline policy.
    this.role = role;
    this.policy = this.addShard(FIRST_POLICY_RESERVED).policy;
    // One explicit log group for every function of the provider and for the waiter: a
    // retention period, and write grants on its ARN alone (the Lambda default needs a
    // wildcard, or the AWS managed AWSLambdaBasicExecutionRole policy). It is encrypted
    // with a customer-managed key of its own, from the library's key factory (rotation on,
    // RETAIN, the safe key policy), which lets CloudWatch Logs use it for this log group only.
    //
    // The key policy cannot name the log group's ARN (the log group names the key: a
    // cycle), so the log group gets a name the policy can predict without a reference:
    //   /aws/vendedlogs/cdk-kms-patterns/rotation-verification/<stack name>/<stack UUID>/<key ID>
    // and the policy allows `.../<stack name>/<stack UUID>/*`: this stack, in this
    // incarnation (the UUID of AWS::StackId), and nothing else. The key ID, which the
    // log group refers to anyway, makes the name new with every key: a create or update
    // that fails and rolls back leaves its retained log group and key behind, and the
    // retry makes a new key and so a new log group name, never a collision (a fixed name
    // would collide with the retained log group). `/aws/vendedlogs/` is where Step Functions
    // asks log groups to be, so its log delivery adds no resource policy per log group.
    const namePrefix = Fn.join('/', [logGroupPath(Component.ROTATION_VERIFICATION), Aws.STACK_NAME,
      Fn.select(2, Fn.split('/', Aws.STACK_ID))]);
    const logKey = createSecureKey(this, {
      aliasName: `${aliasPath(Component.ROTATION_VERIFICATION)}/${Aws.STACK_NAME}`,
      aliasSource: { prop: 'stackName', value: stack.stackName },
      defaultDescription: 'Encrypts the log group of the cdk-kms-patterns rotation verification of this stack',
    });
    logKey.policy.allowLogGroupEncryption(`arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:${namePrefix}/*`);
    this.logKey = logKey.key;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: Fn.join('/', [namePrefix, this.logKey.keyId]),
      encryptionKey: this.logKey,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroup.grantWrite(this.policy);
    const handler = (handlerId: string, phase: string): lambda.Function => new VerifyRotationFunction(this, handlerId, {
      role,
      logGroup: this.logGroup,
      timeout: Duration.minutes(5),
      memorySize: 256,
      environment: { VERIFY_ROTATION_PHASE: phase },
      // The provider's own key, not Lambda's AWS managed key (checkov CKV_AWS_173).
      environmentEncryption: this.logKey,
      description: `cdk-kms-patterns rotation verification (${phase})`,
      ...network,
    });
    this.onEventHandler = handler('OnEvent', 'onEvent');
    this.isCompleteHandler = handler('IsComplete', 'isComplete');
    // The framework's roles, made here so they carry no AWS managed policy; the framework
    // adds its invoke permissions to them.
    const frameworkRole = (roleId: string): iam.Role => {
      const r = new iam.Role(this, roleId, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'Runs the custom-resource Provider framework of the cdk-kms-patterns rotation verification',
      });
      this.logGroup.grantWrite(r);
      return r;
    };
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventHandler,
      isCompleteHandler: this.isCompleteHandler,
      queryInterval: RotationVerificationProvider.QUERY_INTERVAL,
      totalTimeout: RotationVerificationProvider.TOTAL_TIMEOUT,
      logGroup: this.logGroup,
      frameworkOnEventRole: frameworkRole('FrameworkOnEventRole'),
      frameworkCompleteAndTimeoutRole: frameworkRole('FrameworkCompleteAndTimeoutRole'),
      providerFunctionEnvEncryption: this.logKey,
      ...network,
      // The waiter logs every execution event (no execution data: the requests hold only
      // ARNs, but there is no need to copy them) to the same encrypted log group.
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.serviceToken = this.provider.serviceToken;
    // X-Ray tracing of the waiter: the Provider has no prop for it, so set it on the
    // state machine's L1 (visible to cdk-nag and the template alike) and give its role
    // what tracing needs, as aws-stepfunctions' StateMachine does for `tracingEnabled`.
    const waiter = this.provider.node.findChild('waiter-state-machine');
    const cfnWaiter = waiter.node.findAll().find((c): c is sfn.CfnStateMachine => c instanceof sfn.CfnStateMachine)!;
    cfnWaiter.tracingConfiguration = { enabled: true };
    (waiter.node.findChild('Role') as iam.Role).addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      resources: ['*'],
    }));
    this.acknowledgeInherentFindings();
    this.pruneImpliedDependencies(waiter);
  }

  /**
   * aws-cdk-lib makes each function (and the waiter) depend on its role and the role's
   * default policy. The dependency on the role is already implied by the `Fn::GetAtt` of
   * its ARN, and cfn-lint warns about it (W3005) in every template that verifies rotation;
   * keep only the dependencies that say something: on the role's default policy, which
   * must exist before the framework's functions run.
   */
  private pruneImpliedDependencies(waiter: IConstruct): void {
    const framework = ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'].map(id => this.provider.node.findChild(id));
    for (const owner of [this.onEventHandler, this.isCompleteHandler, ...framework, waiter]) {
      const resource = owner.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c)
        && ['AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine'].includes(c.cfnResourceType))!;
      const role = owner instanceof lambda.Function ? owner.role : owner.node.tryFindChild('Role');
      const defaultPolicy = role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild as CfnResource | undefined;
      if (defaultPolicy) {
        resource.addOverride('DependsOn', [defaultPolicy.logicalId]);
      } else {
        resource.addDeletionOverride('DependsOn');
      }
    }
  }

  /** Every managed policy of the handler's role: `policy`, then one more each time the last is full. */
  public get policies(): iam.ManagedPolicy[] {
    return this.shards.map(s => s.policy);
  }

  /**
   * Allow `action` on `resource`, in one statement per action and policy whose resources
   * are the verified ARNs. A managed policy holds at most 6,144 characters, about 60 key
   * ARNs (about 40 secret ARNs): when the last policy would overflow, the next ARN goes into a new policy on the
   * same role (a role takes 10 managed policies; past that, synthesis fails).
   * @returns the policy that holds the permission
   */
  public allow(action: string, resource: string): iam.ManagedPolicy {
    const held = this.shards.find(s => s.statements.get(action)?.resources.includes(resource));
    if (held) {
      return held.policy;
    }
    const unresolvedLength = action.startsWith('kms:') ? MAX_KEY_ARN_LENGTH : MAX_ARN_LENGTH;
    const cost = (Token.isUnresolved(resource) ? unresolvedLength : resource.length) + 3;
    let shard = this.shards[this.shards.length - 1];
    const statementCost = (a: PolicyShard): number => (a.statements.has(action) ? 0 : STATEMENT_OVERHEAD + action.length);
    if (shard.size + statementCost(shard) + cost > POLICY_BUDGET) {
      shard = this.addShard(0);
    }
    shard.size += statementCost(shard) + cost;
    let statement = shard.statements.get(action);
    if (!statement) {
      statement = new iam.PolicyStatement({ actions: [action] });
      shard.statements.set(action, statement);
      shard.policy.addStatements(statement);
    }
    statement.addResources(resource);
    return shard.policy;
  }

  private addShard(reserved: number): PolicyShard {
    // In a VPC, Lambda adds AWSLambdaVPCAccessExecutionRole to the role: one slot fewer.
    const limit = MANAGED_POLICIES_PER_ROLE - (this.network.vpc ? 1 : 0);
    if (this.shards.length >= limit) {
      throw new Error(`${this.node.path}: the rotation verifications of stack ${Stack.of(this).stackName} check more keys and `
        + `secrets than ${limit} managed policies of the provider's role can name (IAM allows ${MANAGED_POLICIES_PER_ROLE} per role, `
        + '6,144 characters each): spread them over more stacks, or set `verifyRotation: false` on some constructs');
    }
    const n = this.shards.length;
    const policy = new iam.ManagedPolicy(this, n === 0 ? 'Policy' : `Policy${n + 1}`, {
      description: 'cdk-kms-patterns rotation verification: rotation status of exactly the verified keys and secrets'
        + (n === 0 ? '' : ` (part ${n + 1})`),
      roles: [this.role],
    });
    const shard: PolicyShard = { policy, statements: new Map(), size: POLICY_OVERHEAD + reserved };
    this.shards.push(shard);
    return shard;
  }

  /**
   * The cdk-nag findings that come with a Lambda-backed Provider and cannot be designed
   * away here, acknowledged one rule on one construct at a time, each with its reason.
   * Anything else (a new finding, or these on another construct) still surfaces.
   */
  private acknowledgeInherentFindings(): void {
    const stack = Stack.of(this);
    const logicalId = (c: IConstruct): string => stack.getLogicalId(c.node.defaultChild as CfnElement);
    // `checkov`: the same finding's checkov check, acknowledged in the template with the same reason.
    const ack = (scope: IConstruct, ids: string[], reason: string, checkov?: string): void => {
      Validations.of(scope).acknowledge(...ids.map(id => ({ id, reason })));
      if (checkov) skipCheckov(scope, checkov, reason);
    };
    const framework = ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']
      .map(id => this.provider.node.findChild(id) as lambda.Function);
    const functions = [this.onEventHandler, this.isCompleteHandler, ...framework];

    for (const fn of functions) {
      if (!this.network.vpc) {
        ack(fn, ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC'],
          'Calls only the public KMS, Secrets Manager, Lambda and Step Functions APIs (read-only rotation status, plus '
          + 'RotateSecret when testRotation is on) and serves no inbound traffic; a VPC would add NAT or four interface '
          + 'endpoints to every stack that verifies rotation, and no network access to workloads. Give the '
          + 'RotationVerification (or RotatedSecret) a VPC where the organisation requires one.', 'CKV_AWS_117');
      }
      ack(fn, ['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency'],
        'Runs only during CloudFormation deployments, once per verification request and poll. Reserved concurrency '
        + 'would take capacity from the account\'s unreserved pool in every stack that uses the library, and fails to '
        + 'deploy in accounts whose concurrency quota is at its minimum of 10.', 'CKV_AWS_115');
      ack(fn, ['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ'],
        'Invoked synchronously by the custom-resource Provider framework, which reports every error to CloudFormation '
        + 'as the resource\'s failure reason; a dead-letter queue only receives failed asynchronous invocations, which never happen here.',
        'CKV_AWS_116');
      ack(fn, ['AwsSolutions-L1'],
        'The runtime is pinned: the verification handler by the project\'s projen lambdaOptions (nodejs22.x, a supported '
        + 'LTS), the Provider framework\'s functions by aws-cdk-lib itself; moving to a newer runtime is a release of this library, not a setting.');
    }
    const invokeFindings = (targets: lambda.IFunction[]): string[] =>
      targets.map(t => `AwsSolutions-IAM5[Resource::<${logicalId(t)}.Arn>:*]`);
    const inlinePolicy = ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy'];
    for (const role of new Set(framework.map(fn => fn.role!))) {
      ack(role.node.findChild('DefaultPolicy'), [...inlinePolicy, ...invokeFindings([this.onEventHandler, this.isCompleteHandler])],
        'Written by aws-cdk-lib\'s Provider framework: lambda:InvokeFunction and lambda:GetFunction on exactly the two '
        + 'verification functions (the `:*` covers their versions and aliases, which lambda:InvokeFunction checks), '
        + 'states:StartExecution of the framework\'s own waiter, and writes to the provider\'s one log group. '
        + 'Inline because it belongs to this one framework role.');
    }
    const waiter = this.provider.node.findChild('waiter-state-machine');
    const waiterRole = waiter.node.findChild('Role');
    ack(waiterRole.node.findChild('DefaultPolicy'), [...inlinePolicy, ...invokeFindings(framework.slice(1))],
      'Written by aws-cdk-lib\'s Provider framework: lambda:InvokeFunction on exactly its own isComplete and onTimeout '
      + 'functions (the `:*` covers their versions and aliases). Inline because it belongs to this one state machine role.');
    ack(waiterRole.node.findChild('DefaultPolicy'), ['AwsSolutions-IAM5[Resource::*]'],
      'Step Functions logging and X-Ray tracing of the waiter: the CloudWatch Logs log-delivery actions (CreateLogDelivery, '
      + 'GetLogDelivery, PutResourcePolicy, DescribeLogGroups and the like, written by the Provider framework) and '
      + 'xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules and GetSamplingTargets support no resource-level '
      + 'permissions; AWS documents `*` as their only resource. No action is a wildcard.', 'CKV_AWS_111');
    if (this.network.vpc) {
      for (const role of new Set(functions.map(fn => fn.role!))) {
        // The finding's own id (`AwsSolutions-IAM4[Policy::...]`) holds `::`, which Validations refuses.
        ack(role, ['AwsSolutions-IAM4'],
          'The role\'s one AWS managed policy is AWSLambdaVPCAccessExecutionRole, added by aws-cdk-lib\'s Lambda Function '
          + 'for a function in a VPC: the network interface actions (CreateNetworkInterface, '
          + 'DescribeNetworkInterfaces, DeleteNetworkInterface, AssignPrivateIpAddresses and the like) Lambda needs to place '
          + 'the function in its subnets; they support no resource-level permissions, so a customer policy would say the same.');
      }
    }
  }
}

/** One managed policy of the provider's role and what it holds so far. */
interface PolicyShard {
  readonly policy: iam.ManagedPolicy;
  readonly statements: Map<string, iam.PolicyStatement>;
  /** Estimated characters once deployed, whitespace excluded as IAM counts them. */
  size: number;
}

/** IAM's default quota of managed policies per role. */
const MANAGED_POLICIES_PER_ROLE = 10;
/** IAM's limit on a managed policy is 6,144 characters; keep a margin for the estimate. */
const POLICY_BUDGET = 5800;
/** `{"Version":"2012-10-17","Statement":[]}` */
const POLICY_OVERHEAD = 40;
/** `{"Action":"","Effect":"Allow","Resource":[]},` around a statement's action. */
const STATEMENT_OVERHEAD = 45;
/**
 * The first policy also holds the log group write grant (a long, partly token ARN) and,
 * with a daily check, its namespace-scoped `cloudwatch:PutMetricData` statement.
 */
const FIRST_POLICY_RESERVED = 800;

export function validateNetwork(scope: IConstruct, network: RotationVerificationNetwork): void {
  if (!network.vpc && (network.vpcSubnets || network.securityGroups)) {
    invalidProp(scope, network.vpcSubnets ? 'vpcSubnets' : 'securityGroups', 'given without `vpc`', 'needs `vpc`: it only places the functions in a VPC');
  }
}

function sameElements<T>(a: T[] | undefined, b: T[] | undefined): boolean {
  return (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);
}
