const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
/** Apollo Router's spelling, `${env.NAME}` (and `${env.NAME:-default}`), which would stay text here. */
const ROUTER_ENV_REFERENCE = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g;

export interface InterpolationProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Replaces `${env:NAME}` (or `${env:NAME:-fallback}`) in every string of a parsed YAML tree.
 * A reference to an unset variable without a fallback is a problem reported with its path,
 * so the operator learns which field needs it. So is Apollo Router's `${env.NAME}`, with a hint:
 * left as text it would reach the gateway as a literal and fail far from the cause.
 */
export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: InterpolationProblem[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    for (const [written, name, fallback] of value.matchAll(ROUTER_ENV_REFERENCE)) {
      problems.push({
        path,
        message: `"${written}" is Apollo Router's syntax; Gatehouse reads \`\${env:${name}${fallback ?? ''}}\` (a colon, not a dot)`,
      });
    }
    return value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const resolved = env[name] ?? fallback;
      if (resolved === undefined) {
        problems.push({ path, message: `environment variable ${name} is not set` });
        return '';
      }
      return resolved;
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolateEnv(item, env, problems, [...path, index]));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, problems, [...path, key])]),
    );
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (arrays included) in the overlay replaces the base. */
export function deepMerge(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) merged[key] = deepMerge(base[key], value);
  return merged;
}
