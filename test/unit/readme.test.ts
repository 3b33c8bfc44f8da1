import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { configReference } from '../../src/config/reference.js';

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
});
