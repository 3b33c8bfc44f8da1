import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { GatehouseConfig } from '../../src/config/load.js';
import { GatewayMetrics } from '../../src/telemetry/metrics/gateway-metrics.js';
import {
  envOf,
  exists,
  gatewayNames,
  loadServiceConfig,
  mountedAt,
  read,
  services,
  type Services,
} from '../helpers/compose-file.js';

// The services docker-compose.yml runs to watch the gateways: an OpenTelemetry Collector, Jaeger,
// Prometheus and Grafana. Docker does not run here, so their config files are checked against the
// gateways' config and the metrics the code exports; each check is also fed a broken copy.

type Yaml = Record<string, unknown>;
const yamlAt = (path: string | undefined) => (path && exists(path) ? (parse(read(path)) as Yaml) : {});
const get = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((node, key) => (node as Yaml | undefined)?.[key], value);

/** The service running an image of this repository (`prom/prometheus:v3` → `prom/prometheus`). */
const serviceOfImage = (s: Services, image: string) =>
  Object.keys(s).find((name) => s[name]?.image?.split(':')[0] === image);

const configs = new Map<string, GatehouseConfig>(); // filled by beforeAll
beforeAll(async () => {
  for (const name of gatewayNames(services)) configs.set(name, (await loadServiceConfig(name)).config);
});

/** Every service runs a pinned image or this repository's build, and mounts files that exist. */
function imageProblems(s: Services): string[] {
  return Object.entries(s).flatMap(([name, service]) => {
    if (service.build !== undefined) return [];
    if (service.image === undefined) return [`${name} has neither an image nor a build`];
    const tag = service.image.split(':')[1];
    return tag === undefined || tag === 'latest'
      ? [`${name} runs ${service.image}, which is not pinned`]
      : [];
  });
}

