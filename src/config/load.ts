import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserFacingError } from '../errors.js';
import { deepMerge, interpolateEnv, isPlainObject, type InterpolationProblem } from './interpolate.js';
import { configSchema, type ParsedConfig } from './schema.js';
import { resolveSecurity, type SecurityConfig } from './security-schema.js';
import { trafficEnabled } from './traffic-schema.js';
import { assertKnownStage, isProductionStage, withoutStageFlags, type StageOrigin } from './stages.js';

/** The validated, frozen configuration with every stage-dependent default decided. */
export type GatehouseConfig = Readonly<
  Omit<ParsedConfig, 'stage' | 'introspection' | 'exposeQueryPlans' | 'sandbox' | 'stages' | 'security'> & {
    /** `security` with the stage's defaults filled in. */
    security: SecurityConfig;
    stage: string;
    /** A production stage: `prod` and `production` by default, or one declared `production: true`. */
    production: boolean;
    introspection: boolean;
    /** Query plans answer `apollo-query-plan-experimental`: never in a production stage. */
    exposeQueryPlans: boolean;
    sandbox: boolean;
    /** Where the configuration came from, for messages. */
    source: string;
  }
>;

export interface ResolveOptions {
  /** `--stage`; wins over GATEHOUSE_STAGE and the file's own `stage`. */
  stage?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Relative paths in the config resolve against this directory. */
  baseDir?: string;
  source?: string;
  /** Command-line flags (e.g. `--port`), merged over the file and its stage overlay. */
  overrides?: Record<string, unknown>;
}

export const DEFAULT_CONFIG_FILES = ['gatehouse.yaml', 'schema/gatehouse.yaml'];

export function findDefaultConfig(cwd: string = process.cwd()): string | undefined {
  return DEFAULT_CONFIG_FILES.map((file) => resolve(cwd, file)).find((file) => existsSync(file));
}

export async function loadConfigFile(path: string, options: Omit<ResolveOptions, 'baseDir' | 'source'> = {}) {
  return resolveConfig(await readConfigFile(path), { ...options, baseDir: dirname(path), source: path });
}

