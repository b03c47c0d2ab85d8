import { createRequire } from 'node:module';
import Converter from 'openapi-to-postmanv2';
import type { OpenApiDocument } from '../openapi-document.ts';
import type { PostmanCollection } from './collection-format.ts';
import { seededRandom } from '../seeded-random.ts';

/**
 * The converter's options (its v2 interface, the one Postman's importer uses): folders by the document's tags, requests and examples from the
 * document's `example`s where it has them, every request inheriting the collection's bearer auth,
 * optional parameters (cursors, the Idempotency-Key) present but unticked.
 */
const OPTIONS = {
  folderStrategy: 'Tags',
  requestNameSource: 'Fallback',
  parametersResolution: 'Example',
  alwaysInheritAuthentication: true,
  includeAuthInfoInExample: false,
  enableOptionalParameters: false,
} as const;

/**
 * Where the document has no example, the converter fakes one with its bundled json-schema-faker,
 * which draws from Math.random: a seeded generator in its place makes the same document give
 * the same collection, byte for byte (the committed file is compared with a fresh one).
 */
const FAKER_SEED = 0x5eed_600d;


interface SchemaFaker {
  option(options: { random: () => number }): void;
}

/** The faker instance the converter itself requires (same module cache, so the same object). */
function convertersFaker(): SchemaFaker {
  const faker = createRequire(import.meta.url)('openapi-to-postmanv2/assets/json-schema-faker.js') as Partial<SchemaFaker>;
  if (typeof faker.option !== 'function') throw new Error('openapi-to-postmanv2 no longer bundles json-schema-faker where expected: revisit FAKER_SEED');
  return faker as SchemaFaker;
}

/** The OpenAPI document as openapi-to-postmanv2 converts it (a Postman v2.1 collection), ids and all. */
export function convertOpenApiToPostman(doc: OpenApiDocument): Promise<PostmanCollection> {
  convertersFaker().option({ random: seededRandom(FAKER_SEED) });
  return new Promise((resolve, reject) => {
    Converter.convertV2({ type: 'json', data: structuredClone(doc) }, OPTIONS, (error, result) => {
      if (error) return reject(error);
      const output = result?.result ? result.output?.[0] : undefined;
      if (output?.type !== 'collection') return reject(new Error(`openapi-to-postmanv2 did not convert the document: ${result?.reason ?? 'no collection'}`));
      resolve(output.data as PostmanCollection);
    });
  });
}
