// An OTLP/HTTP trace receiver for the bench's traced contender: it reads every export and answers
// 200 with an empty protobuf message (a valid ExportTraceServiceResponse), so tracing costs the
// gateway what it would against a collector.
import { createServer } from 'node:http';

/** Starts the sink on loopback; `exports()` is how many non-empty exports have arrived. */
export async function startOtlpSink() {
  let exports = 0;
  const server = createServer((request, response) => {
    let bytes = 0;
    request.on('data', (chunk) => (bytes += chunk.length));
    request.on('end', () => {
      if (bytes > 0) exports += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    exports: () => exports,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
