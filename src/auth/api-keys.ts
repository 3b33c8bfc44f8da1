import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, Store } from '../store/index.js';
import { CredentialRejected } from './auth-error.js';
import type { AuthenticatedPrincipal } from './principal.js';
import { TtlCache } from './ttl-cache.js';

/**
 * API keys: `gh_<id>_<secret>`, where the id (16 hex digits) finds the stored row and the secret
 * (32 random bytes, base64url) is proven by comparing SHA-256 hashes in constant time. The key
 * itself is shown once, at creation, and never stored.
 */
const KEY_PATTERN = /^gh_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const ID_PATTERN = /^[0-9a-f]{16}$/;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SCOPE_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** How long a verified (or refused) key is reused without asking the store: revocation lands within it. */
export const API_KEY_CACHE_TTL_MS = 2_000;
const CACHE_ENTRIES = 10_000;

export interface CreateApiKeyInput {
  name: string;
  scopes?: readonly string[];
  plan?: string;
  expiresAt?: Date;
}

/** What `list` shows: never the key, never its hash. */
export type ApiKeySummary = Omit<ApiKeyRecord, 'hash'>;

export interface CreatedApiKey {
  /** The key to hand to the client; it cannot be recovered later. */
  key: string;
  summary: ApiKeySummary;
}

type CachedLookup = { record: ApiKeyRecord } | { record: undefined };

export class ApiKeys {
  readonly #cache: TtlCache<CachedLookup>;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#cache = new TtlCache(CACHE_ENTRIES, API_KEY_CACHE_TTL_MS, () => this.now().getTime());
  }

  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const name = validateName(input.name);
    const scopes = validateScopes(input.scopes ?? []);
    const plan = input.plan === undefined ? undefined : validatePlan(input.plan);
    const createdAt = this.now();
    if (input.expiresAt !== undefined && input.expiresAt.getTime() <= createdAt.getTime()) {
      throw new RangeError('the expiry must be in the future');
    }
    const id = randomBytes(8).toString('hex');
    const key = `gh_${id}_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id,
      name,
      hash: hashKey(key),
      scopes,
      plan,
      createdAt,
      expiresAt: input.expiresAt,
      revokedAt: undefined,
    };
    await this.store.apiKeys.insert(record);
    return { key, summary: summarize(record) };
  }

  async list(): Promise<ApiKeySummary[]> {
    return (await this.store.apiKeys.list()).map(summarize);
  }

  /**
   * Revokes by id, or else by the name of a live key. Returns the revoked key, or undefined when
   * nothing live matched. Other processes notice within {@link API_KEY_CACHE_TTL_MS}.
   */
  async revoke(idOrName: string): Promise<ApiKeySummary | undefined> {
    const byId = ID_PATTERN.test(idOrName) ? await this.store.apiKeys.findById(idOrName) : undefined;
    const record = byId ?? (await this.store.apiKeys.findActiveByName(idOrName));
    if (record === undefined || record.revokedAt !== undefined) return undefined;
    const at = this.now();
    if (!(await this.store.apiKeys.revoke(record.id, at))) return undefined;
    this.#cache.delete(record.id);
    return summarize({ ...record, revokedAt: at });
  }

  /** The principal a key proves, or a {@link CredentialRejected} saying why not. */
  async verify(key: string): Promise<AuthenticatedPrincipal> {
    const match = KEY_PATTERN.exec(key.trim());
    const id = match?.[1];
    if (id === undefined) throw new CredentialRejected('unknown API key');
    const record = await this.#lookup(id);
    // The hash is checked before any status, so that only the key's holder learns it was revoked.
    if (record === undefined || !sameHash(record.hash, hashKey(key.trim()))) {
      throw new CredentialRejected('unknown API key');
    }
    if (record.revokedAt !== undefined) throw new CredentialRejected('API key revoked');
    if (record.expiresAt !== undefined && record.expiresAt.getTime() <= this.now().getTime()) {
      throw new CredentialRejected('API key expired');
    }
    return apiKeyPrincipal(record);
  }

  async #lookup(id: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.#cache.get(id);
    if (cached !== undefined) return cached.record;
    const record = await this.store.apiKeys.findById(id);
    this.#cache.set(id, { record });
    return record;
  }
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function sameHash(stored: string, presented: string): boolean {
  const a = Buffer.from(stored, 'hex');
  const b = Buffer.from(presented, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

function summarize({ hash: _hash, ...summary }: ApiKeyRecord): ApiKeySummary {
  return summary;
}

function validateName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new RangeError(
      `invalid key name "${name}": use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  if (ID_PATTERN.test(name)) throw new RangeError(`invalid key name "${name}": it looks like a key id`);
  return name;
}

function validateScopes(scopes: readonly string[]): string[] {
  const bad = scopes.find((scope) => !SCOPE_PATTERN.test(scope));
  if (bad !== undefined)
    throw new RangeError(`invalid scope "${bad}": scopes are printable ASCII without spaces`);
  return [...new Set(scopes)];
}

function validatePlan(plan: string): string {
  if (!NAME_PATTERN.test(plan)) throw new RangeError(`invalid plan name "${plan}"`);
  return plan;
}

/** Who a valid API key proves: its name as the subject, its scopes and its usage plan. */
export function apiKeyPrincipal(record: ApiKeyRecord): AuthenticatedPrincipal {
  return {
    kind: 'authenticated',
    source: 'api-key',
    subject: record.name,
    scopes: new Set(record.scopes),
    roles: new Set(),
    claims: {},
    keyId: record.id,
    credential: `api-key:${record.id}`,
    ...(record.plan === undefined ? {} : { plan: record.plan }),
  };
}
