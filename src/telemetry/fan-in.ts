/**
 * Gathers one answer from every worker process of the gateway, for what is summed over workers
 * (metrics, the dashboard's ring buffers). With `--workers N` the cluster's primary asks each
 * worker over IPC; a single process answers alone.
 */
export interface WorkerFanIn {
  /** Registers what this process answers for `kind` (one answerer per kind). */
  answer(kind: string, collect: () => unknown): void;
  /** Every worker's answer for `kind`, this process's included; a worker that does not answer in time is left out. */
  gather(kind: string): Promise<unknown[]>;
}

/** The fan-in of a gateway that runs as one process. */
export function localFanIn(): WorkerFanIn {
  const answerers = new Map<string, () => unknown>();
  return {
    answer(kind, collect) {
      answerers.set(kind, collect);
    },
    async gather(kind) {
      const collect = answerers.get(kind);
      return collect === undefined ? [] : [await collect()];
    },
  };
}
