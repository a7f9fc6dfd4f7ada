import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * What a hosted-rotation RotatedSecret must be told about its database (the rotation
 * function connects to it): a placeholder host and user for tests.
 */
export const DB_CONNECTION: secretsmanager.SecretStringGenerator = {
  secretStringTemplate: JSON.stringify({ host: 'db.example.internal', username: 'app' }),
};
