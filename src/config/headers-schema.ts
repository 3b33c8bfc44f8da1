import { z } from 'zod';

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name')
  .transform((name) => name.toLowerCase());

const pattern = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a regular expression' },
);

const propagateRule = z
  .strictObject({
    propagate: z
      .strictObject({
        named: headerName.optional().describe('The client header to send on.'),
        matching: pattern.optional().describe('Every client header whose name matches (case-insensitive).'),
        rename: headerName.optional().describe('Send it under this name (with `named`).'),
        default: z.string().optional().describe('Sent when the client did not send it (with `named`).'),
      })
      .superRefine((rule, ctx) => {
        if ((rule.named === undefined) === (rule.matching === undefined)) {
          ctx.addIssue({ code: 'custom', path: [], message: 'set exactly one of `named` or `matching`' });
        }
        if (rule.matching !== undefined && (rule.rename !== undefined || rule.default !== undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: ['matching'],
            message: '`rename` and `default` go with `named`',
          });
        }
      }),
  })
  .describe('Send a client header on.');

const insertRule = z
  .strictObject({
    insert: z
      .strictObject({
        name: headerName.describe('The header to set.'),
        value: z.string().optional().describe('A fixed value.'),
        fromClaim: z
          .string()
          .min(1)
          .optional()
          .describe(
            "A value of the caller's principal: `subject`, `tenant`, `scopes`, `roles`, `plan`, `keyId`, `source`, or a claim (dotted paths reach nested claims). Absent for anonymous callers; a client-sent header of this name is always removed.",
          ),
      })
      .superRefine((rule, ctx) => {
        if ((rule.value === undefined) === (rule.fromClaim === undefined)) {
          ctx.addIssue({ code: 'custom', path: [], message: 'set exactly one of `value` or `fromClaim`' });
        }
      }),
  })
  .describe('Set a header.');

const removeRule = z
  .strictObject({
    remove: z
      .strictObject({
        named: headerName.optional().describe('The header to remove.'),
        matching: pattern.optional().describe('Every header whose name matches (case-insensitive).'),
      })
      .superRefine((rule, ctx) => {
        if ((rule.named === undefined) === (rule.matching === undefined)) {
          ctx.addIssue({ code: 'custom', path: [], message: 'set exactly one of `named` or `matching`' });
        }
      }),
  })
  .describe('Remove a header an earlier rule set.');

export const headerRuleSchema = z.union([propagateRule, insertRule, removeRule]);

export const headersSchema = z
  .strictObject({
    all: z.array(headerRuleSchema).default([]).describe('Rules for every subgraph, applied first, in order.'),
    subgraphs: z
      .record(z.string(), z.array(headerRuleSchema))
      .default({})
      .describe('Rules for one subgraph (GraphQL or REST connector), by name, applied after `all`.'),
  })
  .default({ all: [], subgraphs: {} });

export type HeaderRule = z.output<typeof headerRuleSchema>;
export type HeadersConfig = z.output<typeof headersSchema>;
