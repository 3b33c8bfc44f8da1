// Runs before `npm test`: makes sure what the tests talk to is there and running: Debian's
// chromium for browser tests, Redis and PostgreSQL on their standard loopback ports. Each is
// started when installed but stopped, installed with apt when missing and we are root, and
// otherwise the exact install command is printed and the run stops.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';

const isRoot = process.getuid?.() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
let aptUpdated = false;

function run(command) {
  execSync(command, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function aptInstall(packages) {
  if (!aptUpdated) run('apt-get update -qq');
  aptUpdated = true;
  run(`apt-get install -y -qq ${packages}`);
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port, seconds) {
  for (let i = 0; i < seconds * 10; i++) {
    if (await listening(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

const requirements = [
  {
    name: 'chromium',
    packages: 'chromium',
    installed: () => existsSync('/usr/bin/chromium'),
  },
  {
    name: 'Redis',
    packages: 'redis-server',
    installed: () => spawnSync('redis-server', ['--version']).status === 0,
    port: 6379,
    start: () =>
      run(
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /tmp --logfile /tmp/gatehouse-test-redis.log',
      ),
  },
  {
    name: 'PostgreSQL',
    packages: 'postgresql',
    installed: () => existsSync('/etc/postgresql') && readdirSync('/etc/postgresql').length > 0,
    port: 5432,
    start: () => {
      const version = readdirSync('/etc/postgresql').sort().at(-1);
      run(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`);
    },
  },
];

const problems = [];
for (const requirement of requirements) {
  if (requirement.port !== undefined && (await listening(requirement.port))) continue;
  if (!requirement.installed()) {
    if (!isRoot || !hasApt) {
      problems.push(
        `${requirement.name} is not installed: run \`sudo apt-get install ${requirement.packages}\``,
      );
      continue;
    }
    console.log(`Installing ${requirement.name} with apt…`);
    aptInstall(requirement.packages);
  }
  if (requirement.start === undefined) continue;
  console.log(`Starting ${requirement.name}…`);
  try {
    requirement.start();
  } catch (error) {
    problems.push(`${requirement.name} is installed but could not be started: ${error.message}`);
    continue;
  }
  if (!(await waitForPort(requirement.port, 20))) {
    problems.push(`${requirement.name} was started but does not answer on 127.0.0.1:${requirement.port}`);
  }
}

// The store tests (test/helpers/postgres.ts) work in a schema of their own in this database.
const postgresUrl = process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
if (problems.length === 0) {
  const problem = await ensureDatabase(postgresUrl);
  if (problem !== undefined) problems.push(problem);
}

/** Connects as the tests will; creates the database when the server has no such one. */
async function ensureDatabase(url) {
  const { default: pg } = await import('pg');
  const attempt = async (target) => {
    const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      return { client };
    } catch (error) {
      await client.end().catch(() => {});
      return { error };
    }
  };
  const first = await attempt(url);
  if (first.client !== undefined) return void (await first.client.end());
  if (first.error.code !== '3D000') return `PostgreSQL at ${url} refused the tests: ${first.error.message}`;
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const second = await attempt(admin.toString());
  if (second.client === undefined)
    return `PostgreSQL has no database "${database}" and: ${second.error.message}`;
  console.log(`Creating the PostgreSQL database ${database}…`);
  try {
    await second.client.query(`create database "${database.replaceAll('"', '""')}"`);
  } catch (error) {
    return `PostgreSQL has no database "${database}" and it could not be created: ${error.message}`;
  } finally {
    await second.client.end();
  }
}

if (problems.length > 0) {
  console.error(`The tests need:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}
