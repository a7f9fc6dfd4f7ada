import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RotatedSecret } from '../../src';
import { DEFAULT_PASSWORD_EXCLUDE_CHARACTERS, hostedRotationSecretString } from '../../src/private/hosted-rotation';

// Issue 17, item 5: a hosted rotation function reads a JSON secret. What each engine needs is
// from "JSON structure of AWS Secrets Manager secrets" (AWS Secrets Manager User Guide),
// sections "Amazon RDS and Aurora credentials" (MariaDB, MySQL, Oracle, PostgreSQL, SQL
// Server), "Amazon Redshift credentials" and "Amazon DocumentDB credentials" (MongoDB):
// `engine` (the values below), `host`, `username`, `password`, optional `dbname` (required
// for Oracle) and `port`, and `masterarn`, the ARN of the elevated secret, for the
// alternating-users (multi-user) strategy.

const quiet = { monitoring: false, verifyRotation: false };
const HOST = 'db.example.internal';

type Factory = (props?: secretsmanager.MultiUserHostedRotationOptions) => secretsmanager.HostedRotation;

// [factory name, engine value from the document, fields the document requires besides password]
const ENGINES: Array<[string, string, string[]]> = [
  ['mariaDb', 'mariadb', ['host', 'username']],
  ['mysql', 'mysql', ['host', 'username']],
  ['oracle', 'oracle', ['host', 'username', 'dbname']],
  ['postgreSql', 'postgres', ['host', 'username']],
  ['sqlServer', 'sqlserver', ['host', 'username']],
  ['redshift', 'redshift', ['host', 'username']],
  ['mongoDb', 'mongo', ['host', 'username']],
];

const factory = (name: string, user: 'SingleUser' | 'MultiUser'): Factory =>
  (secretsmanager.HostedRotation as unknown as Record<string, Factory>)[`${name}${user}`].bind(secretsmanager.HostedRotation);

function stack(): Stack {
  return new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
}

/** The synthesized generator of the secret at S/Db/Secret. */
function generatorOf(s: Stack): { template: Record<string, unknown>; props: Record<string, unknown> } {
  const secrets = Template.fromStack(s).findResources('AWS::SecretsManager::Secret');
  const db = Object.entries(secrets).find(([id]) => id.startsWith('DbSecret'))![1];
  const props = db.Properties.GenerateSecretString;
  return { template: JSON.parse(props.SecretStringTemplate), props };
}

const fieldsFor = (required: string[]) => Object.fromEntries(required.map(f => [f, f === 'host' ? HOST : `my-${f}`]));

describe.each(ENGINES)('hosted rotation %s', (name, engine, required) => {
  test('single user: the secret has the engine, the given fields and a generated password', () => {
    const s = stack();
    new RotatedSecret(s, 'Db', {
      hostedRotation: factory(name, 'SingleUser')(),
      generateSecretString: { secretStringTemplate: JSON.stringify(fieldsFor(required)) },
      ...quiet,
    });
    const { template, props } = generatorOf(s);
    expect(template).toEqual({ engine, ...fieldsFor(required) });
    expect(props.GenerateStringKey).toBe('password');
    expect(props.ExcludeCharacters).toBe(DEFAULT_PASSWORD_EXCLUDE_CHARACTERS);
  });

  test('multi user: the secret also names the master secret (masterarn)', () => {
    const s = stack();
    const master = new secretsmanager.Secret(s, 'Master');
    new RotatedSecret(s, 'Db', {
      hostedRotation: factory(name, 'MultiUser')({ masterSecret: master }),
      generateSecretString: { secretStringTemplate: JSON.stringify(fieldsFor(required)) },
      ...quiet,
    });
    const secrets = Template.fromStack(s).findResources('AWS::SecretsManager::Secret');
    const db = Object.entries(secrets).find(([id]) => id.startsWith('DbSecret'))![1];
    const template = db.Properties.GenerateSecretString.SecretStringTemplate;
    // JSON.stringify of a token: the ARN is joined in at deploy time, without the "-??????" wildcard.
    expect(JSON.stringify(template)).toContain(`"engine\\":\\"${engine}\\"`);
    expect(JSON.stringify(template)).toContain('\\"masterarn\\":\\"');
    expect(JSON.stringify(template)).toContain(`{"Ref":"${s.getLogicalId(master.node.defaultChild as any)}"}`);
    expect(JSON.stringify(template)).not.toContain('??????');
  });

  test('fails without a template, naming the fields to supply', () => {
    expect(() => new RotatedSecret(stack(), 'Db', { hostedRotation: factory(name, 'SingleUser')(), ...quiet })).toThrow(
      `S/Db: \`generateSecretString\` must give, with \`hostedRotation\`, a \`secretStringTemplate\` naming the database, with ${required.map(f => `"${f}"`).join(', ')}`);
  });

  test.each(required)('fails when the template lacks %s', (field) => {
    const fields = fieldsFor(required);
    delete fields[field];
    expect(() => new RotatedSecret(stack(), 'Db', {
      hostedRotation: factory(name, 'SingleUser')(),
      generateSecretString: { secretStringTemplate: JSON.stringify(fields) },
      ...quiet,
    })).toThrow(`S/Db: \`generateSecretString.secretStringTemplate\` lacks "${field}": give a \`secretStringTemplate\` naming the database`);
  });
});

