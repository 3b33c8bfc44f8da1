import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/program.js';
import { resolveConfig } from '../../src/config/load.js';
import { configReference } from '../../src/config/reference.js';
import { scenarios } from '../integration/conformance/index.js';

const readme = readFileSync('README.md', 'utf8');

describe('the README', () => {
  it('starts with the two commands a new user runs', () => {
    const quickStart = readme.slice(0, readme.indexOf('## How it works'));
    expect(quickStart).toContain('npm install && npm start');
    expect(quickStart).toContain('npm test');
  });

  it('has the configuration reference generated from the schema', () => {
    expect(readme, `README.md must contain this table:\n${configReference()}`).toContain(configReference());
  });

  it('documents every command and every flag of the CLI', () => {
    for (const command of buildProgram().commands) {
      expect(readme).toContain(`gatehouse ${command.name()}`);
      for (const option of command.options) {
        expect(readme, `gatehouse ${command.name()} ${option.long}`).toContain(option.long);
      }
    }
  });

  it.each([
    ['Protection', 5],
    ['Traffic control', 0],
  ])('gives only valid configs as examples in "%s", in a dev and a prod stage', (title, atLeast) => {
    const start = readme.indexOf(`## ${title}\n`);
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const examples = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    expect(examples.length).toBeGreaterThan(atLeast);
    for (const example of examples) {
      for (const stage of ['dev', 'prod'])
        expect(() => resolveConfig(parse(example), { env: {}, stage }), example).not.toThrow();
    }
  });

  it('says how large the conformance suite is, and cites every deliberate difference from Apollo Gateway', () => {
    const start = readme.indexOf('## Correctness\n');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const cases = scenarios.flatMap((scenario) => scenario.cases);
    expect(section.replace(/\s+/g, ' ')).toContain(
      `runs ${cases.length} operations over ${scenarios.length} federated graphs`,
    );
    const differences = cases.filter(
      (testCase) => testCase.knownBugs?.apollo && !testCase.knownBugs.gatehouse,
    );
    expect(differences.length).toBeGreaterThan(0);
    for (const testCase of differences) {
      for (const [issue] of (testCase.knownBugs?.apollo ?? '').matchAll(/[\w.-]+\/[\w.-]+#\d+/g)) {
        expect(section, `${testCase.name}: ${issue}`).toContain(issue);
      }
    }
  });
});
