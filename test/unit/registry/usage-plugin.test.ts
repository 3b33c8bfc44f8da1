import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayPlugin } from '../../../src/pipeline/plugin.js';
import { useUsageReporting, type UsageReportingOptions } from '../../../src/registry/usage-plugin.js';
import type { GatehouseContext } from '../../../src/request-context.js';
import { USAGE_LIMITS, type UsageRecord } from '../../../src/store/registry.js';

/*
 * The plugin under Apollo Server's own request pipeline (no HTTP: the integration test covers that),
 * for what HTTP cannot show cheaply: batches split to the store's limits, bounded keys, and a last
 * flush that does not hold up shutdown.
 */

const schema = buildSchema('type Query { hello(name: String): String }');
const rootValue = { hello: () => 'hi' };

let server: ApolloServer<GatehouseContext> | undefined;
let plugin: GatewayPlugin | undefined;

afterEach(async () => {
  await server?.stop();
  await plugin?.dispose?.();
  server = undefined;
  plugin = undefined;
});

function capturingLogger() {
  const lines: { level: number; msg: string; dropped?: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

async function startReporting(options: Partial<UsageReportingOptions> & Pick<UsageReportingOptions, 'send'>) {
  plugin = useUsageReporting({
    stage: 'dev',
    sampleRate: 1,
    flushIntervalMs: 60_000,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  const started = new ApolloServer<GatehouseContext>({
    schema,
    rootValue,
    plugins: plugin.operation ? [plugin.operation] : [],
  });
  await started.start();
  server = started;
  // The plugin reads the HTTP headers from the request, never the context's Fastify request.
  const execute = (query: string) =>
    started.executeOperation({ query }, { contextValue: {} as GatehouseContext });
  return { plugin, execute };
}

describe('the usage-reporting plugin', () => {
  it('sends a large batch in parts the store accepts, one at a time', async () => {
    const sent: UsageRecord[][] = [];
    const { plugin, execute } = await startReporting({ send: async (records) => void sent.push(records) });
    const operations = USAGE_LIMITS.recordsPerCall + 200;
    for (let index = 0; index < operations; index++) await execute(`query Op${index} { hello }`);
    await plugin.dispose?.();
    expect(sent.map((records) => records.length)).toEqual([USAGE_LIMITS.recordsPerCall, 200]);
    expect(sent[0]?.[0]).toMatchObject({
      stage: 'dev',
      operationName: 'Op0',
      clientName: 'unknown',
      clientVersion: 'unknown',
      coordinates: ['Query.hello'],
      count: 1,
    });
  });

  it('counts up to maxKeys keys between flushes and says how many it dropped', async () => {
    const sent: UsageRecord[] = [];
    const { logger, lines } = capturingLogger();
    const { plugin, execute } = await startReporting({
      maxKeys: 2,
      logger,
      send: async (records) => void sent.push(...records),
    });
    for (const name of ['A', 'B', 'C', 'D', 'A']) await execute(`query ${name} { hello(name: "${name}") }`);
    await plugin.dispose?.();
    expect(sent.map(({ operationName, count }) => [operationName, count])).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, dropped: 2 }));
  });

  it('does not count an operation that fails validation', async () => {
    const sent: UsageRecord[] = [];
    const { plugin, execute } = await startReporting({ send: async (records) => void sent.push(...records) });
    await execute('{ nope }');
    await plugin.dispose?.();
    expect(sent).toEqual([]);
  });

  it('logs a failed send, drops that batch and sends the next one', async () => {
    const { logger, lines } = capturingLogger();
    const sent: UsageRecord[] = [];
    let calls = 0;
    const { plugin, execute } = await startReporting({
      flushIntervalMs: 100,
      logger,
      // Throws before returning a promise, the worst a destination can do.
      send: (records) => {
        calls += 1;
        if (calls === 1) throw new Error('registry is down');
        sent.push(...records);
        return Promise.resolve();
      },
    });
    await execute('query First { hello }');
    while (calls === 0) await sleep(20);
    await execute('query Second { hello }');
    await plugin.dispose?.();
    expect(sent.map(({ operationName }) => operationName)).toEqual(['Second']);
    expect(lines.filter(({ msg }) => msg.includes('could not send'))).toHaveLength(1);
  });

  it('stops waiting for the last batch after finalFlushTimeoutMs', async () => {
    const { logger, lines } = capturingLogger();
    const { plugin, execute } = await startReporting({
      finalFlushTimeoutMs: 50,
      logger,
      send: () => new Promise<void>(() => {}),
    });
    await execute('{ hello }');
    const started = Date.now();
    await plugin.dispose?.();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('not sent in time') }),
    );
  });
});
