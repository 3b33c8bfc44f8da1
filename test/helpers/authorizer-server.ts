import Fastify from 'fastify';

export interface AuthorizerCall {
  headers: Record<string, string>;
  policies?: string[];
  principal?: Record<string, unknown> | null;
}

export interface AuthorizerServer {
  url: string;
  /** Every question asked, in order. */
  readonly calls: readonly AuthorizerCall[];
  close(): Promise<void>;
}

/**
 * An external authorizer on loopback (the equivalent of a Lambda authorizer). It decides by the
 * `authorization` header: `Token <name>` is allowed as that subject, except `Token denied`
 * (deny), `Token forbidden` (HTTP 403), `Token slow` (answers after `slowMs`), `Token broken`
 * (HTTP 500) and `Token garbage` (an answer that is not one). Policies named `allow-*` are granted.
 */
export async function startAuthorizerServer({ slowMs = 1_000 } = {}): Promise<AuthorizerServer> {
  const calls: AuthorizerCall[] = [];
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.post('/authorize', async (request, reply) => {
    const body = request.body as AuthorizerCall;
    calls.push(body);
    const token = /^Token (\S+)$/.exec(body.headers.authorization ?? '')?.[1];
    if (token === 'slow') await new Promise((done) => setTimeout(done, slowMs));
    if (token === 'broken') return reply.code(500).send({ error: 'boom' });
    if (token === 'forbidden') return reply.code(403).send({});
    if (token === 'garbage') return { verdict: 'yes' };
    if (token === undefined || token === 'denied') return { allow: false };
    const policies = Object.fromEntries(
      (body.policies ?? []).map((name) => [name, name.startsWith('allow-')]),
    );
    return {
      allow: true,
      principal: {
        subject: token,
        scopes: 'read:me write:me',
        roles: ['member'],
        tenant: body.headers['x-tenant'] ?? 'default',
        claims: { via: 'authorizer' },
      },
      policies,
    };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/authorize`, calls, close: () => app.close() };
}
