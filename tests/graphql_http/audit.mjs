// graphql-http's audit (the GraphQL-over-HTTP specification's own suite) against a running
// service's /graphql: `node audit.mjs URL`. Prints every audit with its result and exits 1
// when a MUST fails (`error`); SHOULDs and MAYs that are not met are `warn`, reasoned in the
// generated README's GraphQL section. Run by tests/e2e.rs with graphql-http installed by
// scripts/test under target/graphql-http.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const audits = serverAudits({ url, fetchFn: fetch });
const results = [];
for (const audit of audits) {
  results.push(await audit.fn());
}
const counts = {};
for (const result of results) {
  counts[result.status] = (counts[result.status] ?? 0) + 1;
  const why = result.status === 'ok' ? '' : `: ${result.reason}`;
  console.log(`${result.status.padEnd(5)} ${result.id} ${result.name}${why}`);
}
console.log(`audits: ${results.length}, ${Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(", ")}`);
process.exit(counts.error ? 1 : 0);
