import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_DIR, parseCommandLine } from '../../../src/cli/args.ts';

describe('parseCommandLine', () => {
  it('parses replay with every option', () => {
    // Prepare
    const argv = [
      'replay',
      'a.json',
      'dir',
      '--json',
      '--engine',
      'xstate',
      '--fault',
      'CreateService:transient:2',
      '--fault',
      'ValidateRequest:crash',
      '--throttle',
      '--verbose',
      '--fail-on',
      'failed, rejected',
      '--state-dir',
      '/tmp/s',
    ];

    // Act
    const parsed = parseCommandLine(argv);

    // Assess
    expect(parsed).toEqual({
      ok: true,
      command: {
        name: 'replay',
        stateDir: '/tmp/s',
        paths: ['a.json', 'dir'],
        json: true,
        engine: 'xstate',
        faults: [
          { step: 'CreateService', kind: 'transient', count: 2 },
          { step: 'ValidateRequest', kind: 'crash', count: 1 },
        ],
        throttle: true,
        verbose: true,
        failOn: ['failed', 'rejected'],
      },
    });
  });

  it('applies the defaults', () => {
    // Prepare
    const argv = ['replay', 'a.json'];

    // Act
    const parsed = parseCommandLine(argv);

    // Assess
    expect(parsed).toEqual({
      ok: true,
      command: {
        name: 'replay',
        stateDir: DEFAULT_STATE_DIR,
        paths: ['a.json'],
        json: false,
        engine: 'asl',
        faults: [],
        throttle: false,
        verbose: false,
        failOn: [],
      },
    });
  });

  it('parses the other commands', () => {
    // Prepare
    const lines = [
      ['status', 't1', '--json'],
      ['migrate', 't1', '--to', 'premium'],
      ['reconcile', '--repair', '--tenant', 't1', '--json'],
      ['list'],
      ['inventory', '--json'],
      ['diagram', '--out', 'x.svg'],
      ['diagram', '--format', 'mermaid'],
      ['diagram', '--format', 'png'],
      ['reset'],
      ['demo'],
      ['help'],
      [],
    ];

    // Act
    const parsed = lines.map((argv) => parseCommandLine(argv));

    // Assess
    expect(parsed).toEqual([
      { ok: true, command: { name: 'status', stateDir: DEFAULT_STATE_DIR, tenantId: 't1', json: true } },
      {
        ok: true,
        command: { name: 'migrate', stateDir: DEFAULT_STATE_DIR, tenantId: 't1', to: 'premium', json: false },
      },
      {
        ok: true,
        command: { name: 'reconcile', stateDir: DEFAULT_STATE_DIR, repair: true, tenantId: 't1', json: true },
      },
      { ok: true, command: { name: 'list', stateDir: DEFAULT_STATE_DIR, json: false } },
      { ok: true, command: { name: 'inventory', stateDir: DEFAULT_STATE_DIR, json: true } },
      { ok: true, command: { name: 'diagram', stateDir: DEFAULT_STATE_DIR, format: 'svg', out: 'x.svg' } },
      { ok: true, command: { name: 'diagram', stateDir: DEFAULT_STATE_DIR, format: 'mermaid', out: '-' } },
      { ok: false, message: 'diagram: --format "png": one of svg, mermaid' },
      { ok: true, command: { name: 'reset', stateDir: DEFAULT_STATE_DIR } },
      { ok: true, command: { name: 'demo', stateDir: DEFAULT_STATE_DIR, verbose: false } },
      { ok: true, command: { name: 'help' } },
      { ok: true, command: { name: 'help' } },
    ]);
  });

  it.each([
    [['replay', 'a.json', '--bogus'], /bogus/],
    [['replay'], /at least one event file/],
    [['replay', 'a.json', '--engine', 'lambda'], /--engine "lambda"/],
    [['replay', 'a.json', '--fault', 'Nope:transient'], /unknown step "Nope"/],
    [['status'], /exactly one tenant id/],
    [['migrate', 't1'], /--to TIER/],
    [['reconcile', 'now'], /unexpected argument "now"/],
    [['reconcile', '--tenant', ' '], /--tenant: give a tenant id/],
    [['migrate', '--to', 'basic'], /exactly one tenant id/],
    [['list', 'extra'], /unexpected argument "extra"/],
    [['launch'], /unknown command "launch" \(try: tenantflow help\)/],
    [['replya', 'a.json'], /unknown command "replya" \(did you mean "replay"\?\)/],
    [['replay', 'a.json', '--jsn'], /unknown option --jsn \(did you mean "--json"\?\)/],
    [['replay', 'a.json', '--fail-on', 'failde'], /--fail-on "failde": .*\(did you mean "failed"\?\)/],
  ])('rejects %j with a one-line message', (argv, message) => {
    // Prepare
    const line = [...argv];

    // Act
    const parsed = parseCommandLine(line);

    // Assess
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toMatch(message);
    expect(parsed.message).not.toContain('\n');
  });

  it('takes abort of one execution, or of whatever runs for --tenant, not both and not neither', () => {
    expect(parseCommandLine(['abort', 'onboard-r1-abc'])).toMatchObject({
      ok: true,
      command: { execution: 'onboard-r1-abc' },
    });
    expect(parseCommandLine(['abort', '--tenant', 't1'])).toMatchObject({
      ok: true,
      command: { tenantId: 't1' },
    });
    for (const args of [['abort'], ['abort', 'x', '--tenant', 't1'], ['abort', 'x', 'y']])
      expect(parseCommandLine(args)).toEqual({
        ok: false,
        message: 'abort: give exactly one execution name, or --tenant <id>',
      });
  });

  it('parses --in-process and --no-wait with --target aws only', () => {
    expect(parseCommandLine(['replay', 'a.json', '--target', 'aws', '--in-process'])).toMatchObject({
      ok: true,
      command: { aws: { inProcess: true } },
    });
    expect(parseCommandLine(['retry', 't1', '--target', 'aws', '--no-wait'])).toMatchObject({
      ok: true,
      command: { aws: { noWait: true } },
    });
    expect(parseCommandLine(['replay', 'a.json', '--in-process'])).toEqual({
      ok: false,
      message: '--in-process applies only with --target aws',
    });
  });

  it('parses --target aws with its names, and refuses AWS flags without it, naming the flag', () => {
    // Act
    const aws = parseCommandLine([
      'status',
      't1',
      '--target',
      'aws',
      '--region',
      'eu-west-1',
      '--profile',
      'ops',
      '--stack',
      'tenantflow-prod',
      '--sbt-bus',
      'sbt-bus',
    ]);
    const defaults = parseCommandLine(['list', '--target', 'aws']);
    const refusals = [
      ['list', '--region', 'eu-west-1'],
      ['list', '--target', 'gcp'],
      ['list', '--target', 'aws', '--stack', 'other-prod'],
      ['list', '--target', 'aws', '--stack', 'tenantflow-prod', '--stage', 'dev'],
      ['list', '--target', 'aws', '--table', ''],
      ['replay', 'a.json', '--to-bus', 'b', '--target', 'aws'],
    ].map((argv) => parseCommandLine(argv));
    const toBus = parseCommandLine([
      'replay',
      'a.json',
      '--to-bus',
      'b',
      '--region',
      'eu-west-1',
      '--profile',
      'p',
    ]);

    // Assess
    expect(aws).toEqual({
      ok: true,
      command: {
        name: 'status',
        stateDir: DEFAULT_STATE_DIR,
        tenantId: 't1',
        json: false,
        aws: {
          region: 'eu-west-1',
          profile: 'ops',
          stage: 'prod',
          sbtBus: 'sbt-bus',
        },
      },
    });
    expect(defaults).toMatchObject({
      ok: true,
      command: { aws: { stage: 'dev' } },
    });
    // No --shared-stack: the deployed stage's is used, else tenantflow-shared (settled when the command runs).
    expect(defaults.ok && 'aws' in defaults.command && defaults.command.aws?.sharedStack).toBeFalsy();
    expect(refusals).toEqual([
      { ok: false, message: '--region applies only with --target aws' },
      { ok: false, message: '--target "gcp": expected local or aws' },
      { ok: false, message: '--stack "other-prod": expected tenantflow-<stage>, the stack osls deploys' },
      { ok: false, message: '--stack tenantflow-prod is stage prod, but --stage says dev' },
      { ok: false, message: '--table: give a value' },
      {
        ok: false,
        message: '--to-bus only puts the events on a bus (it runs no saga): --target does not apply',
      },
    ]);
    expect(toBus).toMatchObject({
      ok: true,
      command: { toBus: 'b', busRegion: 'eu-west-1', busProfile: 'p' },
    });
    expect(toBus.ok && 'aws' in toBus.command).toBe(false);
  });

  it('answers --help for any command, and --version', () => {
    // Act
    const parsed = [
      ['replay', '--help'],
      ['reconcile', '--repair', '-h'],
      ['help', 'migrate'],
      ['help', 'nonsense'],
      ['--version'],
      ['-V'],
    ].map((argv) => parseCommandLine(argv));

    // Assess
    expect(parsed).toEqual([
      { ok: true, command: { name: 'help', topic: 'replay' } },
      { ok: true, command: { name: 'help', topic: 'reconcile' } },
      { ok: true, command: { name: 'help', topic: 'migrate' } },
      { ok: true, command: { name: 'help' } },
      { ok: true, command: { name: 'version' } },
      { ok: true, command: { name: 'version' } },
    ]);
  });

  it('update --service NAME=IMAGE puts a companion image into the release, each name once', () => {
    // Act
    const parsed = parseCommandLine([
      'update',
      't-1',
      '--image',
      'x/web:2.0',
      '--service',
      'orders=x/orders:2.0',
      '--service',
      '__proto__=x/p:1',
    ]);
    const twice = parseCommandLine([
      'update',
      't-1',
      '--image',
      'x/web:2',
      '--service',
      'a=x:1',
      '--service',
      'a=x:2',
    ]);
    const bare = parseCommandLine(['update', 't-1', '--image', 'x/web:2', '--service', 'orders']);

    // Assess
    expect(parsed.ok && parsed.command.name === 'update' ? parsed.command.release : undefined).toEqual({
      version: '2.0',
      image: 'x/web:2.0',
      services: { orders: { image: 'x/orders:2.0' }, ['__proto__']: { image: 'x/p:1' } },
    });
    expect(
      parsed.ok &&
        parsed.command.name === 'update' &&
        Object.hasOwn((parsed.command.release as { services: object }).services, '__proto__'),
    ).toBe(true);
    expect(twice).toMatchObject({ ok: false });
    expect(JSON.stringify(twice)).toContain('--service a is given twice');
    expect(JSON.stringify(bare)).toContain('--service \\"orders\\": expected NAME=IMAGE');
  });

  it('update --bake -1 says the flag and the value, not "argument is ambiguous"', () => {
    // Act
    const parsed = parseCommandLine(['update', '--tier', 'advanced', '--image', 'x/web:2', '--bake', '-1']);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed)).toContain(
      '--bake \\"-1\\": a value starting with \\"-\\" is not one it takes',
    );
    expect(JSON.stringify(parsed)).not.toContain('ambiguous');
  });
});

