import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countPlaceholders,
  type Json,
  loadDefinition,
  parseDefinition,
  replaceStepResource,
  STEP_FUNCTION_ARN_PLACEHOLDER,
} from '../../../../infra/deploy/asl.ts';
import { tempDir } from '../../../support/temp-dirs.ts';

const stepArn = { 'Fn::GetAtt': ['StepLambdaFunction', 'Arn'] };

const definition = (): Json => ({
  StartAt: 'A',
  States: {
    A: { Type: 'Task', Resource: STEP_FUNCTION_ARN_PLACEHOLDER, Next: 'B' },
    B: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'C', States: { C: { Type: 'Task', Resource: STEP_FUNCTION_ARN_PLACEHOLDER, End: true } } },
      ],
      End: true,
    },
    D: { Type: 'Pass', Result: `${STEP_FUNCTION_ARN_PLACEHOLDER}:live`, End: true },
  },
});

describe('replaceStepResource', () => {
  it('replaces every whole-string occurrence, nested in objects and arrays', () => {
    // Prepare
    const input = definition();

    // Act
    const output = replaceStepResource(input, stepArn);

    // Assess
    expect(output).toEqual({
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: stepArn, Next: 'B' },
        B: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'C', States: { C: { Type: 'Task', Resource: stepArn, End: true } } }],
          End: true,
        },
        D: { Type: 'Pass', Result: `${STEP_FUNCTION_ARN_PLACEHOLDER}:live`, End: true },
      },
    });
  });

  it('leaves its input untouched', () => {
    // Prepare
    const input = definition();
    const before = JSON.stringify(input);

    // Act
    replaceStepResource(input, stepArn);

    // Assess
    expect(JSON.stringify(input)).toBe(before);
  });

  it('keeps scalars other than the placeholder as they are', () => {
    // Prepare
    const values: Json[] = [1, true, null, 'arn:aws:lambda:us-east-1:000000000000:function:other'];

    // Act
    const output = values.map((value) => replaceStepResource(value, stepArn));

    // Assess
    expect(output).toEqual(values);
  });
});

describe('countPlaceholders', () => {
  it('counts whole-string occurrences only', () => {
    // Prepare
    const input = definition();

    // Act
    const count = countPlaceholders(input);

    // Assess
    expect(count).toBe(2);
  });
});

describe('parseDefinition', () => {
  it('parses an ASL document and points its Tasks at the replacement', () => {
    // Prepare
    const text = JSON.stringify(definition());

    // Act
    const parsed = parseDefinition(text, stepArn, 'x.asl.json');

    // Assess
    expect(countPlaceholders(parsed)).toBe(0);
    expect(parsed.States).toMatchObject({ A: { Resource: stepArn } });
  });

  it.each([
    ['not JSON', '{', 'x.asl.json: not valid JSON'],
    ['not a definition', '{"Comment":"no states"}', 'x.asl.json: not a state machine definition'],
    [
      'a definition that never calls the step Lambda',
      '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
      'x.asl.json: no Task uses the step placeholder',
    ],
  ])('rejects %s, naming the file', (_label, text, message) => {
    // Prepare
    const parse = () => parseDefinition(text, stepArn, 'x.asl.json');

    // Act + Assess
    expect(parse).toThrow(message);
  });
});

describe('loadDefinition', () => {
  it('reads <dir>/<id>.asl.json', () => {
    // Prepare
    const dir = tempDir('tf-asl-');
    writeFileSync(join(dir, 'onboarding.asl.json'), JSON.stringify(definition()));

    // Act
    const loaded = loadDefinition(dir, 'onboarding', stepArn);

    // Assess
    expect(loaded.StartAt).toBe('A');
    expect(countPlaceholders(loaded)).toBe(0);
  });

  it('says how to generate a missing file', () => {
    // Prepare
    const dir = tempDir('tf-asl-');

    // Act
    const load = () => loadDefinition(dir, 'offboarding', stepArn);

    // Assess
    expect(load).toThrow(
      `cannot read ${join(dir, 'offboarding.asl.json')}: generate it first (npm run build:asl)`,
    );
  });
});

describe('STEP_FUNCTION_ARN_PLACEHOLDER', () => {
  it('is the placeholder the ASL compiler writes', async () => {
    // Prepare
    const compiler = await import('../../../../state-machines/compile.ts');

    // Act
    const written = compiler.STEP_FUNCTION_ARN_PLACEHOLDER;

    // Assess
    expect(STEP_FUNCTION_ARN_PLACEHOLDER).toBe(written);
  });
});
