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

  it('reads the call a fault hits after #, with an execution after @', () => {
    // Prepare
    const text = 'CreateService#2:crash:3@t-1';

    // Act
    const spec = parseFaultSpec(text);

    // Assess
    expect(spec).toEqual({ step: 'CreateService', kind: 'crash', count: 3, call: 2, execution: 't-1' });
  });

  it.each([
    ['CreateService#0:crash', /CALL \(after #\) must be/],
    ['CreateService#x:crash', /CALL \(after #\) must be/],
    ['CreateService#:crash', /CALL \(after #\) must be/],
    ['CreateService', /expected STEP\[#CALL\]:KIND/],
    ['CreateService:transient:1:2', /expected STEP\[#CALL\]:KIND/],
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
