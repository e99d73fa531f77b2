/** The earlier names of the manifest JSON helpers; the shapes are those of json-output.ts (schema version 1). */
export { serializationJson as serializationToJson, manifestJson as manifestToJson } from './json-output.js';
