import Fastify, { type FastifyReply } from 'fastify';
import {
  isEntryPoint,
  runStandalone,
  type ListenOptions,
  type RunningService,
} from '../lib/serve-subgraph.js';
import { shippingEstimate, stock, type StockLevel } from './data.js';

/**
 * The inventory example is deliberately not GraphQL: a plain REST/JSON service.
 *
 *   GET /inventory/:upc                  -> { upc, inStock, quantity, warehouse }
 *   GET /inventory?upc=1,2,3             -> [{ upc, inStock, quantity, warehouse }, ...] in request order
 *   GET /inventory                       -> every stock level
 *   GET /shipping/:upc?weight=g&price=c  -> { upc, estimate } (estimate in cents)
 *
 * Errors use Fastify's JSON shape `{ statusCode, error, message }`: 400 for malformed input,
 * 404 for unknown UPCs (a batch with any unknown UPC fails as a whole).
 */

const UPC_PATTERN = /^\d{1,14}$/;
const MAX_BATCH = 100;

interface InventoryItem {
  upc: string;
  inStock: boolean;
  quantity: number;
  warehouse: string;
}

function toItem({ upc, quantity, warehouse }: StockLevel): InventoryItem {
  return { upc, inStock: quantity > 0, quantity, warehouse };
}

function sendError(reply: FastifyReply, statusCode: 400 | 404, message: string) {
  return reply
    .code(statusCode)
    .send({ statusCode, error: statusCode === 400 ? 'Bad Request' : 'Not Found', message });
}

/** Parses a non-negative integer query parameter; undefined when missing or malformed. */
function parseCount(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

export async function startInventory({
  port = 0,
  host = '127.0.0.1',
}: ListenOptions = {}): Promise<RunningService> {
  const app = Fastify({ logger: false });

  app.get<{ Params: { upc: string } }>('/inventory/:upc', async (request, reply) => {
    const { upc } = request.params;
    if (!UPC_PATTERN.test(upc)) return sendError(reply, 400, `Invalid upc "${upc}": expected 1-14 digits`);
    const level = stock.get(upc);
    if (!level) return sendError(reply, 404, `No inventory for upc "${upc}"`);
    return toItem(level);
  });

  app.get<{ Querystring: { upc?: string | string[] } }>('/inventory', async (request, reply) => {
    const raw = request.query.upc;
    if (raw === undefined) return [...stock.values()].map(toItem);
    const upcs = (Array.isArray(raw) ? raw : [raw])
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter((value) => value !== '');
    if (upcs.length === 0) return sendError(reply, 400, 'Query parameter "upc" must list at least one upc');
    if (upcs.length > MAX_BATCH) return sendError(reply, 400, `At most ${MAX_BATCH} upcs per request`);
    const invalid = upcs.filter((upc) => !UPC_PATTERN.test(upc));
    if (invalid.length > 0) return sendError(reply, 400, `Invalid upc: ${invalid.join(', ')}`);
    const levels = upcs.flatMap((upc) => stock.get(upc) ?? []);
    const unknown = upcs.filter((upc) => !stock.has(upc));
    if (unknown.length > 0) return sendError(reply, 404, `No inventory for upc: ${unknown.join(', ')}`);
    return levels.map(toItem);
  });

  app.get<{ Params: { upc: string }; Querystring: { weight?: unknown; price?: unknown } }>(
    '/shipping/:upc',
    async (request, reply) => {
      const { upc } = request.params;
      if (!UPC_PATTERN.test(upc)) return sendError(reply, 400, `Invalid upc "${upc}": expected 1-14 digits`);
      const weight = parseCount(request.query.weight);
      const price = parseCount(request.query.price);
      if (weight === undefined || price === undefined) {
        return sendError(
          reply,
          400,
          'Query parameters "weight" (grams) and "price" (cents) are required non-negative integers',
        );
      }
      if (!stock.has(upc)) return sendError(reply, 404, `No inventory for upc "${upc}"`);
      return { upc, estimate: shippingEstimate(price, weight) };
    },
  );

  await app.listen({ port, host });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    name: 'inventory',
    url: `http://${host}:${boundPort}`,
    port: boundPort,
    close: () => app.close(),
  };
}

if (isEntryPoint(import.meta.url)) void runStandalone(startInventory, 4004);
