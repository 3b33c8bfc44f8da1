import { ToolbarButton } from '@graphiql/react';

import { INSPECT_PLUGIN_TITLE, PlanIcon } from './inspect-panel.js';
import { useInspect, type InspectStore } from './inspect-store.js';

/** The toolbar toggle: ask for the plan and the subgraph calls with each run, and show the panel. */
export function PlanToggle({ store }: { store: InspectStore }) {
  const { plan, calls } = useInspect(store);
  const on = plan || calls;
  return (
    <ToolbarButton
      className="graphiql-toolbar-button gatehouse-plan-toggle"
      label={on ? 'Stop asking for the query plan' : 'Ask for the query plan'}
      aria-pressed={on}
      onClick={() => {
        store.toggle();
        if (!on) showPanel();
      }}
    >
      <PlanIcon />
    </ToolbarButton>
  );
}

/**
 * Opens the panel as its sidebar button does. GraphiQL's `setVisiblePlugin` action picks the
 * plugin but leaves the pane collapsed (its size is the interface's own state), so press the button.
 */
function showPanel(): void {
  const button = document.querySelector<HTMLButtonElement>(
    `.graphiql-sidebar button[aria-label="Show ${INSPECT_PLUGIN_TITLE}"]`,
  );
  button?.click();
}