/** The YAML of a config file as plain data, before interpolation and validation. */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserFacingError(
      `Cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new UserFacingError(
      `Config file ${path} is not valid YAML:`,
      document.errors.map((error) => error.message.split('\n')[0] ?? error.message),
    );
  }
  return document.toJS() ?? {};
}

/** Interpolates, applies the stage overlay, validates, fills stage defaults and freezes. */
export function resolveConfig(raw: unknown, options: ResolveOptions = {}): GatehouseConfig {
  const env = options.env ?? process.env;
  const source = options.source ?? 'configuration';
  if (!isPlainObject(raw))
    throw new UserFacingError(`Invalid ${source}: expected a mapping at the top level`);

  // Only the chosen stage's overlay is interpolated: a variable only another stage needs may be unset.
  const { stages: overlays, ...file } = raw;
  const problems: InterpolationProblem[] = [];
  const base = interpolateEnv(file, env, problems) as Record<string, unknown>;
  const [stage, origin] = chooseStage(options.stage, env.GATEHOUSE_STAGE, base.stage);
  assertKnownStage({ ...base, stages: overlays }, stage, origin, source);
  const overlay = isPlainObject(overlays)
    ? interpolateEnv(overlays[stage], env, problems, ['stages', stage])
    : undefined;
  if (problems.length > 0) {
    throw new UserFacingError(
      `Invalid ${source} (stage "${stage}"):`,
      problems.map((p) => `${formatPath(p.path)}: ${p.message}`),
    );
  }
  const layers = [isPlainObject(overlay) ? withoutStageFlags(overlay) : undefined, options.overrides];
  const merged = layers.reduce<unknown>((config, layer) => (layer ? deepMerge(config, layer) : config), base);
  // The chosen overlay is validated as itself too (its `production` flag, or not being a mapping),
  // and so is a `stages` that is not a mapping at all.
  if (isPlainObject(merged) && overlays !== undefined)
    merged.stages = isPlainObject(overlays) ? (overlay === undefined ? {} : { [stage]: overlay }) : overlays;

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw new UserFacingError(`Invalid ${source} (stage "${stage}"):`, formatIssues(result.error.issues));
  }
  const parsed = result.data;
  const baseDir = options.baseDir ?? process.cwd();
  const production = isProductionStage(stage, parsed.stages?.[stage]?.production);
  const onOutsideProd = !production;
  if (production && parsed.exposeQueryPlans === true) {
    throw new UserFacingError(`Invalid ${source} (stage "${stage}"):`, [
      `exposeQueryPlans: query plans are never answered in a production stage ("${stage}"); set \`exposeQueryPlans: true\` in a non-production stage's overlay (e.g. \`stages.dev\`) instead`,
    ]);
  }
  if (parsed.security.apq.enabled && parsed.security.apq.store === 'redis' && parsed.redis === undefined) {
    throw new UserFacingError(`Invalid ${source} (stage "${stage}"):`, [
      "security.apq.store: `redis` needs a `redis:` block with the server's `url`",
    ]);
  }
  const trafficProblems = trafficConfigProblems(parsed);
  if (trafficProblems.length > 0)
    throw new UserFacingError(`Invalid ${source} (stage "${stage}"):`, trafficProblems);
  const { stages: _stages, ...rest } = parsed;
  return deepFreeze({
    ...rest,
    stage,
    production,
    source,
    introspection: parsed.introspection ?? onOutsideProd,
    exposeQueryPlans: parsed.exposeQueryPlans ?? onOutsideProd,
    sandbox: parsed.sandbox ?? onOutsideProd,
    security: resolveSecurity(
      {
        ...parsed.security,
        trustedDocuments: {
          ...parsed.security.trustedDocuments,
          manifests: parsed.security.trustedDocuments.manifests.map((path) => absolute(baseDir, path)),
        },
      },
      production,
    ),
    supergraph:
      parsed.supergraph?.kind === 'file'
        ? { ...parsed.supergraph, path: absolute(baseDir, parsed.supergraph.path) }
        : parsed.supergraph,
    subgraphs: parsed.subgraphs.map((subgraph) =>
      subgraph.schema === undefined ? subgraph : { ...subgraph, schema: absolute(baseDir, subgraph.schema) },
    ),
    auth: resolveAuthPaths(baseDir, parsed.auth),
    store:
      parsed.store.sqlite === undefined || parsed.store.sqlite === ':memory:'
        ? parsed.store
        : { sqlite: absolute(baseDir, parsed.store.sqlite) },
  }) as GatehouseConfig;
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`).join('\n');
    }
    // A record's key (a stage name under `stages`): what the key's own schema said.
    if (issue.code === 'invalid_key') return `${where}: ${issue.issues[0]?.message ?? issue.message}`;
    return `${where}: ${issue.message}`;
  });
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** `--stage`, then GATEHOUSE_STAGE, then the file's `stage:` (a string, or validated later), then dev. */
function chooseStage(
  flag: string | undefined,
  variable: string | undefined,
  file: unknown,
): [string, StageOrigin] {
  if (flag !== undefined) return [flag, '--stage'];
  if (variable !== undefined && variable !== '') return [variable, 'GATEHOUSE_STAGE'];
  if (typeof file === 'string') return [file, '`stage:` in the file'];
  return ['dev', 'the default'];
}

/** JWKS files and PEM key files resolve against the config file; an inline PEM key stays as it is. */
function resolveAuthPaths(baseDir: string, auth: ParsedConfig['auth']): ParsedConfig['auth'] {
  if (auth.jwt === undefined) return auth;
  return {
    ...auth,
    jwt: {
      ...auth.jwt,
      issuers: auth.jwt.issuers.map((issuer) => ({
        ...issuer,
        ...(issuer.jwksFile === undefined ? {} : { jwksFile: absolute(baseDir, issuer.jwksFile) }),
        ...(issuer.publicKey === undefined || issuer.publicKey.includes('-----BEGIN')
          ? {}
          : { publicKey: absolute(baseDir, issuer.publicKey) }),
      })),
    },
  };
}

function absolute(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** What the traffic block needs of the rest of the config: Redis, demand control, known subgraphs. */
function trafficConfigProblems(parsed: ParsedConfig): string[] {
  const { traffic } = parsed;
  const problems: string[] = [];
  if (trafficEnabled(traffic) && traffic.store === 'redis' && parsed.redis === undefined)
    problems.push("traffic.store: `redis` needs a `redis:` block with the server's `url`");
  if (parsed.security.cost.mode === 'off') {
    for (const [name, plan] of Object.entries(traffic.plans))
      if (plan.cost !== undefined)
        problems.push(
          `traffic.plans.${name}.cost: a cost budget needs demand control; \`security.cost.mode\` is off`,
        );
  }
  // Subgraph names are known here only when the config lists the graph itself.
  if (parsed.supergraph === undefined && parsed.subgraphs.length > 0) {
    const known = new Set(parsed.subgraphs.map(({ name }) => name));
    traffic.rules.forEach((rule, index) => {
      if (rule.subgraph !== undefined && !known.has(rule.subgraph))
        problems.push(
          `traffic.rules[${index}].subgraph: unknown subgraph "${rule.subgraph}"; subgraphs: ${[...known].join(', ')}`,
        );
    });
  }
  return problems;
}
