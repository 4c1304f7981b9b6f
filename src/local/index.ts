/** Everything local: the simulated cloud, local DynamoDB, and the runtime that wires them to the handlers. */
export * from './runtime/index.ts';
