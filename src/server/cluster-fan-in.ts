import type { Worker } from 'node:cluster';
import type { WorkerFanIn } from '../telemetry/fan-in.js';

/**
 * The fan-in over IPC. A worker asked for a sum (`gather`) sends `fan-in-gather` to the primary,
 * which sends `fan-in-ask` to every worker (the asking one included), collects each `fan-in-answer`
 * for up to {@link FAN_IN_TIMEOUT_MS}, and sends what arrived back to the asker in `fan-in-gathered`.
 * Answers are JSON (Node's IPC serialisation).
 */
export type FanInPrimaryMessage =
  | { type: 'gatehouse:fan-in-ask'; id: number; kind: string }
  | { type: 'gatehouse:fan-in-gathered'; id: number; answers: unknown[] };
export type FanInWorkerMessage =
  | { type: 'gatehouse:fan-in-gather'; id: number; kind: string }
  | { type: 'gatehouse:fan-in-answer'; id: number; answer?: unknown };

/** How long the primary waits for the workers' answers; a worker that is later is left out. */
export const FAN_IN_TIMEOUT_MS = 2_000;
/** How long a worker waits for the primary, which answers within its own timeout. */
const GATHER_TIMEOUT_MS = FAN_IN_TIMEOUT_MS + 3_000;

interface PendingGather {
  resolve(answers: unknown[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A worker's fan-in: it answers the primary's questions and asks it for sums. */
export interface ClusterWorkerFanIn extends WorkerFanIn {
  /** Handles a message from the primary; false when it is not a fan-in message. */
  receive(message: { type?: unknown }): boolean;
}

export function clusterWorkerFanIn(send: (message: FanInWorkerMessage) => void): ClusterWorkerFanIn {
  const answerers = new Map<string, () => unknown>();
  const pending = new Map<number, PendingGather>();
  let nextId = 0;

  const answer = async (id: number, kind: string) => {
    const collect = answerers.get(kind);
    let answer: unknown;
    try {
      answer = collect === undefined ? undefined : await collect();
    } catch {
      // This worker is left out of the sum rather than failing it.
      answer = undefined;
    }
    send(
      answer === undefined
        ? { type: 'gatehouse:fan-in-answer', id }
        : { type: 'gatehouse:fan-in-answer', id, answer },
    );
  };

  return {
    answer(kind, collect) {
      answerers.set(kind, collect);
    },
    gather(kind) {
      const id = nextId++;
      return new Promise<unknown[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the cluster's primary did not gather "${kind}" in time`));
        }, GATHER_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        send({ type: 'gatehouse:fan-in-gather', id, kind });
      });
    },
    receive(message) {
      const fanIn = message as FanInPrimaryMessage;
      switch (fanIn.type) {
        case 'gatehouse:fan-in-ask':
          void answer(fanIn.id, fanIn.kind);
          return true;
        case 'gatehouse:fan-in-gathered': {
          const gather = pending.get(fanIn.id);
          if (gather === undefined) return true;
          pending.delete(fanIn.id);
          clearTimeout(gather.timer);
          gather.resolve(fanIn.answers);
          return true;
        }
        default:
          return false;
      }
    },
  };
}

interface Round {
  readonly asker: Worker;
  readonly askerId: number;
  readonly answers: unknown[];
  readonly waiting: Set<Worker>;
  readonly timer: NodeJS.Timeout;
}

/** The primary's side: relays each worker's `gather` to every worker and the answers back. */
export interface PrimaryFanIn {
  /** Handles a message from `worker`; false when it is not a fan-in message. */
  receive(worker: Worker, message: { type?: unknown }): boolean;
  /** A worker exited: nothing more is awaited from it. */
  forget(worker: Worker): void;
}

export function primaryFanIn(workers: () => Iterable<Worker>): PrimaryFanIn {
  const rounds = new Map<number, Round>();
  let nextRound = 0;

  const finish = (id: number) => {
    const round = rounds.get(id);
    if (round === undefined) return;
    rounds.delete(id);
    clearTimeout(round.timer);
    if (round.asker.isConnected()) {
      round.asker.send({
        type: 'gatehouse:fan-in-gathered',
        id: round.askerId,
        answers: round.answers,
      } satisfies FanInPrimaryMessage);
    }
  };

  return {
    receive(worker, message) {
      const fanIn = message as FanInWorkerMessage;
      switch (fanIn.type) {
        case 'gatehouse:fan-in-gather': {
          const id = nextRound++;
          const asked = [...workers()].filter((each) => each.isConnected());
          const round: Round = {
            asker: worker,
            askerId: fanIn.id,
            answers: [],
            waiting: new Set(asked),
            timer: setTimeout(() => finish(id), FAN_IN_TIMEOUT_MS),
          };
          rounds.set(id, round);
          for (const each of asked)
            each.send({ type: 'gatehouse:fan-in-ask', id, kind: fanIn.kind } satisfies FanInPrimaryMessage);
          if (round.waiting.size === 0) finish(id);
          return true;
        }
        case 'gatehouse:fan-in-answer': {
          const round = rounds.get(fanIn.id);
          if (round === undefined || !round.waiting.delete(worker)) return true;
          if ('answer' in fanIn) round.answers.push(fanIn.answer);
          if (round.waiting.size === 0) finish(fanIn.id);
          return true;
        }
        default:
          return false;
      }
    },
    forget(worker) {
      for (const [id, round] of rounds) {
        if (round.waiting.delete(worker) && round.waiting.size === 0) finish(id);
      }
    },
  };
}
