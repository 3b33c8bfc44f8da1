import type * as GraphQL from 'graphql';
import { createRequire } from 'node:module';

/*
 * graphql-js as Apollo Gateway and Apollo Server load it: the CommonJS build. GraphQLError and the
 * schema's types are checked with `instanceof`, so errors built here and functions given Apollo's
 * schema must come from the same copy. Node resolves `import 'graphql'` to that copy too, but a test
 * runner that prefers the package's ESM build (`module` field) would load a second one.
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

export const { GraphQLError, getVariableValues } = graphql;
