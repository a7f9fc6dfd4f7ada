import { Token } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { invalidProp } from './validate';

/**
 * The JSON a hosted rotation function reads from a database secret, by engine, from
 * "JSON structure of AWS Secrets Manager secrets" (AWS Secrets Manager User Guide), sections
 * "Amazon RDS and Aurora credentials", "Amazon Redshift credentials" and "Amazon DocumentDB
 * credentials": `engine`, `host`, `username`, `password`, optional `dbname` and `port`
 * (Oracle requires `dbname`), and `masterarn` for the alternating-users (multi-user) strategy.
 */
export const HOSTED_ROTATION_ENGINES: Record<string, { readonly engine: string; readonly required: string[] }> = {
  MariaDB: { engine: 'mariadb', required: ['host', 'username'] },
  MySQL: { engine: 'mysql', required: ['host', 'username'] },
  Oracle: { engine: 'oracle', required: ['host', 'username', 'dbname'] },
  PostgreSQL: { engine: 'postgres', required: ['host', 'username'] },
  SQLServer: { engine: 'sqlserver', required: ['host', 'username'] },
  Redshift: { engine: 'redshift', required: ['host', 'username'] },
  MongoDB: { engine: 'mongo', required: ['host', 'username'] },
};

/** What `rds.DatabaseSecret` excludes from generated passwords: characters that break connection strings and shells. */
export const DEFAULT_PASSWORD_EXCLUDE_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';

/**
 * The generator for a secret rotated by the hosted function `rotationType`, as
 * `rds.DatabaseSecret` makes one: the user's `secretStringTemplate` (which must name the
 * database: the construct cannot know it), with `engine` and, for multi-user rotation,
 * `masterarn` added, and `password` generated. Refuses at synth what the function could not
 * rotate. Returns undefined for a rotation type the library does not know.
 */
export function hostedRotationSecretString(scope: IConstruct, rotationType: string, masterSecretArn: string | undefined,
  given: secretsmanager.SecretStringGenerator | undefined): secretsmanager.CfnSecret.GenerateSecretStringProperty | undefined {
  const family = /^(.*?)(Single|Multi)User$/.exec(rotationType);
  const shape = family ? HOSTED_ROTATION_ENGINES[family[1]] : undefined;
  if (!family || !shape) {
    return undefined;
  }
  const multiUser = family[2] === 'Multi';
  const added = ['engine', ...(multiUser ? ['masterarn'] : []), 'password'];
  const need = `a \`secretStringTemplate\` naming the database, with ${shape.required.map(f => `"${f}"`).join(', ')} `
    + `(the construct adds ${added.map(f => `"${f}"`).join(', ')}), e.g. `
    + `{ secretStringTemplate: JSON.stringify({ ${shape.required.map(f => `${f}: ...`).join(', ')} }) }: `
    + `the ${rotationType} rotation function reads them from the secret`;
  if (given?.secretStringTemplate === undefined) {
    return invalidProp(scope, 'generateSecretString', given ?? 'none', `must give, with \`hostedRotation\`, ${need}`);
  }
  if (Token.isUnresolved(given.secretStringTemplate)) {
    return { generateStringKey: 'password', excludeCharacters: DEFAULT_PASSWORD_EXCLUDE_CHARACTERS, ...given };
  }
  let template: Record<string, unknown>;
  try {
    template = JSON.parse(given.secretStringTemplate);
  } catch {
    template = [] as unknown as Record<string, unknown>;
  }
  if (typeof template !== 'object' || template === null || Array.isArray(template)) {
    return invalidProp(scope, 'generateSecretString.secretStringTemplate', given.secretStringTemplate, `must be a JSON object: ${need}`);
  }
  const missing = shape.required.filter(f => typeof template[f] !== 'string' || template[f] === '');
  if (missing.length > 0) {
    invalidProp(scope, 'generateSecretString.secretStringTemplate', given.secretStringTemplate,
      `lacks ${missing.map(f => `"${f}"`).join(', ')}: give ${need}`);
  }
  if (template.engine !== undefined && template.engine !== shape.engine) {
    invalidProp(scope, 'generateSecretString.secretStringTemplate', given.secretStringTemplate,
      `must have "engine": "${shape.engine}" (or none) for ${rotationType}`);
  }
  if (template.password !== undefined || (given.generateStringKey !== undefined && given.generateStringKey !== 'password')) {
    invalidProp(scope, 'generateSecretString', given.generateStringKey ?? 'a template with "password"',
      'must leave the password to the construct: it generates "password", the key the rotation function rotates');
  }
  const masterarn = template.masterarn ?? (masterSecretArn?.endsWith('-??????') ? masterSecretArn.slice(0, -'-??????'.length) : masterSecretArn);
  return {
    excludeCharacters: DEFAULT_PASSWORD_EXCLUDE_CHARACTERS,
    ...given,
    secretStringTemplate: JSON.stringify({ engine: shape.engine, ...template, ...(multiUser && masterarn ? { masterarn } : {}) }),
    generateStringKey: 'password',
  };
}
