// The load (autocannon) and the check of every response against expected.json.
import autocannon from 'autocannon';
import { httpRequest } from './http.mjs';
import { describeExit } from './processes.mjs';
import { BenchError, fail, sleep } from './util.mjs';

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The request body for `query`, and `check(status, body)`: null for a correct response, else the problem.
 * Apollo Server appends a newline to its JSON, so the expected body is accepted with or without it.
 */
export function makeWorkload(query, expected) {
  const accepted = new Set([expected, `${expected}\n`]);
  const check = (status, body) => {
    if (status !== 200) return `HTTP ${status}: ${String(body).slice(0, 300)}`;
    if (accepted.has(body)) return null;
    const text = String(body);
    let at = 0;
    while (at < text.length && at < expected.length && text[at] === expected[at]) at++;
    return (
      `the body differs from expected.json at character ${at} (got ${text.length} bytes, expected ${expected.length}):\n` +
      `  expected: …${JSON.stringify(expected.slice(Math.max(0, at - 60), at + 60))}\n` +
      `  got:      …${JSON.stringify(text.slice(Math.max(0, at - 60), at + 60))}`
    );
  };
  return { requestBody: JSON.stringify({ query, operationName: 'TestQuery' }), check };
}

/**
 * The workload as `contender` sends it: its `requestHeaders` on every request (`headers`), and
 * `check(status, body, headers)` that also requires its `responseHeaders` (names lower-case) on every
 * response. Unchanged when it has neither.
 */
export function contenderWorkload(workload, { requestHeaders = {}, responseHeaders = {} }) {
  const required = Object.entries(responseHeaders);
  if (Object.keys(requestHeaders).length === 0 && required.length === 0) return workload;
  return {
    ...workload,
    headers: { ...JSON_HEADERS, ...requestHeaders },
    check(status, body, headers = {}) {
      const problem = workload.check(status, body);
      if (problem || required.length === 0) return problem;
      // autocannon keeps the names as sent, Node lower-cases them.
      const received = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
      for (const [name, value] of required) {
        if (received.get(name) !== value) {
          return `response header ${name}: expected ${JSON.stringify(value)}, got ${JSON.stringify(received.get(name))}`;
        }
      }
      return null;
    },
  };
}

/** Sends the query once: { status, body, problem }. */
export async function queryOnce(url, { requestBody, check, headers = JSON_HEADERS }) {
  const response = await httpRequest(url, { method: 'POST', headers, body: requestBody });
  const { status, body } = response;
  return { status, body, problem: check(status, body, response.headers) };
}

export async function waitUntilCorrect(running, url, workload, timeoutSec) {
  const deadline = Date.now() + timeoutSec * 1000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (running.exitInfo) {
      fail(
        `contender ${running.label} ${describeExit(running.exitInfo)} before it was ready:\n${running.outputTail()}`,
      );
    }
    try {
      const { status, body, problem } = await queryOnce(url, workload);
      if (!problem) return;
      // Not ready yet (e.g. 503, or 200 with only errors, while loading the supergraph): retry until the
      // deadline. A 200 with data that is not expected.json fails at once.
      last = problem;
      if (status === 200 && !body.startsWith('{"errors"')) {
        fail(`contender ${running.label} answered the first query wrongly: ${problem}`);
      }
    } catch (error) {
      if (error instanceof BenchError) throw error;
      last = error.message;
    }
    await sleep(200);
  }
  fail(
    `contender ${running.label} did not answer correctly within ${timeoutSec} s (last: ${last}):\n${running.outputTail()}`,
  );
}

/** An autocannon run; every response goes through `check`, and the first failure stops the run. */
function autocannonRun({
  url,
  duration,
  connections,
  workload: { requestBody, check, headers = JSON_HEADERS },
}) {
  return new Promise((resolveLoad, reject) => {
    let failure = null;
    let checked = 0;
    const instance = autocannon(
      {
        url,
        connections,
        duration,
        pipelining: 1,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/graphql',
            headers,
            body: requestBody,
            onResponse(status, body, _context, responseHeaders) {
              checked++;
              if (failure) return;
              const problem = check(status, body, responseHeaders);
              if (problem) {
                failure = problem;
                instance.stop();
              }
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolveLoad({ result, failure, checked })),
    );
  });
}

/** Loads the contender for `duration` seconds; returns autocannon's result, or fails on any bad response. */
export async function load(label, phase, options) {
  const { result, failure, checked } = await autocannonRun(options);
  if (failure) fail(`contender ${label}, ${phase}: ${failure}`);
  const problems = [];
  if (result.errors) problems.push(`${result.errors} errors`);
  if (result.timeouts) problems.push(`${result.timeouts} timeouts`);
  if (result.non2xx) problems.push(`${result.non2xx} non-2xx responses`);
  if (checked < result.requests.total)
    problems.push(`${result.requests.total - checked} unchecked responses`);
  if (result.requests.total === 0) problems.push('no responses at all');
  if (problems.length > 0) fail(`contender ${label}, ${phase}: ${problems.join(', ')}`);
  return result;
}
