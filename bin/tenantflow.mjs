#!/usr/bin/env node
// The tenantflow CLI. The sources are TypeScript run through tsx's loader, so no build step is needed.
import { register } from 'tsx/esm/api';

// The deployed Lambdas run on nodejs22.x; local runs on Node 20 are supported, so the SDK's
// "Node 20 support ends" notice would only be noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
