import type { Connector, Report } from './connector-model.js';
import { nodeLocation } from './locate.js';
import type { SchemaModel, TypeModel } from './schema-model.js';

/**
 * A key Apollo's tooling infers for a type without `@key`: from the `$this`/`$batch` fields of a
 * connector on the type, or the arguments of an `entity: true` field that returns it.
 */
export interface ImplicitKey {
  typeName: string;
  fields: string[];
  /** Where `@key(...)` goes in the SDL text. */
  offset: number;
  /** The name `@key` has in this schema. */
  directiveName: string;
}

/** The fields an entity connector looks its type up by. */
function lookupFields(connector: Connector): string[] {
  const variables = connector.placement === 'type' ? ['$this', '$batch'] : ['$args'];
  const fields = connector.references
    .filter((reference) => !reference.inSelection && variables.includes(reference.variable))
    .flatMap((reference) => reference.path.slice(0, 1));
  return [...new Set(fields)];
}

function isEntityConnectorFor(connector: Connector, type: TypeModel): boolean {
  return (
    (connector.placement === 'type' && connector.type === type) ||
    (connector.args.entity && connector.targetName === type.name)
  );
}

/** Gives each type that has entity connectors and no `@key` the key they look it up by. */
export function inferImplicitKeys(model: SchemaModel, connectors: readonly Connector[]): ImplicitKey[] {
  const keys: ImplicitKey[] = [];
  for (const type of model.objectTypes.values()) {
    if (type.keys.length > 0 || type.nameEnd === undefined || model.rootTypes.has(type.name)) continue;
    const connector = connectors.find((candidate) => isEntityConnectorFor(candidate, type));
    const fields = connector ? lookupFields(connector) : [];
    if (!connector || fields.length === 0 || !fields.every((field) => type.fields.has(field))) continue;
    type.keys.push({ fields, directive: connector.directive });
    keys.push({ typeName: type.name, fields, offset: type.nameEnd, directiveName: model.keyName });
  }
  return keys;
}

/** Every resolvable key of a connector subgraph's type must be one a connector can resolve it by. */
export function checkEntityCoverage(
  model: SchemaModel,
  connectors: readonly Connector[],
  report: Report,
): void {
  for (const type of model.objectTypes.values()) {
    if (type.keys.length === 0 || model.rootTypes.has(type.name)) continue;
    const byKey = connectors.flatMap((connector) =>
      isEntityConnectorFor(connector, type) ? [lookupFields(connector)] : [],
    );
    const servedByFields = [...type.fields].every(
      ([name, field]) =>
        type.keys.some((key) => key.fields.includes(name)) ||
        (field.directives ?? []).some(
          (d) => d.name.value === model.externalName || d.name.value === model.connectName,
        ),
    );
    for (const key of type.keys) {
      if (servedByFields || byKey.some((fields) => fields.every((field) => key.fields.includes(field))))
        continue;
      const fields = key.fields.join(' ');
      report(
        `${type.name} has @key(fields: "${fields}"), but no connector resolves ${type.name} by it: add @connect on ${type.name} using $this.${key.fields[0]} (or $batch.${key.fields[0]}), or a Query field with entity: true whose arguments are the key.`,
        nodeLocation(key.directive),
      );
    }
  }
}
