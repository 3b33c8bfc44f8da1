import { it } from 'vitest';
import { serveSubgraph } from '../../../subgraphs/lib/serve-subgraph.js';
import { badgesSubgraph } from './errors/subgraphs.js';

it('probe2', async () => {
  const s = await serveSubgraph(badgesSubgraph);
  for (const query of [
    'query($r:[_Any!]!){_entities(representations:$r){...on Person{badgeCount}}}',
  ]) {
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { r: [1, 2, 3].map((id) => ({ __typename: 'Person', id: String(id) })) } }),
    });
    console.log('RESP', await res.text());
  }
  await s.close();
});