describe('alarm', () => {
  it('takes an alarm name and a state in any case, and refuses anything else naming what it expects', () => {
    expect(parseCommandLine(['alarm', 'errors-high', 'alarm'])).toEqual({
      ok: true,
      command: { name: 'alarm', alarm: 'errors-high', state: 'ALARM', stateDir: DEFAULT_STATE_DIR },
    });
    expect(parseCommandLine(['alarm', 'errors-high'])).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        'alarm: takes an alarm name and a state (OK, ALARM, INSUFFICIENT_DATA)',
      ),
    });
    expect(parseCommandLine(['alarm', 'errors-high', 'ALRAM'])).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        'alarm: state "ALRAM": expected OK, ALARM, INSUFFICIENT_DATA (did you mean "ALARM"?)',
      ),
    });
    expect(parseCommandLine(['alarm', 'errors-high', 'OK', 'extra'])).toMatchObject({ ok: false });
    expect(parseCommandLine(['alarm', 'errors-high', 'OK', '--target', 'aws'])).toMatchObject({ ok: false });
  });
});

describe('follow', () => {
  it('takes one execution name, and only with --target aws', () => {
    expect(parseCommandLine(['follow', 'onboard-t-1-abc', '--target', 'aws', '--stage', 'prod'])).toEqual({
      ok: true,
      command: {
        name: 'follow',
        execution: 'onboard-t-1-abc',
        stateDir: DEFAULT_STATE_DIR,
        json: false,
        aws: { stage: 'prod' },
      },
    });
    expect(parseCommandLine(['follow', 'onboard-t-1-abc'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('follow: follows a deployed stage’s execution (--target aws)'),
    });
    expect(parseCommandLine(['follow', '--target', 'aws'])).toMatchObject({
      ok: false,
      message: 'follow: give exactly one execution name',
    });
  });
});
