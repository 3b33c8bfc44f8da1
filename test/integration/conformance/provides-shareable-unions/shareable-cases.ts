import type { ConformanceCase } from '../types.js';

/**
 * The same @shareable Query fields (book, books, libraryName, openingHours) are served by both
 * catalog and inventory: each operation must be answered from whichever serves the selection,
 * with the fields only the other one has fetched from it.
 */
export const shareableCases: ConformanceCase[] = [
  {
    name: 'shareable scalar root field, selected twice under aliases',
    query: '{ name: libraryName again: libraryName }',
    expected: { data: { name: 'Riverside Library', again: 'Riverside Library' } },
  },
  {
    name: 'shareable root field rides along in the fetch another root field needs',
    query: '{ libraryName book(id: "b1") { copies } }',
    expected: { data: { libraryName: 'Riverside Library', book: { copies: 3 } } },
    subgraphRequests: { inventory: 1 },
  },
  {
    name: 'shareable entity root field: planned on the subgraph with the fields selected (catalog)',
    query: '{ book(id: "b1") { title pages } }',
    expected: { data: { book: { title: 'Dune', pages: 412 } } },
    subgraphRequests: { catalog: 1 },
  },
  {
    name: 'shareable entity root field: planned on the subgraph with the fields selected (inventory)',
    query: 'query Stock($id: ID!) { book(id: $id) { title copies location } }',
    variables: { id: 'b3' },
    expected: { data: { book: { title: 'Solaris', copies: 5, location: 'C-07' } } },
    subgraphRequests: { inventory: 1 },
  },
  {
    name: 'shareable entity root field with fields from both subgraphs',
    query: '{ book(id: "b2") { title pages copies location } }',
    expected: { data: { book: { title: 'Neuromancer', pages: 271, copies: 0, location: 'B-03' } } },
    subgraphRequests: { catalog: 1, inventory: 1 },
  },
  {
    name: 'shareable root field aliased twice, each alias answered where its fields live',
    query: '{ a: book(id: "b1") { pages } b: book(id: "b3") { location } }',
    expected: { data: { a: { pages: 412 }, b: { location: 'C-07' } } },
    subgraphRequests: { catalog: 1, inventory: 1 },
  },
  {
    name: 'shareable list root field with a default variable, fields from both subgraphs',
    query: 'query Books($n: Int = 2) { books(first: $n) { id title pages copies } }',
    expected: {
      data: {
        books: [
          { id: 'b1', title: 'Dune', pages: 412, copies: 3 },
          { id: 'b2', title: 'Neuromancer', pages: 271, copies: 0 },
        ],
      },
    },
    subgraphRequests: { catalog: 1, inventory: 1 },
  },
  {
    name: 'shareable entity root field: an unknown id is null from both subgraphs',
    query: '{ book(id: "b9") { title pages copies } }',
    expected: { data: { book: null } },
    subgraphRequests: { catalog: 1, inventory: 1 },
  },
  {
    name: 'shareable value-type root field: only the subgraph defining every selected field can answer',
    query: '{ openingHours { open note } }',
    expected: { data: { openingHours: { open: '09:00', note: 'Closed on public holidays' } } },
    subgraphRequests: { inventory: 1 },
  },
  {
    name: 'shareable entity root field with a nested entity from a third subgraph',
    query: '{ book(id: "b3") { pages shelf { label } } }',
    expected: { data: { book: { pages: 204, shelf: { label: 'Classics' } } } },
    subgraphRequests: { catalog: 1, inventory: 1, shelves: 1 },
  },
];
