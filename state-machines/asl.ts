import { z } from 'zod';

/**
 * The subset of the Amazon States Language the compiler emits (JSONPath only), as zod schemas:
 * tests and tools parse a committed `*.asl.json` with `aslDefinitionSchema` instead of trusting it.
 */

const retrierSchema = z.object({
  ErrorEquals: z.array(z.string()).min(1),
  IntervalSeconds: z.number().int().positive(),
  MaxAttempts: z.number().int().nonnegative(),
  BackoffRate: z.number().min(1),
  MaxDelaySeconds: z.number().int().positive().optional(),
  JitterStrategy: z.enum(['FULL', 'NONE']).optional(),
});

const catcherSchema = z.object({
  ErrorEquals: z.array(z.string()).min(1),
  ResultPath: z.string(),
  Next: z.string(),
});

const taskSchema = z.object({
  Type: z.literal('Task'),
  Resource: z.string(),
  Parameters: z.record(z.string(), z.string()),
  TimeoutSeconds: z.number().int().positive(),
  Retry: z.array(retrierSchema),
  Catch: z.array(catcherSchema),
  Next: z.string(),
});

const passSchema = z.object({
  Type: z.literal('Pass'),
  Result: z.string(),
  ResultPath: z.string(),
  Next: z.string(),
});

const choiceTestSchema = z.object({
  Variable: z.string().startsWith('$.'),
  StringEquals: z.string().optional(),
  BooleanEquals: z.boolean().optional(),
  IsPresent: z.boolean().optional(),
});

const choiceRuleSchema = z.union([
  choiceTestSchema.extend({ Next: z.string() }),
  z.object({ And: z.array(choiceTestSchema).min(1), Next: z.string() }),
]);

const choiceSchema = z.object({
  Type: z.literal('Choice'),
  Choices: z.array(choiceRuleSchema).min(1),
  Default: z.string(),
});
const waitSchema = z
  .object({
    Type: z.literal('Wait'),
    Seconds: z.number().int().positive().optional(),
    // The length from the state document (a non-negative integer there, or the execution fails).
    SecondsPath: z.string().startsWith('$.').optional(),
    Next: z.string(),
  })
  .refine((wait) => (wait.Seconds === undefined) !== (wait.SecondsPath === undefined), {
    message: 'a Wait has Seconds or SecondsPath',
  });
const succeedSchema = z.object({ Type: z.literal('Succeed') });
const failSchema = z.object({ Type: z.literal('Fail'), Error: z.string(), Cause: z.string() });

export const aslStateSchema = z.discriminatedUnion('Type', [
  taskSchema,
  passSchema,
  choiceSchema,
  waitSchema,
  succeedSchema,
  failSchema,
]);

export const aslDefinitionSchema = z.object({
  Comment: z.string(),
  StartAt: z.string(),
  TimeoutSeconds: z.number().int().positive(),
  States: z.record(z.string(), aslStateSchema),
});

export type AslRetrier = z.infer<typeof retrierSchema>;
export type AslTaskState = z.infer<typeof taskSchema>;
export type AslChoiceRule = z.infer<typeof choiceRuleSchema>;
export type AslState = z.infer<typeof aslStateSchema>;
export type AslDefinition = z.infer<typeof aslDefinitionSchema>;
