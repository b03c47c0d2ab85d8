import newman from 'newman';
import { readFileSync } from 'node:fs';
const collection = JSON.parse(readFileSync('postman/good-swipe.postman_collection.json', 'utf8'));
newman.run({ collection, envVar: [{ key: 'baseUrl', value: process.argv[2]! }], reporters: ['cli'] }, (err, summary) => {
  if (err) console.error(err);
  console.log('failures', summary.run.failures.length);
});
