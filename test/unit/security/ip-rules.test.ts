import { describe, expect, it } from 'vitest';
import { compileIpRule, ipRulesConfigured, normalizeAddress } from '../../../src/security/ip-rules.js';

describe('an IP rule', () => {
  it('lets deny win over allow', () => {
    const check = compileIpRule({ allow: ['10.0.0.0/8'], deny: ['10.0.0.13'] });
    expect(check('10.200.1.1')).toBe(true);
    expect(check('10.0.0.13')).toBe(false);
    expect(check('11.0.0.1')).toBe(false);
  });

  it('with only a deny list lets everyone else in', () => {
    const check = compileIpRule({ deny: ['192.0.2.0/24', '2001:db8::/32'] });
    expect(check('192.0.2.200')).toBe(false);
    expect(check('2001:db8:1::1')).toBe(false);
    expect(check('192.0.3.1')).toBe(true);
    expect(check('2001:db9::1')).toBe(true);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 rules and the other way round', () => {
    const ipv4 = compileIpRule({ allow: ['203.0.113.0/24'], deny: [] });
    expect(ipv4('::ffff:203.0.113.9')).toBe(true);
    expect(ipv4('::FFFF:203.0.114.9')).toBe(false);
    const mapped = compileIpRule({ allow: ['::ffff:203.0.113.0/120'], deny: [] });
    expect(mapped('203.0.113.9')).toBe(true);
    expect(mapped('203.0.114.9')).toBe(false);
  });

  it('drops the zone of a link-local address', () => {
    expect(normalizeAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(compileIpRule({ deny: ['fe80::/10'] })('fe80::1%eth0')).toBe(false);
  });

  it('refuses an address it cannot read', () => {
    const check = compileIpRule({ deny: [] });
    expect(check(undefined)).toBe(false);
    expect(check('not-an-address')).toBe(false);
    expect(check('127.0.0.1')).toBe(true);
  });
});

describe('the IP rules', () => {
  it('are configured when any route group has a rule', () => {
    expect(ipRulesConfigured({})).toBe(false);
    expect(ipRulesConfigured({ metrics: { deny: [] } })).toBe(true);
  });
});
