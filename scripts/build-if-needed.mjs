// `npm start` builds first when dist/ is missing or older than the sources, so a fresh clone
// runs with `npm install && npm start` and an edited one never runs stale code.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const outputs = ['dist/src/cli/main.js', 'dist/ui/index.html'];
const sources = ['src', 'subgraphs', 'schema', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

const missing = outputs.filter((file) => !existsSync(file));
const stale =
  missing.length === 0 &&
  Math.max(...sources.filter(existsSync).map(newestMtime)) >
    Math.min(...outputs.map((file) => statSync(file).mtimeMs));

if (missing.length > 0 || stale) {
  console.log(
    missing.length > 0
      ? 'Building Gatehouse (first run)…'
      : 'Sources changed since the last build; rebuilding…',
  );
  execSync('npm run build', { stdio: 'inherit' });
}
