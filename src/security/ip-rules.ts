import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { SecurityConfig } from '../config/security-schema.js';
import { sendError } from '../edge/reply.js';
import type { GatewayPlugin } from '../pipeline/plugin.js';

/** The route groups a rule can name (`security.ipRules.<group>`). */
export type RouteGroup = keyof SecurityConfig['ipRules'];
type IpRule = NonNullable<SecurityConfig['ipRules'][RouteGroup]>;

/** Says whether an address may call a route group: deny wins, then an allow list (when set) must hold it. */
export type AddressCheck = (address: string | undefined) => boolean;

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The address as the rules see it: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack
 * socket reports for an IPv4 client) is the IPv4 address, and a zone (`fe80::1%eth0`) is dropped.
 */
export function normalizeAddress(address: string): string {
  const withoutZone = address.split('%', 1)[0] ?? address;
  return MAPPED_IPV4.exec(withoutZone)?.[1] ?? withoutZone;
}

// Node's BlockList matches IPv4-mapped IPv6 addresses and IPv4 rules either way round.
function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix] = cidr.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** Compiles one rule into a check on a client address; an address that cannot be read is refused. */
export function compileIpRule(rule: IpRule): AddressCheck {
  const deny = blockListOf(rule.deny);
  const allow = rule.allow === undefined ? undefined : blockListOf(rule.allow);
  return (raw) => {
    if (raw === undefined) return false;
    const address = normalizeAddress(raw);
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (deny.check(address, type)) return false;
    return allow === undefined || allow.check(address, type);
  };
}

/** True when any route group has a rule (the plugin is installed only then). */
export function ipRulesConfigured(rules: SecurityConfig['ipRules']): boolean {
  return Object.values(rules).some((rule) => rule !== undefined);
}

export interface IpRulesOptions {
  /** `telemetry.metrics.path` when the metrics are served on the gateway port. */
  metricsPath?: string | undefined;
}

/**
 * Allow and deny lists per route group, checked when a request arrives, before anything is read:
 * `/graphql`, `/admin` and its API, `/registry` (page and API), and `/metrics`. The group comes from
 * the route Fastify matched (so `/%61dmin/` is `/admin/`), and the address is `request.ip`, which
 * reads X-Forwarded-For only from `server.trustedProxies` (a client cannot forge it). The metrics'
 * own port (`telemetry.metrics.port`) applies the same rule in its server.
 */
export function useIpRules(rules: SecurityConfig['ipRules'], options: IpRulesOptions = {}): GatewayPlugin {
  const checks = new Map<RouteGroup, AddressCheck>();
  for (const [group, rule] of Object.entries(rules) as [RouteGroup, IpRule | undefined][])
    if (rule !== undefined) checks.set(group, compileIpRule(rule));
  const groupOf = routeGroupOf(options.metricsPath);
  return {
    name: 'ip-rules',
    edge: {
      onRequest(request, reply, done) {
        const group = groupOf(request);
        const check = group === undefined ? undefined : checks.get(group);
        if (group === undefined || check === undefined || check(request.ip)) return done();
        // What a trusted proxy forwarded is echoed only when it is an address.
        const from = isIP(normalizeAddress(request.ip)) === 0 ? 'an unreadable address' : request.ip;
        sendError(reply, 'IP_NOT_ALLOWED', `Requests from ${from} are not allowed on /${group}.`);
      },
    },
  };
}

function routeGroupOf(metricsPath: string | undefined): (request: FastifyRequest) => RouteGroup | undefined {
  return (request) => {
    // Unmatched requests (404) have no route: they reach nothing a rule protects.
    const url = request.routeOptions.url;
    if (url === undefined) return undefined;
    if (url === metricsPath) return 'metrics';
    if (url === '/graphql') return 'graphql';
    if (url === '/admin' || url.startsWith('/admin/')) return 'admin';
    if (url === '/registry' || url.startsWith('/registry/')) return 'registry';
    return undefined;
  };
}
