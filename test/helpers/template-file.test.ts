import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { TMP_ROOT, withTemplateFile } from './template-file';

test('writes a template object to a fresh file under .tmp/ and removes it afterwards', () => {
  let seen = '';
  const content = withTemplateFile({ Resources: {} }, (file) => {
    seen = file;
    return fs.readFileSync(file, 'utf-8');
  });

  expect(path.relative(TMP_ROOT, seen)).toMatch(/^template-[^/]+\/template\.json$/);
  expect(JSON.parse(content)).toEqual({ Resources: {} });
  expect(fs.existsSync(seen)).toBe(false);
});

test('removes the file even when the callback throws', () => {
  let seen = '';
  expect(() => withTemplateFile({}, (file) => {
    seen = file;
    throw new Error('boom');
  })).toThrow('boom');
  expect(fs.existsSync(seen)).toBe(false);
});

test('synthesizes a stack', () => {
  const stack = new Stack(new App(), 'Stack');
  new kms.Key(stack, 'Key');

  const template = withTemplateFile(stack, (file) => JSON.parse(fs.readFileSync(file, 'utf-8')));

  expect(Object.values(template.Resources).map((r) => (r as { Type: string }).Type)).toEqual(['AWS::KMS::Key']);
});

test('passes an existing file path through untouched, and rejects a missing one', () => {
  const file = withTemplateFile({ a: 1 }, (tmp) => withTemplateFile(tmp, (same) => same === tmp));

  expect(file).toBe(true);
  expect(() => withTemplateFile(path.join(TMP_ROOT, 'missing.json'), () => 0)).toThrow(/template file not found/);
});
