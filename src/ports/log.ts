/** Where steps and use cases say what they decided (Powertools' Logger in Lambda; silent or a test's list locally). */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** A log that drops everything. */
export const SILENT_LOG: Log = { info: () => {}, warn: () => {} };
