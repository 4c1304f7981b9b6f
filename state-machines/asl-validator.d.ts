/** The little of asl-validator (untyped, CommonJS) the tests use. It mutates its input: pass a clone. */
declare module 'asl-validator' {
  interface AslValidationResult {
    isValid: boolean;
    errors: ReadonlyArray<Record<string, unknown>>;
    errorsText: (separator?: string) => string;
  }
  function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): AslValidationResult;
  export = validator;
}
