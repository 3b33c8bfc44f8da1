/**
 * Imports point down the flow (DESIGN.md): cli → server → pipeline → the concerns → execution and
 * connectors → store, config, errors. `npm run lint` fails on a cycle or on an import against it.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const CONCERNS = '^src/(auth|edge|gateway|registry|security|subgraph-calls|supergraph|telemetry|traffic)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'A cycle ties modules together for good; put the shared type with its provider.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'cli-on-top',
      severity: 'error',
      comment: 'Only the command line owns the process; nothing imports it.',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'server-above-pipeline',
      severity: 'error',
      comment: 'The server installs the plugin list; the pipeline and the concerns never import it.',
      from: { path: ['^src/pipeline/', CONCERNS, '^src/(execution|connectors|store|config)/'] },
      to: { path: '^src/server/' },
    },
    {
      name: 'concerns-below-pipeline',
      severity: 'error',
      comment:
        'Concerns implement the plugin type (pipeline/plugin.ts) but never reach its assembly or resources.',
      from: { path: [CONCERNS, '^src/(execution|connectors|store|config)/'] },
      to: { path: '^src/pipeline/', pathNot: '^src/pipeline/plugin\\.ts$' },
    },
    {
      name: 'execution-below-concerns',
      severity: 'error',
      comment: 'Execution and connectors run plans; they never import gateway, auth or the plugins.',
      from: { path: '^src/(execution|connectors)/' },
      to: { path: [CONCERNS, '^src/pipeline/'] },
    },
    {
      name: 'execution-layers',
      severity: 'error',
      comment:
        'Inside execution: run uses plan and transport; plan uses shape; shape and transport stand alone.',
      from: { path: '^src/execution/(plan|shape|transport)/' },
      to: { path: '^src/execution/(run/|executor\\.ts)' },
    },
    {
      name: 'execution-leaves',
      severity: 'error',
      comment: 'The response shape and the transport know nothing of plans.',
      from: { path: '^src/execution/(shape|transport)/' },
      to: { path: '^src/execution/plan/' },
    },
    {
      name: 'foundations-at-the-bottom',
      severity: 'error',
      comment: 'Store, config and the error catalogue import nothing above them.',
      from: { path: ['^src/(store|config)/', '^src/errors\\.ts$'] },
      to: { path: ['^src/(cli|server|pipeline|execution|connectors)/', CONCERNS] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/ui/' },
  },
};
