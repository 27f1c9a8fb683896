// Runs Apollo Client and urql against the API at API_URL from a page of ORIGIN and prints one JSON line of
// what they saw; the Go test (internal/e2e/clients_test.go) checks it. OTHER_ORIGIN is an origin the server
// does not allow.
import { runApollo } from './apollo.mjs';
import { runUrql } from './urql.mjs';

const env = {
  url: `${process.env.API_URL}/graphql`,
  wsUrl: `${process.env.API_URL.replace(/^http/, 'ws')}/graphql`,
  origin: process.env.ORIGIN,
  otherOrigin: process.env.OTHER_ORIGIN,
};

try {
  const apollo = await runApollo(env);
  const urql = await runUrql(env);
  process.stdout.write(`${JSON.stringify({ apollo, urql })}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`${err?.stack || err}\n${err?.cause ? `cause: ${err.cause}\n` : ''}`);
  process.exit(1);
}
