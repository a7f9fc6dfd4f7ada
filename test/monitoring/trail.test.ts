import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { EncryptionMonitor, MonitorTrail } from '../../src/monitoring/encryption-monitor';
import { MAX_TRAIL_NAME_LENGTH, monitorTrailName } from '../../src/monitoring/trail';
import { cfnLint } from '../helpers/cfn-lint';
import { resolvedKeyPolicy } from '../helpers/resolve-template';

const ENV = { account: '111111111111', region: 'us-east-1' };
/** The longest Region name today (commercial, GovCloud, China and ISO partitions), 15 characters. */
const LONGEST_REGION = 'us-isof-south-1';

/**
 * "Naming requirements for CloudTrail resources, S3 buckets, and KMS keys", CloudTrail
 * resource naming requirements (also the InvalidTrailNameException text of the CloudTrail
 * API): ASCII letters, digits, `.`, `_` or `-`; start and end with a letter or digit;
 * 3-128 characters; no adjacent `.`, `_` or `-`; not in IP address format.
 */
function trailNameViolations(name: string): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._-]+$/.test(name)) problems.push('characters other than letters, digits, ".", "_" or "-"');
  if (!/^[A-Za-z0-9]/.test(name) || !/[A-Za-z0-9]$/.test(name)) problems.push('does not start and end with a letter or digit');
  if (name.length < 3 || name.length > MAX_TRAIL_NAME_LENGTH) problems.push(`${name.length} characters, not 3-128`);
  if (/[._-]{2}/.test(name)) problems.push('adjacent ".", "_" or "-"');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) problems.push('IP address format');
  return problems;
}

/** The trail name as deployed: the stack's Region token replaced by a Region name. */
function deployedName(stack: Stack, name: string, region = LONGEST_REGION): string {
  const resolved = stack.resolve(name);
  if (typeof resolved === 'string') {
    return resolved;
  }
  const [sep, parts] = resolved['Fn::Join'] as [string, unknown[]];
  return parts.map(p => {
    if (typeof p === 'string') return p;
    if ((p as { Ref?: string }).Ref === 'AWS::Region') return region;
    throw new Error(`unexpected part of the trail name: ${JSON.stringify(p)}`);
  }).join(sep);
}

function monitorWithTrail(stack: Stack, id = 'Monitor'): EncryptionMonitor {
  return new EncryptionMonitor(stack, id, { trail: MonitorTrail.createOncePerApp() });
}

describe('the trail name', () => {
  test('is fixed, derived from the construct path and the Region (a changed name would replace the trail)', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    monitorWithTrail(stack);

    Template.fromStack(stack).hasResourceProperties('AWS::CloudTrail::Trail', { TrailName: 'Stack-Monitor-Trail-43C2B2FC-us-east-1' });
  });

  test('is the same in every synthesis of the same path', () => {
    const names = [1, 2].map(() => {
      const stack = new Stack(new App(), 'Stack', { env: ENV });
      monitorWithTrail(stack);
      return Template.fromStack(stack).findResources('AWS::CloudTrail::Trail');
    });

    expect(names[0]).toEqual(names[1]);
  });

  test('differs between Regions, so the same stack in two Regions of one account does not collide', () => {
    const name = (region: string) => {
      const stack = new Stack(new App(), 'Stack', { env: { ...ENV, region } });
      monitorWithTrail(stack);
      return Template.fromStack(stack).findResources('AWS::CloudTrail::Trail');
    };

    expect(JSON.stringify(name('us-east-1'))).not.toEqual(JSON.stringify(name('eu-west-1')));
  });

  const awkward: Array<[string, string, string[]]> = [
    ['plain ids', 'Stack', ['Monitor']],
    ['ids of punctuation, dots and underscores', 'my-stack', ['my--monitor..x__y', '-leading', 'trailing-']],
    ['ids with no letter or digit at all', 'Stack', ['---', '...', 'Monitor']],
    ['ids of digits that look like an address', 'S192', ['192.168.5.4', '10']],
    ['non-ASCII ids', 'Stack', ['Überwachung', '監視']],
    ['a 300-character id', 'Stack', ['M'.repeat(300)]],
    ['a deep path of long ids', 'A'.repeat(120), Array.from({ length: 8 }, (_, i) => `Level${i}-${'x'.repeat(40)}`)],
    // Trimmed in the middle (49 characters each side), the name would join the stack name's
    // separator to the last id's: `AAA…A--zzz…z`.
    ['a long path whose middle cut falls between two separators', 'A'.repeat(48), ['m'.repeat(30), 'z'.repeat(47)]],
  ];

  /** The name `monitorTrailName` gives a construct at the end of `ids` under a stack named `stackName`. */
  function nameAt(stackName: string, ids: string[], region?: string): string {
    const stack = new Stack(new App(), stackName, region ? { env: { ...ENV, region } } : {});
    let scope: Construct = stack;
    for (const id of ids) {
      scope = new Construct(scope, id);
    }
    return deployedName(stack, monitorTrailName(scope));
  }

  test.each(awkward)('keeps CloudTrail\'s naming rules for %s, in a stack with a Region', (_name, stackName, ids) => {
    expect(trailNameViolations(nameAt(stackName, ids, LONGEST_REGION))).toEqual([]);
  });

  test.each(awkward)('keeps CloudTrail\'s naming rules for %s, in an environment-agnostic stack deployed to the longest Region name', (_name, stackName, ids) => {
    const name = nameAt(stackName, ids);

    expect(name.endsWith(`-${LONGEST_REGION}`)).toBe(true);
    expect(trailNameViolations(name)).toEqual([]);
  });

  test('the rules themselves refuse what CloudTrail refuses', () => {
    expect(trailNameViolations('my-_namespace')).not.toEqual([]);
    expect(trailNameViolations('my--namespace')).not.toEqual([]);
    expect(trailNameViolations('192.168.5.4')).not.toEqual([]);
    expect(trailNameViolations('-a-')).not.toEqual([]);
    expect(trailNameViolations('ab')).not.toEqual([]);
    expect(trailNameViolations('a'.repeat(129))).not.toEqual([]);
    expect(trailNameViolations('a/b')).not.toEqual([]);
    expect(trailNameViolations('My.trail_name-1')).toEqual([]);
  });
});

