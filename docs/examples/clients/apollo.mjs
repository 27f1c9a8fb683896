// Apollo Client 4 against Model Architect: queries with persisted queries (GET for hashed ones), a connection
// paged with fetchMore into one cached list (relayStylePagination), a dataset upload through
// apollo-upload-client, a subscription over graphql-ws, and an error.
// Run: npm install && API=http://localhost:3001/graphql TOKEN=<token of a FREE user> node apollo.mjs
import { ApolloClient, ApolloLink, InMemoryCache, gql } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation, relayStylePagination } from '@apollo/client/utilities';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws'; // Node only: browsers have WebSocket built in

const API = process.env.API ?? 'http://localhost:3001/graphql';
const getToken = () => process.env.TOKEN; // e.g. from localStorage in a browser

// --- the client (what docs/guide/clients.md shows) ---
const auth = new SetContextLink((prevContext) => ({
  headers: { ...prevContext.headers, authorization: `Bearer ${getToken()}` },
}));
const sha256 = async (text) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))]
  .map((b) => b.toString(16).padStart(2, '0')).join('');
const http = new PersistedQueryLink({ sha256, useGETForHashedQueries: true })
  .concat(new UploadHttpLink({ uri: API })); // apollo-upload-client: multipart uploads, plain JSON otherwise
const ws = new GraphQLWsLink(createClient({
  url: API.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: () => ({ authorization: `Bearer ${getToken()}` }),
}));

// Every connection field of the schema: pages fetched with fetchMore join one list per where/orderBy.
const paged = () => relayStylePagination(['where', 'orderBy']);
const ownerConnections = {
  scenarios: paged(), explanations: paged(), pipelines: paged(), benchmarks: paged(),
  complianceProfiles: paged(), experiments: paged(), deployments: paged(),
};
const cache = new InMemoryCache({
  typePolicies: {
    Query: { fields: { ...ownerConnections, users: paged() } },
    User: { fields: ownerConnections },
    Scenario: { fields: { explanations: paged() } },
    Benchmark: { fields: { itemResults: paged() } },
  },
});

const client = new ApolloClient({
  link: ApolloLink.split(({ query }) => isSubscriptionOperation(query), ws, auth.concat(http)),
  cache,
});
// --- end ---

const me = await client.query({ query: gql`query Me { me { id email role } }` });
console.log('me', JSON.stringify(me.data));
const SCENARIOS = gql`query Scenarios($after: Cursor) {
  scenarios(first: 2, after: $after, orderBy: [{field: NAME, direction: ASC}]) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id name } }
  }
}`;
const list = client.watchQuery({ query: SCENARIOS });
let current = await list.refetch();
console.log('page1', JSON.stringify(current.data.scenarios));
while (current.data.scenarios.pageInfo.hasNextPage) {
  await list.fetchMore({ variables: { after: current.data.scenarios.pageInfo.endCursor } });
  current = list.getCurrentResult();
  console.log('merged', JSON.stringify(current.data.scenarios));
}
const file = new File(['{"input": "What is the capital of France?", "expected": "Paris", "assertion": "CONTAINS"}\n'], 'dataset.jsonl', { type: 'application/x-ndjson' });
const created = await client.mutate({
  mutation: gql`mutation Upload($file: Upload!) { createBenchmark(input: {name: "From Apollo", models: ["openai/gpt-5.4-mini"], datasetFile: $file}) { id status dataset { input } } }`,
  variables: { file },
});
console.log('upload', JSON.stringify(created.data));
const id = created.data.createBenchmark.id;
await new Promise((resolve, reject) => {
  const sub = client.subscribe({ query: gql`subscription Progress($id: ID!) { benchmarkUpdated(id: $id) { id status progress } }`, variables: { id } })
    .subscribe({ next: (r) => console.log('sub', JSON.stringify(r.data)), error: reject, complete: resolve });
  setTimeout(() => client.mutate({ mutation: gql`mutation Start($id: ID!) { startBenchmark(id: $id) { id status } }`, variables: { id } }), 500);
});
try {
  await client.mutate({ mutation: gql`mutation { createDeployment(input: {modelName: "x", provider: SELF_HOSTED, region: "r", config: {}}) { id } }` });
} catch (e) {
  console.log('error', e.constructor.name, e.statusCode, JSON.stringify(e.errors ?? e.result?.errors));
}
process.exit(0);
