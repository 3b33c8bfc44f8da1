import { Command } from 'commander';
import { ApiKeys, type ApiKeySummary } from '../auth/api-keys.js';
import type { GatehouseConfig } from '../config/load.js';
import { UserFacingError } from '../errors.js';
import { describeStore, DuplicateKeyName, openStore, type Store } from '../store/index.js';
import { commandConfig } from './config-options.js';
import type { UsageFlags } from './keys-usage.js';
import { alignedTable, runCommand } from './output.js';

interface StoreFlags {
  config?: string;
  stage?: string;
}

interface CreateFlags extends StoreFlags {
  name: string;
  scopes?: string;
  plan?: string;
  expires?: string;
}

/** `gatehouse keys create|list|revoke|usage`: API keys in the same store the gateway reads. */
export function keysCommand(): Command {
  const keys = new Command('keys').description(
    "Manage API keys in the gateway's store (store.sqlite or store.postgres): create, list, revoke; and ask a running gateway what a key has used.",
  );
  const withStoreOptions = (command: Command) =>
    command
      .option(
        '-c, --config <file>',
        'gateway config (default: ./gatehouse.yaml, then ./schema/gatehouse.yaml)',
      )
      .option('--stage <stage>', 'stage whose overlay applies');

  withStoreOptions(
    keys
      .command('create')
      .description('Create a key and print it, once.')
      .requiredOption('-n, --name <name>', 'a unique name for the key (letters, digits, ".", "_", "-")')
      .option('--scopes <scopes>', 'comma-separated scopes the key carries, e.g. read:products,write:cart')
      .option('--plan <plan>', 'the usage plan the key belongs to')
      .option('--expires <when>', 'a duration (30d, 12h, 90m) or an ISO 8601 date; default: never'),
  ).action((flags: CreateFlags) => runCommand(() => createKey(flags)));

  withStoreOptions(keys.command('list').description('List keys (never the keys themselves).')).action(
    (flags: StoreFlags) => runCommand(() => listKeys(flags)),
  );

  withStoreOptions(
    keys
      .command('revoke')
      .description('Revoke a key by id or name; the gateway refuses it within seconds.')
      .argument('<id-or-name>', 'the key id, or the name of a live key'),
  ).action((idOrName: string, flags: StoreFlags) => runCommand(() => revokeKey(idOrName, flags)));

  keys
    .command('usage')
    .description(
      "Ask a running gateway (GET /admin/usage) what a key has used of its plan's limits, and what is left.",
    )
    .argument('<id-or-name>', 'the key id, or the name of a live key')
    .option('--url <url>', "the gateway's URL, e.g. http://127.0.0.1:4000 (default: GATEHOUSE_URL)")
    .option(
      '--token <token>',
      'an admin token of the gateway, one of registry.tokens (default: GATEHOUSE_REGISTRY_TOKEN)',
    )
    .option('--plan <plan>', "report this plan's limits instead of the key's own plan")
    .option('--format <format>', 'text or json', 'text')
    .action((idOrName: string, flags: UsageFlags) =>
      runCommand(async () => (await import('./keys-usage.js')).showKeyUsage(idOrName, flags)),
    );

  return keys;
}

async function createKey(flags: CreateFlags): Promise<void> {
  const expiresAt = flags.expires === undefined ? undefined : parseExpiry(flags.expires, new Date());
  const scopes = (flags.scopes ?? '')
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  await withKeys(flags, async (keys, config) => {
    assertKnownPlan(flags.plan, config);
    const { key, summary } = await keys
      .create({
        name: flags.name,
        scopes,
        ...(flags.plan === undefined ? {} : { plan: flags.plan }),
        ...(expiresAt === undefined ? {} : { expiresAt }),
      })
      .catch(asUserError);
    process.stdout.write(
      `Created API key "${summary.name}" (id ${summary.id}) in ${describeStore(config.store)}.\n` +
        `Copy it now, it is not shown again:\n\n  ${key}\n\n` +
        `Clients send it in the ${config.auth.apiKeys?.header ?? 'x-api-key'} header.\n`,
    );
    if (config.auth.apiKeys === undefined) {
      process.stderr.write(
        `gatehouse: note: ${config.source} has no auth.apiKeys section, so the gateway does not accept API keys yet\n`,
      );
    }
  });
}

/** A key on a plan the gateway does not define would be limited by the default plan, silently. */
function assertKnownPlan(plan: string | undefined, config: GatehouseConfig): void {
  const plans = Object.keys(config.traffic.plans);
  if (plan === undefined || plans.length === 0 || plans.includes(plan)) return;
  throw new UserFacingError(
    `--plan: unknown plan "${plan}"; traffic.plans in ${config.source} defines ${plans.join(', ')}`,
  );
}

async function listKeys(flags: StoreFlags): Promise<void> {
  await withKeys(flags, async (keys) => {
    const list = await keys.list();
    if (list.length === 0) {
      process.stdout.write('No API keys.\n');
      return;
    }
    process.stdout.write(formatTable(list));
  });
}

async function revokeKey(idOrName: string, flags: StoreFlags): Promise<void> {
  await withKeys(flags, async (keys) => {
    const revoked = await keys.revoke(idOrName);
    if (revoked === undefined) throw new UserFacingError(`No live API key has the id or name "${idOrName}".`);
    process.stdout.write(`Revoked API key "${revoked.name}" (id ${revoked.id}).\n`);
  });
}

async function withKeys(
  flags: StoreFlags,
  body: (keys: ApiKeys, config: GatehouseConfig) => Promise<void>,
): Promise<void> {
  const config = await commandConfig(flags, 'the gateway config whose store holds the keys');
  if (config.store.sqlite === ':memory:') {
    throw new UserFacingError(
      `store.sqlite is ":memory:" in ${config.source}: keys would vanish with this command; set a file path`,
    );
  }
  let store: Store | undefined;
  try {
    store = await openStore(config.store);
    await body(new ApiKeys(store), config);
  } finally {
    await store?.close();
  }
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `90m`, `2w`, or an ISO 8601 date (`2026-01-31`, `2026-01-31T12:00:00Z`); in the future. */
export function parseExpiry(text: string, now: Date): Date {
  const duration = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  let date: Date;
  if (duration?.[1] !== undefined && duration[2] !== undefined) {
    date = new Date(now.getTime() + Number(duration[1]) * (UNITS[duration[2]] ?? 0));
  } else if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    date = new Date(text.trim());
  } else {
    throw new UserFacingError(
      `--expires: expected a duration such as 30d, 12h or 90m, or an ISO date; got "${text}"`,
    );
  }
  if (Number.isNaN(date.getTime())) throw new UserFacingError(`--expires: "${text}" is not a valid date`);
  if (date.getTime() <= now.getTime()) throw new UserFacingError(`--expires: "${text}" is not in the future`);
  return date;
}

function asUserError(error: unknown): never {
  if (error instanceof RangeError || error instanceof DuplicateKeyName)
    throw new UserFacingError(error.message);
  throw error;
}

const COLUMNS = ['ID', 'NAME', 'SCOPES', 'PLAN', 'CREATED', 'EXPIRES', 'REVOKED'];

function formatTable(keys: readonly ApiKeySummary[]): string {
  const day = (date: Date | undefined) =>
    date === undefined ? '-' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const rows = [
    COLUMNS,
    ...keys.map((key) => [
      key.id,
      key.name,
      key.scopes.length === 0 ? '-' : key.scopes.join(','),
      key.plan ?? '-',
      day(key.createdAt),
      day(key.expiresAt),
      day(key.revokedAt),
    ]),
  ];
  return alignedTable(rows);
}