describe('the trail key policy names the trail without referring to it', () => {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  monitorWithTrail(stack);
  const template = Template.fromStack(stack);
  const [trailId, trail] = Object.entries(template.findResources('AWS::CloudTrail::Trail'))[0];
  const trailArn = `arn:aws:cloudtrail:us-east-1:111111111111:trail/${trail.Properties.TrailName}`;
  const trailKeyId = Object.keys(template.findResources('AWS::KMS::Key')).find(id => id.startsWith('MonitorTrailKey'))!;
  const trailKeyPolicy = resolvedKeyPolicy(template.toJSON(), trailKeyId);

  test('every CloudTrail statement is scoped by aws:SourceArn to the trail\'s ARN, built from its name', () => {
    expect(trailKeyPolicy).toMatchObject({
      Statement: expect.arrayContaining([
        {
          Sid: 'KmsPatternsAllowCloudTrailLogEncryption',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:GenerateDataKey*',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceArn': trailArn, 'aws:SourceAccount': '111111111111' },
            StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111111111111:trail/*' },
          },
        },
        {
          Sid: 'KmsPatternsAllowCloudTrailDecryptForBucketKey',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
        },
        {
          Sid: 'KmsPatternsAllowCloudTrailDescribeKey',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:DescribeKey',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
        },
      ]),
    });
  });

  test('no key policy refers to the trail resource (GetAtt Trail.Arn would be a circular dependency)', () => {
    for (const key of Object.values(template.findResources('AWS::KMS::Key'))) {
      expect(JSON.stringify(key.Properties.KeyPolicy)).not.toContain(trailId);
    }
  });

  test('in an environment-agnostic stack the ARN is built from pseudo parameters, not from the trail', () => {
    const agnostic = new Stack(new App(), 'Stack');
    monitorWithTrail(agnostic);
    const t = Template.fromStack(agnostic);
    const id = Object.keys(t.findResources('AWS::CloudTrail::Trail'))[0];
    const policies = JSON.stringify(Object.values(t.findResources('AWS::KMS::Key')).map(k => k.Properties.KeyPolicy));

    expect(policies).toContain('AWS::Region');
    expect(policies).not.toContain(id);
  });

  test('cfn-lint finds no circular dependency (E3004) or other error in the template', () => {
    const result = cfnLint(template.toJSON());

    expect(result.errors.map(e => `${e.ruleId} ${e.path} ${e.message}`)).toEqual([]);
  });
});
