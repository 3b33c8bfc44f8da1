// An OTLP/HTTP (JSON) trace receiver for the bench's traced contender: it reads every export, counts
// the spans in it and answers 200, so tracing costs the gateway what it would against a collector.
import { createServer } from 'node:http';

/** Starts the sink on loopback; `spans()` is how many spans have arrived. */
export async function startOtlpSink() {
  let spans = 0;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const resource of body.resourceSpans ?? [])
          for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
      } catch {
        // Not JSON: counted as nothing; the run's check on the span count catches it.
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => spans,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
