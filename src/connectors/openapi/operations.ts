import { isObject, type JsonObject, type OpenApiDocument, type Refs } from './load.js';
import type { ArgModel, ConnectorModel, SkippedOperation, TypeModel, TypeRef } from './model.js';
import { baseName, named, nonNull } from './model.js';
import { camelCase, fieldName, NameRegistry, pascalCase } from './names.js';
import type { TypeBuilder } from './types.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * One connector per GET operation with a JSON 2xx response; every other operation is listed
 * as skipped with the reason, so that the output says what it left out.
 */
export function collectOperations(
  document: OpenApiDocument,
  refs: Refs,
  types: TypeBuilder,
): { connectors: ConnectorModel[]; skipped: SkippedOperation[] } {
  const connectors: ConnectorModel[] = [];
  const skipped: SkippedOperation[] = [];
  const fieldNames = new NameRegistry();
  for (const [path, rawItem] of Object.entries(document.paths)) {
    const item = refs.deref(rawItem, `paths.${path}`);
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const where = `paths.${path}.${method}`;
      const operationId = typeof operation.operationId === 'string' ? operation.operationId : undefined;
      const skip = (reason: string) =>
        skipped.push({ method: method.toUpperCase(), path, ...(operationId ? { operationId } : {}), reason });
      if (method !== 'get') {
        skip('only GET operations become connectors');
        continue;
      }
      const response = jsonResponse(operation, refs, where);
      if (response === undefined) {
        skip('no 2xx application/json response');
        continue;
      }
      const name = fieldNames.claim(operationId ? camelCase(operationId) || 'query' : nameFromPath(path));
      const returned = types.convert(
        response.schema,
        `${pascalCase(name)}Response`,
        `${where}.responses.${response.status}`,
      );
      const comments = returned.note === undefined ? [] : [returned.note];
      const { args, url } = argsAndUrl(
        path,
        [item.parameters, operation.parameters],
        refs,
        types,
        name,
        where,
        comments,
      );
      connectors.push({
        name,
        ...summary(operation),
        deprecated: operation.deprecated === true,
        args,
        type: returned.type,
        url,
        comments: [...comments, ...entityHint(path, args, returned.type, types.types)],
      });
    }
  }
  return { connectors, skipped };
}

/** The schema of the 200 response, else of the first 2xx, when it is JSON. */
function jsonResponse(
  operation: JsonObject,
  refs: Refs,
  where: string,
): { status: string; schema: unknown } | undefined {
  const responses = isObject(operation.responses) ? operation.responses : {};
  const statuses = Object.keys(responses)
    .filter((status) => /^2(\d\d|XX)$/i.test(status))
    .sort((a, b) => (a === '200' ? -1 : b === '200' ? 1 : a.localeCompare(b)));
  for (const status of statuses) {
    const response = refs.deref(responses[status], `${where}.responses.${status}`);
    const content = isObject(response) && isObject(response.content) ? response.content : {};
    const mediaType = Object.keys(content).find(
      (type) => /^application\/([\w.-]+\+)?json\b/.test(type) || type === '*/*',
    );
    const media = mediaType === undefined ? undefined : content[mediaType];
    if (isObject(media)) return { status, schema: media.schema };
  }
  return undefined;
}

