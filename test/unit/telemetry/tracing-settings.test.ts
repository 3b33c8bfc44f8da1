import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { assemblePlugins } from '../../../src/pipeline/assemble.js';
import type { GatewayPlugin } from '../../../src/pipeline/plugin.js';
import { createResources, type OwnedResources } from '../../../src/pipeline/resources.js';
import { tracingSettings } from '../../../src/telemetry/tracing/settings.js';

// How `telemetry.tracing` and the standard OTEL_* variables decide whether and how to trace: the block
// wins where it says something, the variables decide the rest, and by default nothing is traced.

const config = (raw: Record<string, unknown> = {}, stage?: string) =>
  resolveConfig(raw, { env: {}, ...(stage ? { stage } : {}) });
const tracing = (block: Record<string, unknown>) => config({ telemetry: { tracing: block } });

describe('whether tracing is on', () => {
  it('is off by default, and with OTEL_TRACES_EXPORTER=none', () => {
    expect(tracingSettings(config(), {})).toBeUndefined();
    expect(tracingSettings(config(), { OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('is on when OTEL_TRACES_EXPORTER names an exporter, which sdk-node then builds from the variables', () => {
    expect(tracingSettings(config(), { OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({
      serviceName: 'gatehouse',
      exporter: undefined,
      sampleRatio: undefined,
      trustIncomingTraceparent: true,
      includeDocument: false,
      activeContext: Number(process.versions.node.split('.')[0]) >= 24,
    });
  });

  it('follows the block over the variables', () => {
    expect(tracingSettings(tracing({ enabled: false }), { OTEL_TRACES_EXPORTER: 'otlp' })).toBeUndefined();
    expect(tracingSettings(tracing({ enabled: true }), {})).toBeDefined();
    expect(tracingSettings(tracing({ enabled: true, exporter: 'none' }), {})).toBeUndefined();
  });

  it('is off with OTEL_SDK_DISABLED, as sdk-node would be', () => {
    expect(tracingSettings(tracing({ enabled: true }), { OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });
});

describe('how spans are exported', () => {
  it('leaves exporting to the OTEL_* variables when the block says nothing of it', () => {
    expect(
      tracingSettings(tracing({ enabled: true }), { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })?.exporter,
    ).toBeUndefined();
  });

  it('takes the endpoint and protocol from the block, else the protocol from the variables', () => {
    const endpoint = 'http://collector:4318';
    expect(
      tracingSettings(tracing({ enabled: true, endpoint }), { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })
        ?.exporter,
    ).toEqual({
      kind: 'otlp',
      endpoint,
      protocol: 'http/json',
    });
    expect(
      tracingSettings(tracing({ enabled: true, endpoint, protocol: 'grpc' }), {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      })?.exporter,
    ).toEqual({ kind: 'otlp', endpoint, protocol: 'grpc' });
    expect(tracingSettings(tracing({ enabled: true, exporter: 'otlp' }), {})?.exporter).toEqual({
      kind: 'otlp',
      endpoint: undefined,
      protocol: 'http/protobuf',
    });
    expect(tracingSettings(tracing({ exporter: 'console', enabled: true }), {})?.exporter).toEqual({
      kind: 'console',
    });
  });
});

describe('the active context (AsyncLocalStorage)', () => {
  it("is kept with Apollo's executor, whose spans need it, and from Node 24, where it is cheap", () => {
    const on = { OTEL_TRACES_EXPORTER: 'otlp' };
    expect(tracingSettings(config({ execution: { engine: 'apollo' } }), on)?.activeContext).toBe(true);
    expect(tracingSettings(config(), on)?.activeContext).toBe(
      Number(process.versions.node.split('.')[0]) >= 24,
    );
  });
});

describe('the service name', () => {
  it('is telemetry.serviceName, else what the variables say, else gatehouse', () => {
    const on = { OTEL_TRACES_EXPORTER: 'otlp' };
    expect(
      tracingSettings(config({ telemetry: { serviceName: 'edge' } }), { ...on, OTEL_SERVICE_NAME: 'env' })
        ?.serviceName,
    ).toBe('edge');
    expect(tracingSettings(config(), { ...on, OTEL_SERVICE_NAME: 'env' })?.serviceName).toBeUndefined();
    expect(
      tracingSettings(config(), { ...on, OTEL_RESOURCE_ATTRIBUTES: 'team=a,service.name=env' })?.serviceName,
    ).toBeUndefined();
    expect(tracingSettings(config(), on)?.serviceName).toBe('gatehouse');
  });
});

describe('an incoming traceparent', () => {
  it('is trusted outside production stages, and in them only when configured', () => {
    const on = { OTEL_TRACES_EXPORTER: 'otlp' };
    expect(tracingSettings(config({}, 'dev'), on)?.trustIncomingTraceparent).toBe(true);
    expect(tracingSettings(config({}, 'prod'), on)?.trustIncomingTraceparent).toBe(false);
    expect(
      tracingSettings(config({ telemetry: { tracing: { trustIncomingTraceparent: true } } }, 'prod'), on)
        ?.trustIncomingTraceparent,
    ).toBe(true);
  });
});

describe('the tracing plugin in the list', () => {
  let resources: OwnedResources | undefined;
  let plugins: GatewayPlugin[] = [];
  afterEach(async () => {
    for (const plugin of plugins.reverse()) await plugin.dispose?.();
    plugins = [];
    await resources?.dispose();
  });

  async function names(raw: Record<string, unknown>): Promise<string[]> {
    const resolved = config(raw);
    resources = await createResources(resolved, pino({ level: 'silent' }));
    plugins = await assemblePlugins(
      resolved,
      resources,
      { draining: () => false },
      {
        traceSpanProcessor: new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() }),
      },
    );
    return plugins.map((plugin) => plugin.name);
  }

  it('is absent when tracing is off, and last when it is on', async () => {
    expect(await names({})).not.toContain('tracing');
    const on = await names({ telemetry: { tracing: { enabled: true } } });
    expect(on.at(-1)).toBe('tracing');
    expect(on.filter((name) => name === 'tracing')).toHaveLength(1);
  });
});
