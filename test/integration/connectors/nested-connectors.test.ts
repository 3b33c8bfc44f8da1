import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../src/server/start.js';
import { postGraphQL } from '../../helpers/gateway.js';
import {
  connectorSchemaHeader,
  startConnectorGateway,
  startRestService,
  type GraphQLBody,
  type RestService,
} from '../../helpers/rest-services.js';

// Connectors on plain (non-entity) types reading `$this`, nested several levels deep, and an
// entity with a composite key batched by both of its fields.
const sdl = `${connectorSchemaHeader(['hr'])}

type User {
  id: ID!
  name: String
  teamId: ID
  team: Team
    @connect(source: "hr", http: { GET: "/teams/{$this.teamId}" }, selection: "id name")
}

type Team {
  id: ID!
  name: String
  members: [User]
    @connect(source: "hr", http: { GET: "/teams/{$this.id}/members" }, selection: "$.users { id name teamId }")
}

type Desk
  @key(fields: "building floor")
  @connect(
    source: "hr"
    http: { POST: "/desks/lookup", body: "keys: $batch { building floor }" }
    selection: "building floor seats"
  ) {
  building: String!
  floor: Int!
  seats: Int
}

type Query {
  user(id: ID!): User @connect(source: "hr", http: { GET: "/users/{$args.id}" }, selection: "id name teamId")
  users: [User] @connect(source: "hr", http: { GET: "/users" }, selection: "id name teamId")
  desks: [Desk] @connect(source: "hr", http: { GET: "/desks" }, selection: "building floor")
}
`;

const USERS = Array.from({ length: 10 }, (_, index) => ({
  id: `u${index}`,
  name: `User ${index}`,
  teamId: index % 2 === 0 ? 't-even' : 't-odd',
}));

let hr: RestService;
let gateway: RunningGateway;

beforeAll(async () => {
  hr = await startRestService((app) => {
    app.get('/users', async () => USERS);
    app.get<{ Params: { id: string } }>('/users/:id', async (request) =>
      USERS.find((user) => user.id === request.params.id),
    );
    app.get<{ Params: { id: string } }>('/teams/:id', async (request) => ({
      id: request.params.id,
      name: `Team ${request.params.id}`,
    }));
    app.get<{ Params: { id: string } }>('/teams/:id/members', async (request) => ({
      users: USERS.filter((user) => user.teamId === request.params.id).slice(0, 2),
    }));
    app.get('/desks', async () => [
      { building: 'A', floor: 1 },
      { building: 'A', floor: 2 },
      { building: 'B', floor: 1 },
    ]);
    app.post<{ Body: { keys: { building: string; floor: number }[] } }>('/desks/lookup', async (request) =>
      request.body.keys.map(({ building, floor }) => ({
        building,
        floor,
        seats: building === 'A' ? floor * 10 : 99,
      })),
    );
  });
  gateway = await startConnectorGateway({ rest: [{ name: 'hr', sdl, sources: { hr: hr.url } }] });
});

afterAll(async () => {
  await gateway?.close();
  await hr?.close();
});

beforeEach(() => {
  hr.calls.length = 0;
});

async function query(text: string): Promise<GraphQLBody> {
  return (await postGraphQL(gateway.graphqlUrl, { query: text })).body as GraphQLBody;
}

describe('connectors on plain types', () => {
  it('$this carries a field the client did not ask for', async () => {
    expect(await query('{ user(id: "u3") { name team { name } } }')).toEqual({
      data: { user: { name: 'User 3', team: { name: 'Team t-odd' } } },
    });
    expect(hr.calls.map((call) => call.url)).toEqual(['/users/u3', '/teams/t-odd']);
  });

  it('three levels deep, an identical call anywhere in the request is made once', async () => {
    const body = await query('{ user(id: "u0") { team { id members { id team { name } } } } }');
    expect(body).toEqual({
      data: {
        user: {
          team: {
            id: 't-even',
            members: [
              { id: 'u0', team: { name: 'Team t-even' } },
              { id: 'u2', team: { name: 'Team t-even' } },
            ],
          },
        },
      },
    });
    expect(hr.calls.map((call) => call.url)).toEqual(['/users/u0', '/teams/t-even', '/teams/t-even/members']);
  });

  it('ten users in two teams: two team calls', async () => {
    const body = await query('{ users { id team { name } } }');
    expect(body.errors).toBeUndefined();
    expect((body.data?.users as unknown[]).length).toBe(10);
    expect(
      hr
        .callsTo('GET', '/teams/:id')
        .map((call) => call.url)
        .sort(),
    ).toEqual(['/teams/t-even', '/teams/t-odd']);
  });
});

describe('a composite key', () => {
  it('batches by both key fields and matches the results back by both', async () => {
    expect(await query('{ desks { building floor seats } }')).toEqual({
      data: {
        desks: [
          { building: 'A', floor: 1, seats: 10 },
          { building: 'A', floor: 2, seats: 20 },
          { building: 'B', floor: 1, seats: 99 },
        ],
      },
    });
    const lookups = hr.callsTo('POST', '/desks/lookup');
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.body).toEqual({
      keys: [
        { building: 'A', floor: 1 },
        { building: 'A', floor: 2 },
        { building: 'B', floor: 1 },
      ],
    });
  });
});
