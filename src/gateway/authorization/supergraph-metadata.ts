import {
  Kind,
  parse,
  print,
  visit,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type EnumTypeDefinitionNode,
  type EnumTypeExtensionNode,
  type InterfaceTypeDefinitionNode,
  type InterfaceTypeExtensionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type ScalarTypeDefinitionNode,
  type ScalarTypeExtensionNode,
} from 'graphql';
import { UserFacingError } from '../../errors.js';
import { allOf, type Alternatives, type AuthorizationRules, type Requirement } from './requirements.js';

/** The supergraph split in two: what the stock loader serves, and what the gateway enforces. */
export interface PreparedSupergraph {
  /** The supergraph without the authorization links, definitions and applications. */
  servableSdl: string;
  rules: AuthorizationRules;
}

type SpecName = 'authenticated' | 'requiresScopes' | 'policy';

/** The one element (besides the directive) each spec defines, a scalar for the argument items. */
const SPEC_SCALARS: Record<SpecName, string | undefined> = {
  authenticated: undefined,
  requiresScopes: 'Scope',
  policy: 'Policy',
};

type SecurableDefinition =
  | ObjectTypeDefinitionNode
  | ObjectTypeExtensionNode
  | InterfaceTypeDefinitionNode
  | InterfaceTypeExtensionNode
  | ScalarTypeDefinitionNode
  | ScalarTypeExtensionNode
  | EnumTypeDefinitionNode
  | EnumTypeExtensionNode;

/** The kinds the directives may sit on (OBJECT | FIELD_DEFINITION | INTERFACE | SCALAR | ENUM). */
const SECURABLE_KINDS: ReadonlySet<Kind> = new Set([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
  Kind.SCALAR_TYPE_DEFINITION,
  Kind.SCALAR_TYPE_EXTENSION,
  Kind.ENUM_TYPE_DEFINITION,
  Kind.ENUM_TYPE_EXTENSION,
]);

function isSecurable(definition: DefinitionNode): definition is SecurableDefinition {
  return SECURABLE_KINDS.has(definition.kind);
}

const SPEC_URL = /^https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\/v(\d+\.\d+)$/;
const MENTIONS_SPEC = /specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\//;
const SUPPORTED_VERSION = '0.1';

interface LinkedSpec {
  spec: SpecName;
  /** The directive's name in this supergraph (the link may rename or import it). */
  directive: string;
  scalar: string | undefined;
  link: DirectiveNode;
}

/**
 * Reads `@authenticated`, `@requiresScopes` and `@policy` out of a supergraph, whatever names its
 * `@link` gives them, and returns the supergraph without them (a plain `ApolloGateway` refuses
 * `for: SECURITY` features it does not know) together with the rules they expressed.
 * A supergraph without them is returned as it came, byte for byte.
 */
export function prepareSupergraph(sdl: string): PreparedSupergraph {
  if (!MENTIONS_SPEC.test(sdl)) return { servableSdl: sdl, rules: { types: {}, fields: {} } };
  const document = parse(sdl, { noLocation: true });
  const specs = linkedSpecs(document);
  if (specs.length === 0) return { servableSdl: sdl, rules: { types: {}, fields: {} } };
  const bySpecDirective = new Map(specs.map((spec) => [spec.directive, spec]));
  const rules = extractRules(document.definitions, bySpecDirective);
  const links = new Set(specs.map((spec) => spec.link));
  const scalars = new Set(specs.flatMap((spec) => (spec.scalar ? [spec.scalar] : [])));
  const servable = visit(document, {
    Directive: (node) => (links.has(node) || bySpecDirective.has(node.name.value) ? null : undefined),
    DirectiveDefinition: (node) => (bySpecDirective.has(node.name.value) ? null : undefined),
    ScalarTypeDefinition: (node) => (scalars.has(node.name.value) ? null : undefined),
  });
  return { servableSdl: print(servable), rules };
}