describe('hosted rotation templates it refuses', () => {
  const hosted = () => secretsmanager.HostedRotation.postgreSqlSingleUser();
  test.each<[string, secretsmanager.SecretStringGenerator, string]>([
    ['another engine', { secretStringTemplate: JSON.stringify({ engine: 'mysql', host: HOST, username: 'app' }) },
      'must have "engine": "postgres" (or none) for PostgreSQLSingleUser'],
    ['a fixed password', { secretStringTemplate: JSON.stringify({ host: HOST, username: 'app', password: 'hunter2' }) },
      'must leave the password to the construct'],
    ['another generated key', { secretStringTemplate: JSON.stringify({ host: HOST, username: 'app' }), generateStringKey: 'pass' },
      'must leave the password to the construct'],
    ['a template that is not a JSON object', { secretStringTemplate: '"app"' }, 'must be a JSON object'],
  ])('fails on %s', (_name, generateSecretString, message) => {
    expect(() => new RotatedSecret(stack(), 'Db', { hostedRotation: hosted(), generateSecretString, ...quiet })).toThrow(message);
  });

  test('control: the README\'s template, with engine, port and a password rule of its own, is kept', () => {
    const s = stack();
    new RotatedSecret(s, 'Db', {
      hostedRotation: hosted(),
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ engine: 'postgres', host: HOST, username: 'app', port: 5432 }),
        generateStringKey: 'password',
        excludePunctuation: true,
      },
      ...quiet,
    });
    const { template, props } = generatorOf(s);
    expect(template).toEqual({ engine: 'postgres', host: HOST, username: 'app', port: 5432 });
    expect(props).toMatchObject({ GenerateStringKey: 'password', ExcludePunctuation: true });
  });
});

describe('hosted rotation error messages, in full', () => {
  const postgres = () => secretsmanager.HostedRotation.postgreSqlSingleUser();
  const NEED_SINGLE = 'a `secretStringTemplate` naming the database, with "host", "username" (the construct adds "engine", "password"), '
    + 'e.g. { secretStringTemplate: JSON.stringify({ host: ..., username: ... }) }: the PostgreSQLSingleUser rotation function reads them from the secret';
  const fails = (hostedRotation: secretsmanager.HostedRotation, generateSecretString?: secretsmanager.SecretStringGenerator) =>
    () => new RotatedSecret(stack(), 'Db', { hostedRotation, generateSecretString, ...quiet });

  test('without a generator: what to give, what the construct adds, an example, and "none"', () => {
    expect(fails(postgres())).toThrow(`S/Db: \`generateSecretString\` must give, with \`hostedRotation\`, ${NEED_SINGLE}, got "none"`);
  });

  test('a generator without a template is echoed', () => {
    expect(fails(postgres(), { excludePunctuation: true })).toThrow(
      `S/Db: \`generateSecretString\` must give, with \`hostedRotation\`, ${NEED_SINGLE}, got {"excludePunctuation":true}`);
  });

  test('multi user: the construct adds masterarn too, and Oracle needs dbname', () => {
    const master = (s: Stack) => new secretsmanager.Secret(s, 'Master');
    const s = stack();
    expect(() => new RotatedSecret(s, 'Db', { hostedRotation: secretsmanager.HostedRotation.oracleMultiUser({ masterSecret: master(s) }), ...quiet }))
      .toThrow('S/Db: `generateSecretString` must give, with `hostedRotation`, a `secretStringTemplate` naming the database, with "host", '
        + '"username", "dbname" (the construct adds "engine", "masterarn", "password"), e.g. { secretStringTemplate: JSON.stringify({ host: ..., '
        + 'username: ..., dbname: ... }) }: the OracleMultiUser rotation function reads them from the secret, got "none"');
  });

  test('a template lacking fields names each, an empty string counting as missing', () => {
    expect(fails(postgres(), { secretStringTemplate: JSON.stringify({ host: '', port: 5432 }) })).toThrow(
      `S/Db: \`generateSecretString.secretStringTemplate\` lacks "host", "username": give ${NEED_SINGLE}, got "{"host":"","port":5432}"`);
  });

  test.each(['not json', 'null', '[]', '"app"'])('a template %s is not a JSON object', (template) => {
    expect(fails(postgres(), { secretStringTemplate: template })).toThrow(
      `S/Db: \`generateSecretString.secretStringTemplate\` must be a JSON object: ${NEED_SINGLE}, got "${template}"`);
  });

  test('another engine', () => {
    const template = JSON.stringify({ engine: 'mysql', host: HOST, username: 'app' });
    expect(fails(postgres(), { secretStringTemplate: template })).toThrow(
      `S/Db: \`generateSecretString.secretStringTemplate\` must have "engine": "postgres" (or none) for PostgreSQLSingleUser, got "${template}"`);
  });

  test('a password in the template, or another generated key, named as received', () => {
    const LEAVE = 'must leave the password to the construct: it generates "password", the key the rotation function rotates';
    expect(fails(postgres(), { secretStringTemplate: JSON.stringify({ host: HOST, username: 'app', password: 'hunter2' }) })).toThrow(
      `S/Db: \`generateSecretString\` ${LEAVE}, got "a template with "password""`);
    expect(fails(postgres(), { secretStringTemplate: JSON.stringify({ host: HOST, username: 'app' }), generateStringKey: 'pass' })).toThrow(
      `S/Db: \`generateSecretString\` ${LEAVE}, got "pass"`);
  });
});

