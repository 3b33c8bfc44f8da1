import './setup-workers.js';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './sandbox/sandbox.css';

import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { createSandboxFetcher } from './fetcher.js';
import { ExampleLoader } from './sandbox/example-loader.js';
import { inspectPlugin } from './sandbox/inspect-panel.js';
import { createInspectStore } from './sandbox/inspect-store.js';
import { PlanToggle } from './sandbox/plan-toggle.js';

/** Shown until the schema is in; then an example operation for the served graph follows it. */
const WELCOME = `# Welcome to the Gatehouse sandbox.
#
# Run the example below (Ctrl-Enter), change it, or build
# your own with the Explorer in the sidebar. The plan button
# in the toolbar shows how the gateway runs it.
`;

const inspect = createInspectStore();
// Passing `plugins` replaces the defaults, so keep the history plugin explicitly.
const plugins = [HISTORY_PLUGIN, explorerPlugin(), inspectPlugin(inspect)];
const fetcher = createSandboxFetcher(inspect);

const container = document.getElementById('root');
if (!container) {
  throw new Error('The sandbox page has no #root element');
}

createRoot(container).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} plugins={plugins} defaultQuery={WELCOME}>
      <GraphiQL.Toolbar>
        {({ prettify, merge, copy }) => (
          <>
            {prettify}
            {merge}
            {copy}
            <PlanToggle store={inspect} />
          </>
        )}
      </GraphiQL.Toolbar>
      <ExampleLoader welcome={WELCOME} />
    </GraphiQL>
  </StrictMode>,
);
