import { describe, expect, it } from 'vitest';
import { parseFaultSpec } from '../../../../src/local/runtime/fault-spec.ts';

describe('parseFaultSpec', () => {
  it('reads STEP:KIND with a count of 1 by default', () => {
    // Prepare
    const text = 'CreateTargetGroup:throttle';

    // Act
    const spec = parseFaultSpec(text);

    // Assess
    expect(spec).toEqual({ step: 'CreateTargetGroup', kind: 'throttle', count: 1 });
  });

  it('reads an explicit count', () => {
    // Prepare
    const text = 'DeleteCluster:fatal:3';

    // Act
    const spec = parseFaultSpec(text);

    // Assess
    expect(spec).toEqual({ step: 'DeleteCluster', kind: 'fatal', count: 3 });
  });

  it.each([
    ['CreateService', /expected STEP:KIND/],
    ['CreateService:transient:1:2', /expected STEP:KIND/],
    ['MakeCoffee:transient', /unknown step "MakeCoffee"/],
    ['CreateService:explode', /unknown kind "explode"/],
    ['CreateService:crash:0', /COUNT must be/],
    ['CreateService:crash:two', /COUNT must be/],
  ])('rejects %s', (text, message) => {
    // Prepare
    const parse = () => parseFaultSpec(text);

    // Act
    const act = parse;

    // Assess
    expect(act).toThrow(message);
  });
});
