import { alignedTable } from './output.js';
import { UserFacingError } from '../errors.js';
import type { UsageAnswer } from '../traffic/usage-route.js';
import { outputFormat, print } from './registry-flags.js';

/**
 * `gatehouse keys usage <id-or-name>`: asks a running gateway (`GET /admin/usage`) what the key has
 * used of its plan's limits. The gateway answers, not the store: it alone knows the limits in force
 * and where the counters live (memory or Redis).
 */

export interface UsageFlags {
  url?: string;
  token?: string;
  plan?: string;
  format?: string;
}

/** The gateway's URL when --url is not given. */
export const GATEWAY_URL_VARIABLE = 'GATEHOUSE_URL';
/** The admin token (one of `registry.tokens`) when --token is not given: the registry commands' too. */
export const ADMIN_TOKEN_VARIABLE = 'GATEHOUSE_REGISTRY_TOKEN';
const TIMEOUT_MS = 10_000;

export async function showKeyUsage(idOrName: string, flags: UsageFlags): Promise<void> {
  const format = outputFormat(flags);
  const url = usageUrl(flags.url ?? nonEmpty(process.env[GATEWAY_URL_VARIABLE]), idOrName, flags.plan);
  const token = flags.token ?? nonEmpty(process.env[ADMIN_TOKEN_VARIABLE]);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        accept: 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const why =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : reason(error);
    throw new UserFacingError(`Cannot reach the gateway at ${url.origin}: ${why}.`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = errorMessage(body) ?? `${response.status} ${response.statusText}`;
    const hint =
      response.status === 401 && token === undefined ? ` Pass --token or set ${ADMIN_TOKEN_VARIABLE}.` : '';
    const traffic =
      response.status === 404 && errorMessage(body) === undefined
        ? ' Is traffic control (traffic.plans or traffic.rules) configured on this gateway?'
        : '';
    throw new UserFacingError(`The gateway refused: ${message}${hint}${traffic}`);
  }
  if (!isUsageAnswer(body))
    throw new UserFacingError(`The gateway at ${url.origin} sent an unexpected answer.`);
  print(format, body, formatUsage);
}

/** `<gateway>/admin/usage?key=…`; the gateway's URL may be given with its `/graphql` path. */
export function usageUrl(base: string | undefined, idOrName: string, plan: string | undefined): URL {
  if (base === undefined)
    throw new UserFacingError(
      `No gateway: pass --url URL or set ${GATEWAY_URL_VARIABLE} (e.g. http://127.0.0.1:4000).`,
    );
  let url: URL;
  try {
    url = new URL(base.trim());
  } catch {
    throw new UserFacingError(`--url: "${base}" is not a URL (e.g. http://127.0.0.1:4000).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UserFacingError(`--url: expected an http or https URL, got "${base}".`);
  const path = url.pathname.replace(/\/graphql\/?$/, '').replace(/\/+$/, '');
  const usage = new URL(`${url.origin}${path}/admin/usage`);
  usage.searchParams.set('key', idOrName);
  if (plan !== undefined) usage.searchParams.set('plan', plan);
  return usage;
}

const COLUMNS = ['LIMIT', 'WINDOW', 'USED', 'REMAINING', 'OF', 'PERIOD', 'RESETS'];

/** The report for people: who, which plan, then one row per limit. */
export function formatUsage(answer: UsageAnswer): string {
  const who = answer.key === undefined ? '' : `API key "${answer.key.name}" (id ${answer.key.id})`;
  const plan = answer.plan === null ? 'no plan' : `plan ${answer.plan}`;
  const counted = answer.countedKey === null ? '' : `, counted as ${answer.countedKey}`;
  const head = `${who}${who === '' ? '' : ': '}${plan}${counted}, at ${seconds(answer.at)}\n`;
  if (answer.policies.length === 0) return `${head}No limits apply.\n`;
  const rows = [
    COLUMNS,
    ...answer.policies.map((policy) => [
      policy.subgraph === undefined ? policy.name : `${policy.name} (${policy.subgraph})`,
      policy.window,
      String(policy.used),
      String(policy.remaining),
      String(policy.limit),
      policy.period === undefined ? '-' : policy.period.id,
      seconds(policy.resetsAt),
    ]),
  ];
  return `${head}${alignedTable(rows)}`;
}

function seconds(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

function isUsageAnswer(body: unknown): body is UsageAnswer {
  return (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as { policies?: unknown }).policies) &&
    typeof (body as { at?: unknown }).at === 'string'
  );
}

function errorMessage(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  const message = (first as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function reason(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
