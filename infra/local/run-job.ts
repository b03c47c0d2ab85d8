/**
 * `npm run job -- <name>`: runs functions/jobs/<name>.ts on the running local stack (as
 * `aws lambda invoke` would on AWS), e.g. `npm run leaderboards:rebuild`. PORT picks the stack.
 */
const job = process.argv[2];
if (!job) {
  console.error('usage: npm run job -- <job name, e.g. rebuild-leaderboards>');
  process.exit(2);
}
const url = `http://127.0.0.1:${process.env['PORT'] ?? 3000}/_local/jobs/${encodeURIComponent(job)}`;
try {
  const response = await fetch(url, { method: 'POST' });
  console.log(JSON.stringify(await response.json(), null, 2));
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`no local stack answers at ${url} (start it with npm start): ${String(error)}`);
  process.exit(1);
}
