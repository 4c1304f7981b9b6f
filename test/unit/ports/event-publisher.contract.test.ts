import { describe, expect, it } from 'vitest';
import { publishers } from './implementations.ts';

describe.each(publishers)('EventPublisher contract: $name', ({ make }) => {
  it('puts each event on the bus as given', async () => {
    const { events, received } = await make();
    const event = {
      source: 'sbt.application.plane',
      detailType: 'sbt_aws_provisionSuccess',
      detail: { tenantRegistrationId: 'reg-1', jobOutput: { tenantData: {}, tenantRegistrationData: {} } },
    };
    await events.publish(event);
    await events.publish({ ...event, detailType: 'sbt_aws_deprovisionSuccess' });
    expect(received()).toEqual([event, { ...event, detailType: 'sbt_aws_deprovisionSuccess' }]);
  });
});
