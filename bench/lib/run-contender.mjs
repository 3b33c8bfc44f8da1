// One run: a contender started fresh, checked, warmed up, measured and stopped.
import { dirname } from 'node:path';
import { clearFreshDir, invocation } from './contenders.mjs';
import { freePort } from './http.mjs';
import { contenderWorkload, load, queryOnce, waitUntilCorrect } from './load.mjs';
import { startCpuMeter, startRssSampler } from './proc.mjs';
import { describeExit, startProcess, stopProcess } from './processes.mjs';
import { round } from './stats.mjs';
import { total } from './subgraphs.mjs';
import { fail, log } from './util.mjs';

const SEQUENTIAL_PROBES = 5;

/** Subgraph requests per gateway request, over single requests sent one after the other. */
async function sequentialSubgraphRequests(label, url, workload, subgraphs) {
  await subgraphs.reset();
  for (let probe = 0; probe < SEQUENTIAL_PROBES; probe++) {
    const { problem } = await queryOnce(url, workload);
    if (problem) fail(`contender ${label}, sequential probe: ${problem}`);
  }
  return total(await subgraphs.counts()) / SEQUENTIAL_PROBES;
}

export async function runContender({
  contender,
  roundNumber,
  config,
  subgraphs,
  supergraphFile,
  workload: commonWorkload,
}) {
  const { label } = contender;
  const workload = contenderWorkload(commonWorkload, contender);
  const port = config.port || (await freePort(config.host));
  const { args, env } = invocation(contender, { supergraphFile, port, host: config.host });
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/graphql`;
  const loadOptions = (duration) => ({ url, duration, connections: config.connections, workload });

  log(`round ${roundNumber}, ${label} (${contender.name}): starting on port ${port}`);
  clearFreshDir(contender, dirname(supergraphFile));
  const running = startProcess(label, contender.command, args, env);
  const sampler = startRssSampler(running.child.pid, config.rssSampleMs);
  try {
    const startedAt = Date.now();
    await waitUntilCorrect(running, url, workload, config.readyTimeoutSec);
    const readyMs = Date.now() - startedAt;

    let warmup = null;
    if (config.warmup > 0) {
      const result = await load(label, 'warm-up', loadOptions(config.warmup));
      warmup = { requests: result.requests.total, rps: round(result.requests.total / result.duration, 1) };
    }

    // Let the warm-up's abandoned requests finish, so that their subgraph calls and CPU stay out of the window.
    await subgraphs.quiesce(label);
    await subgraphs.reset();
    const gatewayCpu = startCpuMeter(running.child.pid);
    const subgraphCpu = startCpuMeter(subgraphs.running.child.pid);
    const harnessBefore = process.cpuUsage();
    const result = await load(label, 'measured window', loadOptions(config.duration));
    const harnessCpu = process.cpuUsage(harnessBefore);
    const gatewayCpuMs = gatewayCpu();
    const subgraphCpuMs = subgraphCpu();
    // Requests in flight when the window closed still run to completion at the gateway: count their subgraph
    // calls, and divide by the requests sent rather than those completed.
    await subgraphs.quiesce(label);
    const subgraphCounts = await subgraphs.counts();
    const sent = Math.max(result.requests.sent, result.requests.total);

    const sequential = await sequentialSubgraphRequests(label, url, workload, subgraphs);
    if (running.exitInfo) fail(`contender ${label} ${describeExit(running.exitInfo)} during the run`);

    const requests = result.requests.total;
    const windowMs = result.duration * 1000;
    const rss = sampler.stop();
    const figures = {
      label,
      round: roundNumber,
      port,
      readyMs,
      requests,
      durationSec: result.duration,
      rps: round(requests / result.duration, 1),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      meanLatencyMs: result.latency.average,
      maxLatencyMs: result.latency.max,
      cpuMsPerRequest: round(gatewayCpuMs / requests, 3),
      gatewayCpuPercent: round((gatewayCpuMs / windowMs) * 100, 1),
      requestsSent: sent,
      subgraphRequestsPerRequest: round(total(subgraphCounts) / sent, 3),
      subgraphRequestsPerRequestSequential: round(sequential, 3),
      subgraphRequestsByName: subgraphCounts,
      subgraphCpuMsPerRequest: round(subgraphCpuMs / requests, 3),
      subgraphCpuPercent: round((subgraphCpuMs / windowMs) * 100, 1),
      harnessCpuPercent: round(((harnessCpu.user + harnessCpu.system) / 1000 / windowMs) * 100, 1),
      peakRssMiB: rss.peakRssMiB,
      peakRssPerWorkerMiB: rss.peakRssPerWorkerMiB,
      processes: rss.processes,
      warmup,
    };
    log(
      `round ${roundNumber}, ${label}: ${figures.rps} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ` +
        `${figures.cpuMsPerRequest} CPU ms/req, ${figures.subgraphRequestsPerRequest} subgraph req/req, ` +
        `peak RSS ${figures.peakRssMiB} MiB`,
    );
    return figures;
  } finally {
    sampler.stop();
    await stopProcess(running);
  }
}
