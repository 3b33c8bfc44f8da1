/** GraphQL names from OpenAPI names: valid, readable, and unique where they must be. */

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function isValidName(name: string): boolean {
  return GRAPHQL_NAME.test(name) && !name.startsWith('__');
}

/** Splits `get_pet-byID`, `listPets` or `HTTPStatus` into words. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function pascalCase(text: string): string {
  return withValidStart(
    words(text)
      .map((word) => capitalize(/^[A-Z0-9]+$/.test(word) ? word.toLowerCase() : word))
      .join(''),
  );
}

export function camelCase(text: string): string {
  const pascal = pascalCase(text);
  return pascal.startsWith('_') ? pascal : pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** A name as given when it is already valid GraphQL, otherwise its camelCase form. */
export function fieldName(text: string): string {
  if (isValidName(text)) return text;
  return camelCase(text) || '_';
}

/** A type name as given when valid, otherwise PascalCase. */
export function typeName(text: string): string {
  if (isValidName(text)) return text;
  return pascalCase(text) || 'Type';
}

/** An enum value name: the value itself when it is a valid GraphQL name, else a close valid one. */
export function enumValueName(raw: string): string {
  if (isValidName(raw) && !['true', 'false', 'null'].includes(raw)) return raw;
  const name = withValidStart(raw.replace(/[^_0-9A-Za-z]+/g, '_').replace(/^_+|_+$/g, ''));
  if (name === '' || name === '_') return 'EMPTY';
  return ['true', 'false', 'null'].includes(name) ? name.toUpperCase() : name;
}

function withValidStart(name: string): string {
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** Hands out names, suffixing 2, 3, … when a name is taken. */
export class NameRegistry {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  claim(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}${n}`;
    this.taken.add(name);
    return name;
  }
}