/** Path and query parameters become arguments and `{$args.x}` expressions in the URL template. */
function argsAndUrl(
  path: string,
  parameterLists: unknown[],
  refs: Refs,
  types: TypeBuilder,
  operationName: string,
  where: string,
  comments: string[],
): { args: ArgModel[]; url: string } {
  // Operation parameters override path-item ones with the same name and location.
  const byKey = new Map<string, JsonObject>();
  for (const list of parameterLists) {
    for (const raw of Array.isArray(list) ? list : []) {
      const parameter = refs.deref(raw, `${where}.parameters`);
      if (isObject(parameter) && typeof parameter.name === 'string' && typeof parameter.in === 'string') {
        byKey.set(`${parameter.in}:${parameter.name}`, parameter);
      }
    }
  }
  const args: ArgModel[] = [];
  const argNames = new NameRegistry();
  const pathArgs = new Map<string, string>();
  const query: string[] = [];
  for (const parameter of byKey.values()) {
    const source = parameter.name as string;
    if (parameter.in !== 'path' && parameter.in !== 'query') {
      comments.push(
        `${String(parameter.in)} parameter "${source}" is not mapped: add it to http.headers if the API needs it`,
      );
      continue;
    }
    const name = argNames.claim(fieldName(source));
    const converted = types.convert(
      parameter.schema,
      `${pascalCase(operationName)}${pascalCase(source)}`,
      `${where}.parameters.${source}`,
    );
    const required = parameter.in === 'path' || parameter.required === true;
    const description = typeof parameter.description === 'string' ? parameter.description.trim() : '';
    args.push({
      name,
      type: required ? nonNull(converted.type) : converted.type,
      ...(description ? { description } : {}),
    });
    if (converted.note !== undefined) comments.push(`argument ${name}: ${converted.note}`);
    if (parameter.in === 'path') pathArgs.set(source, name);
    else if (
      converted.type.kind === 'list' ||
      (converted.type.kind === 'named' && converted.type.name === 'JSON')
    ) {
      // URL expressions must give a scalar; how a list or object goes into a query string is the API's choice.
      comments.push(
        `argument ${name} is not in the URL: query parameter "${source}" is a list or object, add it in the form the API expects`,
      );
    } else query.push(`${encodeURIComponent(source)}={$args.${name}}`);
  }
  const urlPath = path.replace(/\{([^}]+)\}/g, (_whole, source: string) => {
    let name = pathArgs.get(source);
    if (name === undefined) {
      // A template variable without a declared parameter still needs a value: a String! argument.
      name = argNames.claim(fieldName(source));
      pathArgs.set(source, name);
      args.push({ name, type: nonNull(named('String')) });
      comments.push(
        `path parameter "${source}" is not declared in the document: argument ${name} is a String`,
      );
    }
    return `{$args.${name}}`;
  });
  return { args, url: query.length === 0 ? urlPath : `${urlPath}?${query.join('&')}` };
}

/** `GET /pets/{petId}/toys` without an operationId → `petsToysByPetId`-like names. */
function nameFromPath(path: string): string {
  const segments = path.split('/').filter(Boolean);
  const fixed = segments.filter((segment) => !segment.startsWith('{'));
  const params = segments.filter((segment) => segment.startsWith('{')).map((segment) => segment.slice(1, -1));
  const base = camelCase(fixed.join(' ')) || 'root';
  return params.length === 0 ? base : `${base}By${params.map(pascalCase).join('And')}`;
}

/** GET /things/{id} returning a Thing with that id is how an entity connector looks. */
function entityHint(
  path: string,
  args: ArgModel[],
  returned: TypeRef,
  types: Map<string, TypeModel>,
): string[] {
  const match = /\/\{([^}]+)\}$/.exec(path);
  const type = types.get(baseName(returned));
  if (match === null || returned.kind !== 'named' || type?.kind !== 'object' || args.length !== 1) return [];
  const parameter = match[1] ?? '';
  const keyField =
    type.fields.find((field) => field.sourceName === parameter) ??
    (/id$/i.test(parameter) ? type.fields.find((field) => field.name === 'id') : undefined);
  const pathArg = args[0];
  if (keyField === undefined || pathArg === undefined) return [];
  const rename =
    pathArg.name === keyField.name ? '' : ` (rename the argument ${pathArg.name} to ${keyField.name})`;
  return [`candidate entity: add @key(fields: "${keyField.name}") and entity: true${rename}`];
}

function summary(operation: JsonObject): { description?: string } {
  const text = [operation.summary, operation.description].find(
    (value) => typeof value === 'string' && value.trim(),
  );
  return typeof text === 'string' ? { description: text.trim() } : {};
}
