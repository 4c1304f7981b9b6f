import { errorMetadata } from './context.ts';
import type { SimPlugin } from './plugin.ts';

/** A service-level error with no modelled class: built on the service's own base exception. */
export const serviceError = (plugin: SimPlugin, name: string, message: string): Error =>
  new plugin.exception({ name, $fault: 'client', $metadata: errorMetadata(), message });

export const throttlingError = (plugin: SimPlugin): Error =>
  serviceError(plugin, plugin.throttlingName, 'Rate exceeded');

export const notImplemented = (plugin: SimPlugin, command: string): Error =>
  serviceError(
    plugin,
    'UnknownOperationException',
    `simulated AWS does not implement ${plugin.name} ${command}`,
  );
