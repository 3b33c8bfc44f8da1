import { z } from 'zod';
import { boolean, integer } from './primitives.js';

/**
 * Traffic control: usage plans (a rate with a burst, a request quota and a cost budget per period)
 * and rate-limit rules at gateway level or per subgraph. Counters live in memory (one process) or
 * in Redis (`redis:`), where N replicas together let through at most a quota.
 */

/** A calendar period, in `traffic.timeZone`. */
export type CalendarUnit = 'day' | 'week' | 'month';

/** How long a window lasts: a calendar period, or a rolling (sliding) number of milliseconds. */
export type Window = { kind: 'calendar'; unit: CalendarUnit } | { kind: 'rolling'; ms: number };

/** `10/s`, `100/10s`, `10000/day`, `50000/24h` parsed. */
export interface Amount {
  limit: number;
  window: Window;
  /** As written in the config, for logs, headers and the usage report. */
  text: string;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The longest a calendar period can last, to compare it with a rate's window. */
export const CALENDAR_MAX_MS: Record<CalendarUnit, number> = {
  day: 25 * 3_600_000, // a day with a daylight-saving change
  week: 7 * 86_400_000 + 3_600_000,
  month: 31 * 86_400_000 + 3_600_000,
};
/** The shortest a calendar period can last. */
export const CALENDAR_MIN_MS: Record<CalendarUnit, number> = {
  day: 23 * 3_600_000,
  week: 7 * 86_400_000 - 3_600_000,
  month: 28 * 86_400_000 - 3_600_000,
};

const AMOUNT = /^\s*(\d+)\s*\/\s*(?:(\d*)\s*(s|m|h|d)|(day|week|month))\s*$/;

/**
 * Parses `<n>/<window>`: a rolling window (`s`, `m`, `h`, `d`, optionally counted: `10s`, `24h`) or,
 * when `calendar` is allowed, a calendar period (`day`, `week`, `month`).
 */
export function parseAmount(text: string, calendar: boolean): Amount | string {
  const match = AMOUNT.exec(text);
  const hint = calendar
    ? 'expected <number>/<period> such as 10000/day, 1000/week, 1000000/month or 5000/24h'
    : 'expected <number>/<window> such as 10/s, 600/m or 100/10s';
  if (!match) return hint;
  const limit = Number(match[1]);
  if (!Number.isSafeInteger(limit) || limit <= 0) return `the amount must be a positive integer; ${hint}`;
  if (match[4] !== undefined) {
    if (!calendar) return `a rate's window is a number of s, m or h, not a calendar period; ${hint}`;
    return { limit, window: { kind: 'calendar', unit: match[4] as CalendarUnit }, text: text.trim() };
  }
  const count = match[2] === undefined || match[2] === '' ? 1 : Number(match[2]);
  if (!Number.isSafeInteger(count) || count <= 0) return `the window must be a positive number; ${hint}`;
  const ms = count * UNIT_MS[match[3] as keyof typeof UNIT_MS];
  return { limit, window: { kind: 'rolling', ms }, text: text.trim() };
}

const amount = (calendar: boolean) =>
  z.string().transform((text, ctx): Amount => {
    const parsed = parseAmount(text, calendar);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  });

/** What a limit counts by. */
export const KEY_SOURCES = ['auto', 'apiKey', 'subject', 'tenant', 'ip', 'operation'] as const;
export type KeySource = (typeof KEY_SOURCES)[number] | `header:${string}`;

const keySource = z
  .string()
  .refine(
    (value) =>
      (KEY_SOURCES as readonly string[]).includes(value) ||
      /^header:[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(value),
    `expected one of ${KEY_SOURCES.join(', ')} or header:<name>`,
  )
  .transform((value) =>
    value.startsWith('header:') ? (value.toLowerCase() as KeySource) : (value as KeySource),
  );

const keySchema = z
  // One source, or a list of them combined.
  .union([keySource, z.array(keySource).min(1)], {
    error: `expected one of ${KEY_SOURCES.join(', ')} or header:<name>, or a list of them`,
  })
  .default('auto')
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .describe(
    'What the limit counts by: `auto` (the API key, else the JWT subject, else the client IP), `apiKey`, `subject`, `tenant`, `ip`, `operation` (the operation name) or `header:<name>`; a list combines them (`[subject, operation]`). A caller without the value (anonymous, no tenant, no header) is counted by IP.',
  );

const rateFields = {
  rate: amount(false).describe(
    'A steady rate, `<n>/<window>` (`10/s`, `600/m`, `100/10s`): a token bucket refilled at this rate.',
  ),
  burst: integer(1)
    .optional()
    .describe("How many requests may come at once (the bucket size). Defaults to the rate's amount."),
};

const planSchema = z
  .strictObject({
    rate: rateFields.rate.optional(),
    burst: rateFields.burst,
    quota: amount(true)
      .optional()
      .describe(
        'Requests per period: a calendar `day`, `week` or `month` in `traffic.timeZone` (`10000/day`), or a rolling window (`5000/24h`). Exact across replicas with the Redis store.',
      ),
    cost: amount(true)
      .optional()
      .describe(
        "A cost budget per period (`50000/day`), drained by each response's actual cost (demand control, `security.cost`); once spent, requests are refused with COST_BUDGET_EXHAUSTED until the period resets.",
      ),
    key: keySchema,
  })
  .superRefine((plan, ctx) => {
    if (plan.burst !== undefined && plan.rate === undefined)
      ctx.addIssue({ code: 'custom', path: ['burst'], message: '`burst` needs a `rate`' });
    if (plan.rate === undefined && plan.quota === undefined && plan.cost === undefined)
      ctx.addIssue({ code: 'custom', message: 'a plan needs at least one of `rate`, `quota` or `cost`' });
    for (const field of ['quota', 'cost'] as const) {
      const window = plan[field]?.window;
      if (plan.rate && window && shortestMs(window) < shortestMs(plan.rate.window))
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `the ${field} period (${plan[field]?.text}) is shorter than the rate's window (${plan.rate.text})`,
        });
    }
  });

const ruleSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a name of letters, digits, ".", "_" or "-"')
    .describe('Names the rule in headers, logs and errors.'),
  rate: rateFields.rate,
  burst: rateFields.burst,
  key: keySchema,
  subgraph: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Limits the calls to this subgraph instead of the requests to the gateway: a call over the limit fails like a subgraph failure (its fields are null with a RATE_LIMITED error) and the rest of the response is kept.',
    ),
});

export const trafficSchema = z
  .strictObject({
    store: z
      .enum(['memory', 'redis'])
      .default('memory')
      .describe(
        'Where counters live: `memory` (one process; with `--workers N` each worker counts alone) or `redis` (the `redis:` server, shared by workers and replicas, exact).',
      ),
    onStoreError: z
      .enum(['failOpen', 'failClosed'])
      .default('failOpen')
      .describe(
        'When the store cannot answer within `storeTimeoutMs`: `failOpen` serves the request (logged and counted), `failClosed` answers 503 RATE_LIMIT_STORE_UNAVAILABLE.',
      ),
    storeTimeoutMs: integer(1, 10_000)
      .default(200)
      .describe('How long a request waits for the store at most.'),
    timeZone: z
      .string()
      .default('UTC')
      .refine(isTimeZone, 'expected an IANA time zone such as UTC, Europe/Paris or America/New_York')
      .describe('The time zone calendar periods (day, week from Monday, month) begin and end in.'),
    headers: boolean()
      .default(true)
      .describe(
        'Send the IETF `RateLimit-Policy` and `RateLimit` headers on allowed responses too (refusals always carry them).',
      ),
    plans: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a plan name of letters, digits, ".", "_" or "-"'),
        planSchema,
      )
      .default({})
      .describe(
        'Usage plans by name. A caller is on the plan of its API key (`gatehouse keys create --plan`), or of its JWT claim `planClaim`, else on `defaultPlan`.',
      ),
    defaultPlan: z
      .string()
      .optional()
      .describe(
        'The plan of callers without one (anonymous callers included). Without it, they have no plan limits.',
      ),
    planClaim: z
      .string()
      .min(1)
      .default('plan')
      .describe("The JWT (or authorizer) claim naming the caller's plan."),
    rules: z
      .array(ruleSchema)
      .default([])
      .describe(
        'Rate limits for everyone, at gateway level or per subgraph (`subgraph:`), on top of the plans.',
      ),
    memory: z
      .strictObject({
        maxKeys: integer(100, 10_000_000)
          .default(100_000)
          .describe('Counters kept at most by the memory store; the least recently used go first.'),
      })
      .prefault({})
      .describe('The memory store.'),
  })
  .superRefine((traffic, ctx) => {
    if (traffic.defaultPlan !== undefined && !(traffic.defaultPlan in traffic.plans))
      ctx.addIssue({
        code: 'custom',
        path: ['defaultPlan'],
        message: `unknown plan "${traffic.defaultPlan}"; plans: ${Object.keys(traffic.plans).join(', ') || 'none'}`,
      });
    const names = new Set<string>();
    traffic.rules.forEach((rule, index) => {
      if (names.has(rule.name))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'name'],
          message: `two rules are named "${rule.name}"`,
        });
      names.add(rule.name);
    });
  });

export type TrafficConfig = z.output<typeof trafficSchema>;
export type PlanConfig = TrafficConfig['plans'][string];
export type RuleConfig = TrafficConfig['rules'][number];

/** True when traffic control has anything to do (the plugin is installed only then). */
export function trafficEnabled(traffic: TrafficConfig): boolean {
  return Object.keys(traffic.plans).length > 0 || traffic.rules.length > 0;
}

function shortestMs(window: Window): number {
  return window.kind === 'rolling' ? window.ms : CALENDAR_MIN_MS[window.unit];
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
