import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as a collector received it, flattened from its resource and scope. */
export interface ReceivedSpan {
  /** The resource's `service.name`. */
  serviceName: string | undefined;
  name: string;
  /** Hex, as in `traceparent`. */
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  /** OTLP's numbering: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** The base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  url: string;
  /** Every span received, in order. */
  readonly spans: ReceivedSpan[];
  /** The content type of every export request (`application/x-protobuf`, `application/json`). */
  readonly contentTypes: string[];
  /** Resolves with the spans once `done` says they are all there. */
  waitFor(done: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

/**
 * A small OTLP/HTTP trace receiver on loopback, as a collector would be: it takes `POST /v1/traces`
 * in both encodings the SDK sends (`http/protobuf`, decoded here from the wire format, and
 * `http/json`) and keeps the spans.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const type = request.headers['content-type'] ?? '';
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      contentTypes.push(type);
      const body = Buffer.concat(chunks);
      try {
        spans.push(
          ...(type.includes('json') ? fromJson(JSON.parse(body.toString('utf8'))) : fromProtobuf(body)),
        );
      } catch {
        response.writeHead(400).end();
        return;
      }
      // An empty ExportTraceServiceResponse: full success.
      if (type.includes('json')) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    async waitFor(done, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(spans)) {
        if (Date.now() > deadline)
          throw new Error(`the receiver got: ${spans.map((span) => span.name).join(', ') || 'nothing'}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return spans;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// --- OTLP JSON (proto3 JSON mapping; ids as hex, as OTLP specifies) ---

interface JsonKeyValue {
  key: string;
  value: Record<string, unknown>;
}

function fromJson(body: {
  resourceSpans?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        attributes?: JsonKeyValue[];
      }[];
    }[];
  }[];
}): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const serviceName = jsonAttributes(resourceSpans.resource?.attributes)['service.name'] as
      string | undefined;
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        serviceName,
        name: span.name,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        kind: span.kind ?? 0,
        attributes: jsonAttributes(span.attributes),
      })),
    );
  });
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    const [kind, raw] = Object.entries(value)[0] ?? [];
    attributes[key] = kind === 'intValue' ? Number(raw) : raw;
  }
  return attributes;
}

// --- OTLP protobuf, read straight from the wire format (only the fields checked here) ---

type Field = { number: number; value: bigint | Buffer };

/** The fields of one message, in order: varints and fixed numbers as bigint, the rest as bytes. */
function fields(bytes: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[at++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const number = key >>> 3;
    switch (key & 7) {
      case 0:
        out.push({ number, value: varint() });
        break;
      case 1:
        out.push({ number, value: bytes.readBigUInt64LE(at) });
        at += 8;
        break;
      case 2: {
        const length = Number(varint());
        out.push({ number, value: bytes.subarray(at, at + length) });
        at += length;
        break;
      }
      case 5:
        out.push({ number, value: BigInt(bytes.readUInt32LE(at)) });
        at += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${key & 7}`);
    }
  }
  return out;
}

const all = (list: Field[], number: number): Buffer[] =>
  list.filter((field) => field.number === number).map((field) => field.value as Buffer);
const first = (list: Field[], number: number): Field['value'] | undefined =>
  list.find((field) => field.number === number)?.value;

/** `ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }` and below. */
function fromProtobuf(body: Buffer): ReceivedSpan[] {
  return all(fields(body), 1).flatMap((resourceSpansBytes) => {
    const resourceSpans = fields(resourceSpansBytes);
    const resource = first(resourceSpans, 1);
    const serviceName = (resource ? protoAttributes(fields(resource as Buffer)) : {})['service.name'] as
      string | undefined;
    // ResourceSpans.scope_spans = 2; ScopeSpans.spans = 2.
    return all(resourceSpans, 2).flatMap((scopeSpans) =>
      all(fields(scopeSpans), 2).map((spanBytes) => {
        const span = fields(spanBytes);
        const hex = (number: number) =>
          ((first(span, number) as Buffer | undefined) ?? Buffer.alloc(0)).toString('hex');
        return {
          serviceName,
          name: ((first(span, 5) as Buffer | undefined) ?? Buffer.alloc(0)).toString('utf8'),
          traceId: hex(1),
          spanId: hex(2),
          parentSpanId: hex(4),
          kind: Number((first(span, 6) as bigint | undefined) ?? 0n),
          attributes: protoAttributes(span, 9),
        };
      }),
    );
  });
}

/** `repeated KeyValue attributes` (field 1 of a Resource, 9 of a Span); KeyValue { key = 1; AnyValue value = 2 }. */
function protoAttributes(message: Field[], number = 1): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const pair of all(message, number)) {
    const keyValue = fields(pair);
    const key = ((first(keyValue, 1) as Buffer | undefined) ?? Buffer.alloc(0)).toString('utf8');
    const value = fields((first(keyValue, 2) as Buffer | undefined) ?? Buffer.alloc(0))[0];
    if (value === undefined) continue;
    // AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4.
    if (value.number === 1) attributes[key] = (value.value as Buffer).toString('utf8');
    else if (value.number === 2) attributes[key] = value.value === 1n;
    else if (value.number === 3) attributes[key] = Number(BigInt.asIntN(64, value.value as bigint));
    else if (value.number === 4) {
      const buffer = Buffer.alloc(8);
      buffer.writeBigUInt64LE(value.value as bigint);
      attributes[key] = buffer.readDoubleLE();
    } else attributes[key] = value.value;
  }
  return attributes;
}
