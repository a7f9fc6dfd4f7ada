import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RotatedSecret } from '../../src';
import { DEFAULT_PASSWORD_EXCLUDE_CHARACTERS } from '../../src/private/hosted-rotation';

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