describe('hosted rotation secrets, edge cases', () => {
  test('a template from a token is not read at synth: passed on, with the password generated by default', () => {
    const s = stack();
    const template = Lazy.string({ produce: () => JSON.stringify({ host: HOST, username: 'app' }) });
    new RotatedSecret(s, 'Db', { hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser(), generateSecretString: { secretStringTemplate: template }, ...quiet });
    const { template: rendered, props } = generatorOf(s);
    expect(rendered).toEqual({ host: HOST, username: 'app' });
    expect(props.GenerateStringKey).toBe('password');
    expect(props.ExcludeCharacters).toBe(DEFAULT_PASSWORD_EXCLUDE_CHARACTERS);
  });

  test('a master secret imported by name: masterarn is its ARN without the "-??????" wildcard', () => {
    const s = stack();
    const master = secretsmanager.Secret.fromSecretNameV2(s, 'Master', 'db/master');
    new RotatedSecret(s, 'Db', {
      hostedRotation: secretsmanager.HostedRotation.mysqlMultiUser({ masterSecret: master }),
      generateSecretString: { secretStringTemplate: JSON.stringify({ host: HOST, username: 'app' }) },
      ...quiet,
    });
    const secrets = Template.fromStack(s).findResources('AWS::SecretsManager::Secret');
    const db = Object.entries(secrets).find(([id]) => id.startsWith('DbSecret'))![1];
    // The ARN's partition is a token: Fn::Join of the literal parts and { Ref: AWS::Partition }.
    const [, parts] = db.Properties.GenerateSecretString.SecretStringTemplate['Fn::Join'] as [string, unknown[]];
    const joined = parts.map(p => (typeof p === 'string' ? p : 'aws')).join('');
    expect(JSON.parse(joined).masterarn).toBe('arn:aws:secretsmanager:us-east-1:111111111111:secret:db/master');
  });

  test('a masterarn in the template is kept', () => {
    const s = stack();
    const masterarn = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:mine-AbCdEf';
    new RotatedSecret(s, 'Db', {
      hostedRotation: secretsmanager.HostedRotation.mysqlMultiUser({ masterSecret: new secretsmanager.Secret(s, 'Master') }),
      generateSecretString: { secretStringTemplate: JSON.stringify({ host: HOST, username: 'app', masterarn }) },
      ...quiet,
    });
    expect(generatorOf(s).template).toEqual({ engine: 'mysql', host: HOST, username: 'app', masterarn });
  });

  test.each(['MySQLSingleUserV2', 'Db2SingleUser', 'MySQL'])('leaves a rotation type it does not know (%s) alone', (rotationType) => {
    expect(hostedRotationSecretString(stack(), rotationType, undefined, undefined)).toBeUndefined();
  });

  test('excludes what rds.DatabaseSecret excludes from its generated passwords', () => {
    const s = stack();
    new rds.DatabaseSecret(s, 'Rds', { username: 'app' });
    const [secret] = Object.values(Template.fromStack(s).findResources('AWS::SecretsManager::Secret'));
    expect(secret.Properties.GenerateSecretString.ExcludeCharacters).toBe(DEFAULT_PASSWORD_EXCLUDE_CHARACTERS);
    expect(DEFAULT_PASSWORD_EXCLUDE_CHARACTERS).toBe(' %+~`#$&*()|[]{}:;<>?!\'/@"\\');
  });
});
