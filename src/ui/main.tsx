import './setup-workers.js';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';

import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { createSandboxFetcher } from './fetcher.js';

const DEFAULT_QUERY = `# Welcome to the Gatehouse sandbox.
#
# Write a query against the gateway's supergraph, or build one with the Explorer
# in the sidebar, then press the run button (Ctrl-Enter).
#
# Start with something like:
#
#   query {
#     __typename
#   }
`;

// Passing `plugins` replaces the defaults, so keep the history plugin explicitly.
const plugins = [HISTORY_PLUGIN, explorerPlugin()];
const fetcher = createSandboxFetcher();

const container = document.getElementById('root');
if (!container) {
  throw new Error('The sandbox page has no #root element');
}

createRoot(container).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} plugins={plugins} defaultQuery={DEFAULT_QUERY} />
  </StrictMode>,
);
