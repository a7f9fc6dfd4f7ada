import { Duration, RemovalPolicy, Resource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DECRYPT_ACTIONS, ENCRYPT_ACTIONS, unionOf } from './actions';

/** What `createSecureReplicaKey` decides for a replica; nothing here has a default. */
export interface ReplicaKeyProps {
  /** ARN of the multi-Region primary key this key replicates. */
  readonly primaryKeyArn: string;
  /** The key policy, as the builder made it. */
  readonly policy: iam.PolicyDocument;
  readonly description: string;
  readonly pendingWindow: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A replica of a multi-Region key (`AWS::KMS::ReplicaKey`) as a `kms.IKey`, so that
 * constructs in the replica's Region can take it as their `encryptionKey`. aws-cdk-lib
 * has no L2 for replica keys.
 *
 * Grants go to the principal's IAM policy, which the key policy's account-root
 * delegation honours for principals of the key's account. The key policy itself is the
 * `KeyPolicyBuilder`'s, so `addToResourcePolicy` adds nothing (see there).
 */
export class ReplicaKey extends Resource implements kms.IKey {
  /** The replica's ARN: the primary's key ID in this Region. */
  public readonly keyArn: string;
  /** The key ID, `mrk-...`, the same as the primary's. */
  public readonly keyId: string;

  constructor(scope: Construct, id: string, props: ReplicaKeyProps) {
    super(scope, id);
    const resource = new kms.CfnReplicaKey(this, 'Resource', {
      primaryKeyArn: props.primaryKeyArn,
      keyPolicy: props.policy,
      description: props.description,
      pendingWindowInDays: props.pendingWindow.toDays(),
    });
    resource.applyRemovalPolicy(props.removalPolicy);
    this.keyArn = resource.attrArn;
    this.keyId = resource.attrKeyId;
  }

  /** The key as `IKeyRef` consumers reference it. */
  public get keyRef(): kms.KeyReference {
    return { keyArn: this.keyArn, keyId: this.keyId };
  }

  /** A further alias for the replica, in its Region only. */
  public addAlias(aliasName: string): kms.Alias {
    return new kms.Alias(this, `Alias${aliasName.replace(/[^A-Za-z0-9]/g, '')}`, { aliasName, targetKey: this });
  }

  /**
   * Adds nothing and says so (`statementAdded: false`): the replica's policy comes from
   * the `KeyPolicyBuilder`, the one place key policies are made, which keeps the same
   * statements in every Region and checks their invariants. Same-account principals need
   * no statement here (grant them through IAM); a service principal that needs one must
   * get it from the builder, in every Region of the set.
   *
   * @param allowNoOp when false, throw instead of adding nothing, as `kms.IKey` specifies
   */
  public addToResourcePolicy(_statement: iam.PolicyStatement, allowNoOp: boolean = true): iam.AddToResourcePolicyResult {
    if (!allowNoOp) {
      throw new Error(`${this.node.path}: cannot add a statement to the key policy of a replica key; `
        + 'its policy is made by the library\'s key-policy builder, identically in every Region');
    }
    return { statementAdded: false };
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.keyArn] });
  }

  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...DECRYPT_ACTIONS);
  }

  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...ENCRYPT_ACTIONS);
  }

  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...unionOf(ENCRYPT_ACTIONS, DECRYPT_ACTIONS));
  }

  // The library's keys are symmetric (SYMMETRIC_DEFAULT): KMS refuses signing and MAC
  // operations on them. These grant what `kms.IKey` asks for, as aws-kms's Key does.

  public grantSign(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'kms:Sign');
  }

  public grantVerify(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'kms:Verify');
  }

  public grantSignVerify(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'kms:Sign', 'kms:Verify');
  }

  public grantGenerateMac(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'kms:GenerateMac');
  }

  public grantVerifyMac(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'kms:VerifyMac');
  }
}
