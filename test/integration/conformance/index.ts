import { abstractTypes } from './abstract-types/index.js';
import { cyclesTypenameConditions } from './cycles-typename-conditions/index.js';
import { entities } from './entities/index.js';
import { entityErrorPaths } from './entity-error-paths/index.js';
import { errors } from './errors/index.js';
import { interfaceObjects } from './interface-objects/index.js';
import { manyKeys } from './many-keys/index.js';
import { enumsInputsNullKeys, fed1Inaccessible } from './merging-fed1-inaccessible/index.js';
import { mutations } from './mutations/index.js';
import { operations } from './operations/index.js';
import { ownership } from './ownership/index.js';
import { providesOnAbstractTypes, unionsAndOverrideWithRequires } from './provides-shareable-unions/index.js';
import { requires } from './requires/index.js';
import { requiresArguments } from './requires-arguments/index.js';
import { subgraphDown } from './subgraph-down/index.js';
import type { ConformanceScenario } from './types.js';

export const scenarios: ConformanceScenario[] = [
  entities,
  manyKeys,
  requires,
  requiresArguments,
  ownership,
  abstractTypes,
  interfaceObjects,
  providesOnAbstractTypes,
  unionsAndOverrideWithRequires,
  mutations,
  operations,
  errors,
  entityErrorPaths,
  subgraphDown,
  cyclesTypenameConditions,
  enumsInputsNullKeys,
  fed1Inaccessible,
];