function linkedSpecs(document: DocumentNode): LinkedSpec[] {
  const specs: LinkedSpec[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringArgument(link, 'url');
      const match = url === undefined ? null : SPEC_URL.exec(url);
      if (!match) continue;
      const spec = match[1] as SpecName;
      if (match[2] !== SUPPORTED_VERSION) {
        throw new UserFacingError(
          `The supergraph links ${url}; Gatehouse enforces only v${SUPPORTED_VERSION} of ${spec} and will not serve a graph whose security it cannot enforce.`,
        );
      }
      const namespace = stringArgument(link, 'as') ?? spec;
      const imports = importedNames(link);
      const scalar = SPEC_SCALARS[spec];
      specs.push({
        spec,
        directive: imports.get(`@${spec}`)?.slice(1) ?? namespace,
        scalar: scalar === undefined ? undefined : (imports.get(scalar) ?? `${namespace}__${scalar}`),
        link,
      });
    }
  }
  return specs;
}

function stringArgument(directive: DirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/** `import: ["@a", { name: "@b", as: "@c" }]` → { "@a" → "@a", "@b" → "@c" }. */
function importedNames(link: DirectiveNode): Map<string, string> {
  const names = new Map<string, string>();
  const value = link.arguments?.find((argument) => argument.name.value === 'import')?.value;
  if (value?.kind !== Kind.LIST) return names;
  for (const item of value.values) {
    if (item.kind === Kind.STRING) names.set(item.value, item.value);
    if (item.kind !== Kind.OBJECT) continue;
    const field = (name: string) => {
      const found = item.fields.find((entry) => entry.name.value === name)?.value;
      return found?.kind === Kind.STRING ? found.value : undefined;
    };
    const name = field('name');
    if (name !== undefined) names.set(name, field('as') ?? name);
  }
  return names;
}

function extractRules(
  definitions: readonly DefinitionNode[],
  specs: ReadonlyMap<string, LinkedSpec>,
): AuthorizationRules {
  const types: Record<string, Requirement> = {};
  const fields: Record<string, Record<string, Requirement>> = {};
  for (const definition of definitions) {
    if (!isSecurable(definition)) continue;
    const typeName = definition.name.value;
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) {
        const requirement = allOf([
          fields[typeName]?.[field.name.value],
          requirementOf(field.directives, specs, `${typeName}.${field.name.value}`),
        ]);
        if (requirement) (fields[typeName] ??= {})[field.name.value] = requirement;
      }
    }
    const requirement = allOf([types[typeName], requirementOf(definition.directives, specs, typeName)]);
    if (requirement) types[typeName] = requirement;
  }
  return { types, fields };
}

function requirementOf(
  directives: readonly ConstDirectiveNode[] | undefined,
  specs: ReadonlyMap<string, LinkedSpec>,
  coordinate: string,
): Requirement | undefined {
  let authenticated = false;
  const scopes: Alternatives[] = [];
  const policies: Alternatives[] = [];
  for (const directive of directives ?? []) {
    const spec = specs.get(directive.name.value)?.spec;
    if (spec === 'authenticated') authenticated = true;
    if (spec === 'requiresScopes') scopes.push(alternatives(directive, 'scopes', coordinate));
    if (spec === 'policy') policies.push(alternatives(directive, 'policies', coordinate));
  }
  return authenticated || scopes.length > 0 || policies.length > 0
    ? { authenticated, scopes, policies }
    : undefined;
}

/** Reads a `[[String!]!]!` argument with GraphQL's input coercion (a single value is a list of one). */
function alternatives(directive: ConstDirectiveNode, name: string, coordinate: string): Alternatives {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  const bad = () =>
    new UserFacingError(
      `@${directive.name.value} on ${coordinate} needs \`${name}\` as a list of lists of strings.`,
    );
  if (!value) throw bad();
  const asList = (node: ConstValueNode): readonly ConstValueNode[] =>
    node.kind === Kind.LIST ? node.values : [node];
  return asList(value).map((inner) =>
    asList(inner).map((item) => {
      if (item.kind !== Kind.STRING) throw bad();
      return item.value;
    }),
  );
}
