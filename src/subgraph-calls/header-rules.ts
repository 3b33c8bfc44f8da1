import type { FastifyRequest } from 'fastify';
import { claimHeaderValue, verifiedBearerToken } from '../auth/forwarding.js';
import type { AuthConfig } from '../config/auth-schema.js';
import type { HeaderRule, HeadersConfig } from '../config/headers-schema.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';

/** Sets, renames or removes the headers of one subgraph call. */
type CompiledRule = (headers: Record<string, string>, request: FastifyRequest) => void;

// Connection-level headers describe the client's connection, not the gateway's: never sent on.
const HOP_BY_HOP = new Set([
  'connection',
  'content-length',
  'content-type',
  'host',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'accept',
  'accept-encoding',
]);

/**
 * Header rules for subgraph calls, as Apollo Router's `headers` plugin has them: for every subgraph
 * (`headers.all`) and per subgraph (`headers.subgraphs.<name>`), in order, `propagate` a client
 * header (renamed, with a default), `insert` a fixed value or a value of the caller's principal, and
 * `remove` one. `auth.forwardClaims` and `auth.forwardToken` are rules of the same kind, run first.
 * REST connector subgraphs get the same headers as GraphQL ones. Not in the plugin list when there
 * are no rules.
 */
export function useHeaderRules(headers: HeadersConfig, auth: AuthConfig): GatewayPlugin | undefined {
  const common = [...authRules(auth), ...headers.all.map(compileRule)];
  const bySubgraph = new Map(
    Object.entries(headers.subgraphs).map(([name, rules]) => [name, [...common, ...rules.map(compileRule)]]),
  );
  if (common.length === 0 && bySubgraph.size === 0) return undefined;
  return {
    name: 'header-rules',
    subgraphCall(call, next) {
      const request = call.context.request;
      for (const rule of bySubgraph.get(call.subgraph) ?? common) rule(call.headers, request);
      return next(call);
    },
  };
}

/**
 * The headers whose values come from the caller's principal. A client could send them itself, so
 * the identity step removes client-sent copies before anything reads the request's headers.
 */
export function claimHeaderNames(headers: HeadersConfig, auth: AuthConfig): string[] {
  const names = auth.forwardClaims.map(({ header }) => header);
  for (const rule of [...headers.all, ...Object.values(headers.subgraphs).flat()]) {
    if ('insert' in rule && rule.insert.fromClaim !== undefined) names.push(rule.insert.name);
  }
  return [...new Set(names)];
}

function authRules(auth: AuthConfig): CompiledRule[] {
  const rules = auth.forwardClaims.map(({ claim, header }) => claimRule(header, claim));
  if (auth.forwardToken) {
    rules.push((headers, request) => {
      const token = verifiedBearerToken(request.principal, request.headers, auth);
      if (token === undefined) delete headers.authorization;
      else headers.authorization = token;
    });
  }
  return rules;
}

function claimRule(name: string, claim: string): CompiledRule {
  return (headers, request) => {
    const value = claimHeaderValue(request.principal, claim);
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  };
}

function compileRule(rule: HeaderRule): CompiledRule {
  if ('propagate' in rule) {
    const { named, matching, rename, default: fallback } = rule.propagate;
    if (named !== undefined) {
      const target = rename ?? named;
      return (headers, request) => {
        const value = clientValue(request, named) ?? fallback;
        if (value !== undefined) headers[target] = value;
      };
    }
    const pattern = new RegExp(matching ?? '', 'i');
    return (headers, request) => {
      for (const name of Object.keys(request.headers)) {
        if (HOP_BY_HOP.has(name) || !pattern.test(name)) continue;
        const value = clientValue(request, name);
        if (value !== undefined) headers[name] = value;
      }
    };
  }
  if ('insert' in rule) {
    const { name, value, fromClaim } = rule.insert;
    if (fromClaim !== undefined) return claimRule(name, fromClaim);
    return (headers) => {
      headers[name] = value ?? '';
    };
  }
  const { named, matching } = rule.remove;
  if (named !== undefined) {
    return (headers) => {
      delete headers[named];
    };
  }
  const pattern = new RegExp(matching ?? '', 'i');
  return (headers) => {
    for (const name of Object.keys(headers)) if (pattern.test(name)) delete headers[name];
  };
}

function clientValue(request: FastifyRequest, name: string): string | undefined {
  if (HOP_BY_HOP.has(name)) return undefined;
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text === undefined || text === '' ? undefined : text;
}