/** The gateways send OTLP/HTTP to the collector's receiver, and the collector's traces reach Jaeger. */
function collectorProblems(s: Services, collector: Yaml): string[] {
  const name = serviceOfImage(s, 'otel/opentelemetry-collector-contrib');
  const jaeger = serviceOfImage(s, 'jaegertracing/all-in-one');
  if (name === undefined || jaeger === undefined) return ['no otel-collector-contrib or jaeger service'];
  const problems: string[] = [];
  const httpPort = String(get(collector, 'receivers', 'otlp', 'protocols', 'http', 'endpoint')).split(':')[1];
  for (const gateway of gatewayNames(s)) {
    const env = envOf(s[gateway]);
    const endpoint = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'unset:');
    if (`${endpoint.hostname}:${endpoint.port}` !== `${name}:${httpPort}`)
      problems.push(`${gateway} sends traces to ${endpoint.host}, not ${name}:${httpPort} (OTLP/HTTP)`);
    if (env.OTEL_TRACES_EXPORTER !== 'otlp') problems.push(`${gateway} has no OTEL_TRACES_EXPORTER=otlp`);
    if (!env.OTEL_SERVICE_NAME) problems.push(`${gateway} has no OTEL_SERVICE_NAME`);
    if (!(env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').startsWith('http/'))
      problems.push(`${gateway} does not use OTLP over HTTP`);
  }
  const traces = get(collector, 'service', 'pipelines', 'traces') as Yaml | undefined;
  if (!(traces?.receivers as string[] | undefined)?.includes('otlp'))
    problems.push('the traces pipeline does not receive OTLP');
  const toJaeger = ((traces?.exporters as string[] | undefined) ?? []).filter((exporter) => {
    const endpoint = String(get(collector, 'exporters', exporter, 'endpoint'));
    return exporter.startsWith('otlp') && endpoint.replace(/^https?:\/\//, '') === `${jaeger}:4317`;
  });
  if (toJaeger.length === 0) problems.push(`the traces pipeline exports to no OTLP endpoint ${jaeger}:4317`);
  if (envOf(s[jaeger]).COLLECTOR_OTLP_ENABLED !== 'true') problems.push(`${jaeger} does not take OTLP`);
  const command = (s[name]?.command ?? []).join(' ');
  const configPath = /--config=(\S+)/.exec(command)?.[1] ?? '';
  if (mountedAt(s[name], configPath) !== './deploy/otel-collector.yaml')
    problems.push(`${name} does not load deploy/otel-collector.yaml (--config=${configPath})`);
  return problems;
}

/** Prometheus scrapes exactly the gateways, on the port and path where their config serves metrics. */
function prometheusProblems(s: Services, prometheus: Yaml): string[] {
  const scrapes = (get(prometheus, 'scrape_configs') as Yaml[] | undefined) ?? [];
  const job = scrapes.find((scrape) => scrape.job_name === 'gatehouse');
  if (job === undefined) return ['prometheus has no gatehouse job'];
  const targets = ((get(job, 'static_configs') as Yaml[] | undefined) ?? []).flatMap(
    (group) => (group.targets as string[] | undefined) ?? [],
  );
  const expected = [...configs].map(([name, { telemetry, server }]) => {
    return `${name}:${telemetry.metrics.port ?? server.port}`;
  });
  const problems: string[] = [];
  if ([...targets].sort().join() !== [...expected].sort().join())
    problems.push(`prometheus scrapes ${targets.join(', ')}, not ${expected.join(', ')}`);
  for (const [name, { telemetry }] of configs) {
    if (!telemetry.metrics.enabled) problems.push(`${name} serves no metrics`);
    if ((job.metrics_path ?? '/metrics') !== telemetry.metrics.path)
      problems.push(
        `prometheus scrapes ${String(job.metrics_path)}, ${name} serves ${telemetry.metrics.path}`,
      );
    if (telemetry.metrics.token !== undefined && job.authorization === undefined)
      problems.push(`${name} needs a metrics token that prometheus does not send`);
  }
  return problems;
}

/** The metric names a PromQL expression reads, without the histogram suffixes. */
const metricsIn = (expr: string) =>
  [...expr.matchAll(/\b((?:gatehouse|process|nodejs)_[a-z0-9_]+)/g)].map(([, name]) =>
    (name ?? '').replace(/_(bucket|sum|count)$/, ''),
  );

interface Dashboard {
  uid?: string;
  panels?: { title?: string; datasource?: { uid?: string }; targets?: { expr?: string }[] }[];
}

/** Grafana reads Prometheus, and every panel queries metrics that the gateway exports. */
function grafanaProblems(s: Services, dashboard: Dashboard, exported: Set<string>): string[] {
  const grafana = serviceOfImage(s, 'grafana/grafana') ?? 'grafana';
  const prometheus = serviceOfImage(s, 'prom/prometheus') ?? 'prometheus';
  const provisioning = mountedAt(s[grafana], '/etc/grafana/provisioning') ?? 'none';
  const datasources = (get(yamlAt(`${provisioning}/datasources/prometheus.yaml`), 'datasources') ??
    []) as Yaml[];
  const source = datasources.find((entry) => entry.type === 'prometheus');
  const problems: string[] = [];
  if (source?.url !== `http://${prometheus}:9090`)
    problems.push(`grafana reads ${String(source?.url)}, not http://${prometheus}:9090`);
  const provider = (
    (get(yamlAt(`${provisioning}/dashboards/gatehouse.yaml`), 'providers') ?? []) as Yaml[]
  )[0];
  const folder = mountedAt(s[grafana], String(get(provider, 'options', 'path')));
  if (folder === undefined || !exists(`${folder}/gatehouse.json`))
    problems.push('the dashboard provider path is not where deploy/grafana/dashboards is mounted');
  for (const panel of dashboard.panels ?? []) {
    if (panel.datasource?.uid !== source?.uid)
      problems.push(`panel "${panel.title}" reads data source ${panel.datasource?.uid}`);
    const exprs = (panel.targets ?? []).map((target) => target.expr ?? '');
    if (exprs.length === 0) problems.push(`panel "${panel.title}" has no query`);
    for (const metric of exprs.flatMap(metricsIn).filter((name) => !exported.has(name)))
      problems.push(`panel "${panel.title}" queries ${metric}, which the gateway does not export`);
  }
  return problems;
}

const collector = yamlAt('deploy/otel-collector.yaml');
const prometheus = yamlAt(mountedAt(services.prometheus, '/etc/prometheus/prometheus.yml'));
const dashboard = JSON.parse(read('deploy/grafana/dashboards/gatehouse.json')) as Dashboard;
/** What a gateway's /metrics names: a worker's snapshot for a scrape, with every optional gauge on. */
const exported = new Set<string>(); // filled by beforeAll
beforeAll(async () => {
  const metrics = new GatewayMetrics({ maxOperationNames: 10, breakers: () => [], supergraph: () => ({}) });
  for (const metric of await metrics.snapshot()) exported.add(metric.name);
});

describe('the observability services of docker-compose.yml', () => {
  it('run pinned images or the repository build', () => {
    expect(imageProblems(services)).toEqual([]);
    for (const image of [
      'otel/opentelemetry-collector-contrib',
      'jaegertracing/all-in-one',
      'prom/prometheus',
    ])
      expect(serviceOfImage(services, image), image).toBeDefined();
    expect(serviceOfImage(services, 'grafana/grafana')).toBeDefined();
  });

  it('send the gateways’ traces through the collector to Jaeger', () => {
    expect(collectorProblems(services, collector)).toEqual([]);
  });

  it('scrape each gateway’s metrics with Prometheus', () => {
    expect(prometheusProblems(services, prometheus)).toEqual([]);
  });

  it('show a Grafana dashboard whose queries name metrics the gateway exports', () => {
    expect(dashboard.uid).toBe('gatehouse');
    expect(dashboard.panels?.length).toBeGreaterThanOrEqual(8);
    const queried = new Set(
      (dashboard.panels ?? []).flatMap((p) => p.targets ?? []).flatMap((t) => metricsIn(t.expr ?? '')),
    );
    // The essentials of the built-in dashboard are there too.
    for (const metric of [
      'gatehouse_requests_total',
      'gatehouse_request_duration_seconds',
      'gatehouse_refusals_total',
    ])
      expect(queried).toContain(metric);
    expect(grafanaProblems(services, dashboard, exported)).toEqual([]);
  });
});

describe('the observability checks catch mistakes', () => {
  const broken = (name: string, change: Partial<Services[string]>): Services => ({
    ...services,
    [name]: { ...services[name], ...change },
  });

  it('an unpinned image', () => {
    expect(imageProblems(broken('jaeger', { image: 'jaegertracing/all-in-one:latest' }))).toEqual([
      'jaeger runs jaegertracing/all-in-one:latest, which is not pinned',
    ]);
  });

  it('a gateway sending traces elsewhere, or a collector not exporting to Jaeger', () => {
    const environment = {
      ...envOf(services['gateway-2']),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
    };
    expect(collectorProblems(broken('gateway-2', { environment }), collector)).toEqual([
      'gateway-2 sends traces to jaeger:4318, not otel-collector:4318 (OTLP/HTTP)',
    ]);
    const toDebug = structuredClone(collector);
    (get(toDebug, 'service', 'pipelines', 'traces') as Yaml).exporters = ['debug'];
    expect(collectorProblems(services, toDebug)).toEqual([
      'the traces pipeline exports to no OTLP endpoint jaeger:4317',
    ]);
  });

  it('a prometheus target that is not a gateway, or the wrong metrics path', () => {
    const wrong = structuredClone(prometheus);
    const job = (wrong.scrape_configs as Yaml[])[0] as Yaml;
    job.static_configs = [{ targets: ['gateway-1:4000', 'gateway-3:4000'] }];
    job.metrics_path = '/prometheus';
    expect(prometheusProblems(services, wrong)).toEqual([
      'prometheus scrapes gateway-1:4000, gateway-3:4000, not gateway-1:4000, gateway-2:4000',
      'prometheus scrapes /prometheus, gateway-1 serves /metrics',
      'prometheus scrapes /prometheus, gateway-2 serves /metrics',
    ]);
  });

  it('a dashboard query of a metric the gateway does not export', () => {
    const renamed = structuredClone(dashboard);
    const target = renamed.panels?.[0]?.targets?.[0];
    if (target) target.expr = 'sum(rate(gatehouse_http_requests_total[1m]))';
    expect(grafanaProblems(services, renamed, exported)).toEqual([
      `panel "${renamed.panels?.[0]?.title}" queries gatehouse_http_requests_total, which the gateway does not export`,
    ]);
  });
});
