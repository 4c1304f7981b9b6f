/** What `npm test` and `npm run test:reliability` share (vitest.config.ts, vitest.reliability.config.ts). */
export const SHARED_TEST_OPTIONS = {
  setupFiles: ['test/support/setup.ts'],
  environment: 'node',
  restoreMocks: true,
  env: {
    // Tests run on Node 20; the deployed functions on nodejs22.x. Keep the SDK's notice out of the output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // The simulated cloud checks each changing call's journal against a copy of its whole state.
    TENANTFLOW_SIM_CHECK: '1',
  },
  testTimeout: 30_000,
  hookTimeout: 30_000,
};
