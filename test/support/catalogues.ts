/**
 * The catalogue the reliability scenarios run on: the bundled one (infra/tier-catalogue.json) and one
 * tier more, `app`: the `suite` application with a Cognito user pool and DynamoDB tables of the
 * tenant's own, so that the identity and tables kinds run under the same faults, kills and duplicates
 * as the bundled tiers.
 */
import bundled from '../../infra/tier-catalogue.json' with { type: 'json' };
import { parseCatalogue } from '../../src/domain/catalogue.ts';

const suite = bundled.tiers.suite;

/** The scenarios' catalogue as the `TIER_CATALOGUE` setting takes it. */
export const SCENARIO_CATALOGUE_JSON = JSON.stringify({
  ...bundled,
  tiers: {
    ...bundled.tiers,
    app: {
      ...suite,
      description:
        'The suite application with a user pool and tables of its own (the reliability scenarios’ tier).',
      aliases: [],
      identity: 'own-pool',
      tables: [
        { name: 'orders', partitionKey: 'tenantId', sortKey: 'orderId' },
        { name: 'products', partitionKey: 'tenantId' },
      ],
    },
  },
});

export const SCENARIO_CATALOGUE = parseCatalogue(
  JSON.parse(SCENARIO_CATALOGUE_JSON),
  'test/support/catalogues.ts',
);
