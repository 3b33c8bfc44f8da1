// Rewrites the README's configuration reference from the schema (after `npm run build:ts`).
// test/unit/readme.test.ts fails when the two disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { configReference } from '../dist/src/config/reference.js';

const start = '<!-- prettier-ignore-start -->\n';
const end = '<!-- prettier-ignore-end -->';
const readme = readFileSync('README.md', 'utf8');
const from = readme.indexOf(start) + start.length;
const to = readme.indexOf(end);
if (from < start.length || to < from)
  throw new Error('README.md has no prettier-ignore block for the reference');
writeFileSync('README.md', `${readme.slice(0, from)}${configReference()}\n${readme.slice(to)}`);
