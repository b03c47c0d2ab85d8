import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildPostmanCollection, COLLECTION_FILE, serializeCollection } from './collection.ts';

// `npm run postman`: regenerates the committed collection from shared/http/openapi.yaml.
writeFileSync(COLLECTION_FILE, serializeCollection(await buildPostmanCollection()));
console.log(`wrote ${fileURLToPath(COLLECTION_FILE)}`);
