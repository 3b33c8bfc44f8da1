import { startAccounts } from './accounts/index.js';
import { startInventory } from './inventory/index.js';
import type { ListenOptions, RunningService } from './lib/serve-subgraph.js';
import { startProducts } from './products/index.js';
import { startReviews } from './reviews/index.js';

export interface ExampleService {
  name: string;
  /** Default port used by `npm start` and by each service when run on its own. */
  port: number;
  start: (options?: ListenOptions) => Promise<RunningService>;
}

/** The example services `npm start` runs: three Federation 2 subgraphs and one REST service. */
export const exampleServices: ExampleService[] = [
  { name: 'accounts', port: 4001, start: startAccounts },
  { name: 'products', port: 4002, start: startProducts },
  { name: 'reviews', port: 4003, start: startReviews },
  { name: 'inventory', port: 4004, start: startInventory },
];
