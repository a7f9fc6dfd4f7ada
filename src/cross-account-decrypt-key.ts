import { Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { KeyConstructBase } from './key-construct-base';
import { AssuranceOptions, CrossAccountConsumerOptions, SafeKeyOptions } from './key-options';
import {
  ACCOUNT_ID_PATTERN, ORGANIZATION_ID_PATTERN, consumerActions, consumerConditions, validateConsumerAccess, validateKeyArn,
} from './private/cross-account';
import { GuardedKey, grantTargetOf } from './private/guarded-key';
import { statementId } from './private/names';
import { createSecureKey } from './private/secure-key';
import { invalidProp, validatePattern, validateUnique } from './private/validate';

/** Properties for a `CrossAccountDecryptKey`. */
export interface CrossAccountDecryptKeyProps extends SafeKeyOptions, AssuranceOptions, CrossAccountConsumerOptions {
  /**
   * 12-digit IDs of the accounts that may decrypt. Each account's own IAM policies then
   * decide which of its principals may (see `consumerPolicyStatement()`). Never the
   * key's own account. Give this, `consumerOrganizationId`, or both.
   * @default - no individual accounts
   */
  readonly consumerAccountIds?: string[];

  /**
   * An AWS Organization (`o-` and 10-32 lowercase letters or digits) whose member
   * accounts may decrypt, except the key's own account. Give this, `consumerAccountIds`,
   * or both.
   * @default - no organization
   */
  readonly consumerOrganizationId?: string;

  /**
   * The key's alias, with or without the `alias/` prefix; a token must include `alias/`.
   * @default - `alias/cross-account/<a name unique to this construct's path>`
   */
  readonly alias?: string;
}

/**
 * A customer-managed key whose data other accounts may decrypt, and nothing more.
 *
 * Named consumer accounts (by their account root) or the members of an AWS Organization
 * (through `aws:PrincipalOrgID`, excluding the key's own account) get `kms:Decrypt` and
 * `kms:DescribeKey`, optionally only through named AWS services and only under a given
 * encryption context. They never get to encrypt, generate data keys or administer the
 * key (the snapshot and AMI preset is the one documented opt-in exception for
 * re-encryption). Cross-account use also needs an IAM Allow in the consumer account:
 * `consumerPolicyStatement()` or `CrossAccountDecryptKey.grantConsumer` provides it.
 *
 * Its `keyArn` is what consumer accounts put in their IAM policies. Its `key` is safe to
 * hand to any construct: grants on it to principals of the key's own account work as on
 * any key; a grant to a principal of another account fails at synth (consumers are
 * admitted by the key policy, and granted in their own account with `grantConsumer`).
 *
 * @example
 * // Producer account
 * const key = new CrossAccountDecryptKey(this, 'Shared', { consumerAccountIds: ['222222222222'] });
 * // Consumer account, given only the key ARN
 * CrossAccountDecryptKey.grantConsumer(readerRole, 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-...');
 */
export class CrossAccountDecryptKey extends KeyConstructBase {
  /**
   * Give `grantee` (in a consumer account) the IAM half of cross-account access to the key
   * `keyArn`: the same statement `consumerPolicyStatement()` returns, from the consumer's
   * own stack. Pass the options the producer's key was created with; the key policy
   * enforces them either way.
   *
   * @param grantee the consumer principal, e.g. a role in the consumer account
   * @param keyArn the ARN of the producer's key (`arn:...:kms:<region>:<account>:key/<id>`), not an alias ARN
   * @param options the producer key's consumer options
   */
  public static grantConsumer(grantee: iam.IGrantable, keyArn: string, options: CrossAccountConsumerOptions = {}): iam.Grant {
    const scope = errorScopeOf(grantee);
    validateKeyArn(scope, 'keyArn', keyArn);
    validateConsumerAccess(scope, options);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: consumerActions(options),
      resourceArns: [keyArn],
      conditions: consumerConditions(options),
    });
  }

  private readonly access: CrossAccountConsumerOptions;

  constructor(scope: Construct, id: string, props: CrossAccountDecryptKeyProps) {
    super(scope, id);
    const accountIds = props.consumerAccountIds ?? [];
    this.validateConsumers(accountIds, props.consumerOrganizationId);
    validateConsumerAccess(this, props);
    // The consumer options as the user gave them: an option left out is off.
    this.access = props;

    const alias = props.alias ?? `cross-account/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-', allowedSpecialCharacters: '_-' })}`;
    const made = createSecureKey(this, {
      ...props,
      // A token alias passes through as given: it must then include `alias/` itself.
      aliasName: alias.startsWith('alias/') || Token.isUnresolved(alias) ? alias : `alias/${alias}`,
      aliasSource: { prop: 'alias', value: alias },
      defaultDescription: `Customer-managed key shared for decryption with other accounts (${this.node.path})`,
    });
    made.policy.allowCrossAccountConsumers({ accountIds, organizationId: props.consumerOrganizationId }, this.access);

    const key = new GuardedKey(made.key, (grantee, actions) => {
      grantTargetOf(this, grantee, 'consumers are admitted by `consumerAccountIds` or `consumerOrganizationId`, '
        + 'and granted in their own account with CrossAccountDecryptKey.grantConsumer(role, keyArn, options)');
      return made.key.grant(grantee, ...actions);
    });
    this._initializeKey(made, props, key);
  }

  /**
   * The IAM statement a consumer account attaches to the role that decrypts: this key's
   * ARN, the actions the key policy grants consumers, and the same conditions. The key
   * policy alone grants nothing to a principal of another account; this is the other half.
   * One statement covers every action, so the encryption-context and grant conditions use
   * `StringEqualsIfExists` / `BoolIfExists` (`kms:DescribeKey` carries neither key); the
   * key policy, which the consumer account cannot change, requires them strictly.
   * Render it with `Stack.toJsonString(statement.toStatementJson())` to hand it to a
   * consumer that does not use the CDK.
   */
  public consumerPolicyStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: statementId('DecryptWithSharedKey'),
      actions: consumerActions(this.access),
      resources: [this.keyArn],
      conditions: consumerConditions(this.access),
    });
  }

  private validateConsumers(accountIds: string[], organizationId: string | undefined): void {
    if (Token.isUnresolved(accountIds)) {
      invalidProp(this, 'consumerAccountIds', accountIds, 'must be a list of account IDs, each of which may be a token, not a list token');
    }
    if (accountIds.length === 0 && organizationId === undefined) {
      invalidProp(this, 'consumerAccountIds', accountIds, 'must name at least one account, or `consumerOrganizationId` must be set');
    }
    const ownAccount = Stack.of(this).account;
    accountIds.forEach((accountId, i) => {
      validatePattern(this, `consumerAccountIds[${i}]`, accountId, ACCOUNT_ID_PATTERN, 'a 12-digit AWS account ID');
      if (!Token.isUnresolved(accountId) && !Token.isUnresolved(ownAccount) && accountId === ownAccount) {
        invalidProp(this, `consumerAccountIds[${i}]`, accountId,
          'must not be the key\'s own account: its principals get access through their IAM policies and the account-root statement, not as consumers');
      }
    });
    validateUnique(this, 'consumerAccountIds', accountIds);
    validatePattern(this, 'consumerOrganizationId', organizationId, ORGANIZATION_ID_PATTERN, '"o-" followed by 10-32 lowercase letters or digits');
  }
}

/** Where `grantConsumer` errors point: the grantee's construct path, when it has one. */
function errorScopeOf(grantee: iam.IGrantable): IConstruct {
  for (const candidate of [grantee, grantee.grantPrincipal]) {
    if (Construct.isConstruct(candidate)) {
      return candidate;
    }
  }
  return { node: { path: 'CrossAccountDecryptKey.grantConsumer' } } as IConstruct;
}
