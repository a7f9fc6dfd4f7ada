import { App, Stack } from 'aws-cdk-lib';
import { addStackDependency } from '../../src/private/stack-dependency';

describe('addStackDependency', () => {
  test('makes the stack depend on the target, with the reason, on the installed aws-cdk-lib', () => {
    const app = new App();
    const target = new Stack(app, 'Target');
    const stack = new Stack(app, 'Dependent');
    addStackDependency(stack, target, 'replicas follow their primary');
    expect(stack.dependencies).toEqual([target]);
    const manifest = app.synth().getStackArtifact(stack.artifactId);
    expect(manifest.dependencies.map(d => d.id)).toContain(target.artifactId);
  });

  test('calls the renamed addStackDependency where aws-cdk-lib has it, not the deprecated name', () => {
    const app = new App();
    const target = new Stack(app, 'Target');
    const stack = new Stack(app, 'Dependent');
    const renamed = jest.fn();
    const deprecated = jest.spyOn(stack, 'addDependency');
    Object.assign(stack, { addStackDependency: renamed });
    addStackDependency(stack, target, 'replicas follow their primary');
    expect(renamed).toHaveBeenCalledWith(target, 'replicas follow their primary');
    expect(deprecated).not.toHaveBeenCalled();
  });
});
