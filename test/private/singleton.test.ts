import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Singleton } from '../../src/private/singleton';

describe('Singleton.perStack', () => {
  test('gives every scope of a stack the value made on first use, and makes it once', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const deep = new Construct(new Construct(stack, 'A'), 'B');
    const perStack = Singleton.perStack<object>();
    let made = 0;
    const first = perStack.obtain(deep, () => ({ n: ++made }));
    expect(perStack.obtain(stack, () => ({ n: ++made }))).toBe(first);
    expect(perStack.find(deep)).toBe(first);
    expect(made).toBe(1);
  });

  test('keeps one value per stack, a nested stack included', () => {
    const app = new App();
    const one = new Stack(app, 'One');
    const two = new Stack(app, 'Two');
    const nested = new NestedStack(one, 'Nested');
    const perStack = Singleton.perStack<string>();
    perStack.obtain(one, () => 'one');
    expect(perStack.find(two)).toBeUndefined();
    expect(perStack.find(nested)).toBeUndefined();
    expect(perStack.obtain(two, () => 'two')).toBe('two');
    expect(perStack.find(one)).toBe('one');
  });

  test('claim keeps the first value and returns it', () => {
    const stack = new Stack(new App(), 'S');
    const perStack = Singleton.perStack<string>();
    expect(perStack.claim(stack, 'first')).toBe('first');
    expect(perStack.claim(stack, 'second')).toBe('first');
    expect(perStack.find(stack)).toBe('first');
  });

  test('two helpers never share a value', () => {
    const stack = new Stack(new App(), 'S');
    const a = Singleton.perStack<string>();
    const b = Singleton.perStack<string>();
    a.claim(stack, 'a');
    expect(b.find(stack)).toBeUndefined();
  });
});

describe('Singleton.perApp', () => {
  test('gives every stack of one app the same value, and another app its own', () => {
    const app = new App();
    const perApp = Singleton.perApp<string[]>();
    const list = perApp.obtain(new Stack(app, 'One'), () => []);
    expect(perApp.obtain(new Stack(app, 'Two'), () => ['other'])).toBe(list);
    expect(perApp.find(new Stack(new App(), 'Elsewhere'))).toBeUndefined();
  });
});
