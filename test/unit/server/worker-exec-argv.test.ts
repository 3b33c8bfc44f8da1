import { describe, expect, it } from 'vitest';
import { WORKER_V8_FLAGS, workerExecArgv } from '../../../src/server/heap-flags.js';

describe('workerExecArgv', () => {
  it('adds the worker heap flags to what the primary was started with', () => {
    expect(workerExecArgv(['--enable-source-maps'])).toEqual(['--enable-source-maps', ...WORKER_V8_FLAGS]);
  });

  it("leaves a flag the operator set, on the command line or in NODE_OPTIONS, to the operator's value", () => {
    expect(workerExecArgv(['--max-old-space-size=4096'])).toEqual([
      '--max-old-space-size=4096',
      '--max-semi-space-size=32',
    ]);
    expect(workerExecArgv([], '--max_semi_space_size=8 --max-old-space-size=2048')).toEqual([]);
  });
});
