import { FatalError } from '../../domain/errors.ts';

/**
 * How an adapter gets its AWS client (Powertools style): an instance the caller built and shares,
 * or a configuration the adapter builds one from, never both.
 */
export type ClientOptions<Client, Config> =
  | { client: Client; clientConfig?: never }
  | { client?: never; clientConfig?: Config };

/**
 * Returns the injected client, or builds one from `clientConfig` (an empty config when neither is
 * given). Throws when both are given: which one wins would be a silent guess.
 */
export const resolveClient = <Client, Config>(
  adapter: string,
  options: { client?: Client; clientConfig?: Config },
  build: (config: Config | undefined) => Client,
): Client => {
  if (options.client !== undefined && options.clientConfig !== undefined) {
    throw new FatalError(`${adapter}: pass either client or clientConfig, not both`);
  }
  return options.client ?? build(options.clientConfig);
};
