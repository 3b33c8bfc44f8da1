import type { GatehouseConfig } from '../config/load.js';

/** What a redacted value is logged as. */
export const REDACTED = '[REDACTED]';

/** Headers that carry credentials in any deployment; each is always redacted. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];
/** Header names that say they carry a secret (`x-csrf-token`, `x-session-id`, `x-vault-secret`, …). */
const SECRET_HEADER_NAME = /token|secret|passw|session|credential|api-?key|auth/i;
/** Variable names that say they carry a secret (`password`, `newPassword`, `apiKey`, `refresh_token`, …). */
const SECRET_VARIABLE_NAME =
  /passw|passphrase|secret|token|api_?key|credential|authori[sz]ation|cookie|session/i;

// Variables are logged only at debug level, but a client chooses them: the copy is bounded.
const MAX_DEPTH = 8;
const MAX_ENTRIES = 100;
const MAX_STRING = 512;

export interface RedactionRules {
  /** Lower-case header names redacted besides those matching {@link SECRET_HEADER_NAME}. */
  readonly headers: ReadonlySet<string>;
  /** Lower-case variable names redacted besides those matching {@link SECRET_VARIABLE_NAME}. */
  readonly variables: ReadonlySet<string>;
}

/** The headers and variables never to log: the always-secret ones, the config's and `logging`'s. */
export function redactionRules(config: Pick<GatehouseConfig, 'auth' | 'logging'>): RedactionRules {
  const { auth, logging } = config;
  const headers = [
    ...SECRET_HEADERS,
    ...logging.redactHeaders,
    ...(auth.jwt ? [auth.jwt.header] : []),
    ...(auth.apiKeys ? [auth.apiKeys.header] : []),
    // What the authorizer decides on is a credential, whatever its name.
    ...(auth.authorizer?.headers ?? []),
  ];
  return {
    headers: new Set(headers.map((name) => name.toLowerCase())),
    variables: new Set(logging.redactVariables.map((name) => name.toLowerCase())),
  };
}

function secretHeader(name: string, rules: RedactionRules): boolean {
  const lower = name.toLowerCase();
  return rules.headers.has(lower) || SECRET_HEADER_NAME.test(lower);
}

function secretVariable(name: string, rules: RedactionRules): boolean {
  return SECRET_VARIABLE_NAME.test(name) || rules.variables.has(name.toLowerCase());
}

/** A copy of a header map with every secret header's value replaced. */
export function redactHeaders(headers: unknown, rules: RedactionRules): unknown {
  if (typeof headers !== 'object' || headers === null) return headers;
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = value === undefined ? value : secretHeader(name, rules) ? REDACTED : value;
  }
  return copy;
}

/**
 * A bounded copy of GraphQL variables with the value of every secret name replaced, at any depth
 * of input objects and lists. Deeper than 8 levels, past 100 entries of an object or list, or past
 * 512 characters of a string, the copy is cut short and says so.
 */
export function redactVariables(variables: unknown, rules: RedactionRules): unknown {
  return copyRedacted(variables, rules, 0);
}

function copyRedacted(value: unknown, rules: RedactionRules, depth: number): unknown {
  if (typeof value === 'string')
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[${value.length} chars]` : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ENTRIES).map((item) => copyRedacted(item, rules, depth + 1));
    if (value.length > MAX_ENTRIES) items.push(`[${value.length - MAX_ENTRIES} more]`);
    return items;
  }
  const copy: Record<string, unknown> = {};
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (++count > MAX_ENTRIES) {
      copy['[more]'] = true;
      break;
    }
    copy[key] = secretVariable(key, rules)
      ? REDACTED
      : copyRedacted((value as Record<string, unknown>)[key], rules, depth + 1);
  }
  return copy;
}
