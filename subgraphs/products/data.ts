interface ProductBase {
  upc: string;
  name: string;
  /** Price in US cents. */
  price: number;
  /** Shipping weight in grams. */
  weight: number;
}

export interface Book extends ProductBase {
  kind: 'Book';
  author: string;
  isbn: string;
  pages: number;
}

export interface Furniture extends ProductBase {
  kind: 'Furniture';
  material: string;
  assemblyRequired: boolean;
}

export type Product = Book | Furniture;

/** Ordered by popularity: `topProducts` returns a prefix of this list. */
export const products: readonly Product[] = [
  {
    kind: 'Book',
    upc: '1',
    name: 'Designing Data-Intensive Applications',
    price: 5999,
    weight: 1150,
    author: 'Martin Kleppmann',
    isbn: '978-1449373320',
    pages: 616,
  },
  {
    kind: 'Furniture',
    upc: '2',
    name: 'Oak Writing Desk',
    price: 34900,
    weight: 28000,
    material: 'Solid oak',
    assemblyRequired: true,
  },
  {
    kind: 'Book',
    upc: '3',
    name: 'The Pragmatic Programmer',
    price: 4499,
    weight: 860,
    author: 'David Thomas, Andrew Hunt',
    isbn: '978-0135957059',
    pages: 352,
  },
  {
    kind: 'Furniture',
    upc: '4',
    name: 'Ergonomic Office Chair',
    price: 27900,
    weight: 15500,
    material: 'Mesh and aluminium',
    assemblyRequired: true,
  },
  {
    kind: 'Book',
    upc: '5',
    name: 'Structure and Interpretation of Computer Programs',
    price: 5500,
    weight: 1200,
    author: 'Harold Abelson, Gerald Jay Sussman',
    isbn: '978-0262510875',
    pages: 657,
  },
  {
    kind: 'Furniture',
    upc: '6',
    name: 'Walnut Bookshelf',
    price: 18900,
    weight: 22000,
    material: 'Walnut veneer',
    assemblyRequired: false,
  },
];

export function findProduct(upc: string): Product | undefined {
  return products.find((product) => product.upc === upc);
}
