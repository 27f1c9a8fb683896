// urql (@urql/core) against Model Architect: Graphcache with relay pagination on every connection, persisted
// queries, pages merged into one list, an upload (fetchExchange sends File variables as multipart), a
// subscription over graphql-ws, and an error.
// Run: npm install && API=http://localhost:3001/graphql TOKEN=<token of a FREE user> node urql.mjs
import { readFileSync } from 'node:fs';
import { Client, fetchExchange, subscriptionExchange, gql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { persistedExchange } from '@urql/exchange-persisted';
import { getIntrospectedSchema, minifyIntrospectionQuery } from '@urql/introspection';
import { createClient as createWSClient } from 'graphql-ws';
import WebSocket from 'ws'; // Node only

const API = process.env.API ?? 'http://localhost:3001/graphql';
const getToken = () => process.env.TOKEN;
// In an app, import schema from './gql/introspection', which graphql-codegen's urql-introspection plugin
// writes from schema.graphql in the same form (docs/guide/clients.md).
const schema = minifyIntrospectionQuery(getIntrospectedSchema(
  readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8')));

// --- the client (what docs/guide/clients.md shows) ---
const wsClient = createWSClient({
  url: API.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: () => ({ authorization: `Bearer ${getToken()}` }),
});

// Object types without an id are embedded in their parent, not normalised.
const keys = Object.fromEntries(schema.__schema.types
  .filter((t) => t.kind === 'OBJECT' && !t.name.startsWith('__') && !t.fields.some((f) => f.name === 'id'))
  .map((t) => [t.name, () => null]));
// Every connection field of the schema: pages join one list per where/orderBy.
const ownerConnections = {
  scenarios: relayPagination(), explanations: relayPagination(), pipelines: relayPagination(),
  benchmarks: relayPagination(), complianceProfiles: relayPagination(), experiments: relayPagination(),
  deployments: relayPagination(),
};
const cache = cacheExchange({
  schema,
  keys,
  resolvers: {
    Query: { ...ownerConnections, users: relayPagination() },
    User: ownerConnections,
    Scenario: { explanations: relayPagination() },
    Benchmark: { itemResults: relayPagination() },
  },
});

const client = new Client({
  url: API,
  fetchOptions: () => ({ headers: { authorization: `Bearer ${getToken()}` } }),
  exchanges: [
    cache,
    persistedExchange({ preferGetForPersistedQueries: true }),
    fetchExchange, // handles File/Blob variables as GraphQL multipart requests
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({ unsubscribe: wsClient.subscribe({ ...request, query: request.query || '' }, sink) }),
      }),
    }),
  ],
});
// --- end ---

const Q = gql`query Scenarios($after: Cursor) {
  scenarios(first: 2, after: $after, orderBy: [{field: NAME, direction: ASC}]) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id name } }
  }
}`;
let page = await client.query(Q, {}).toPromise();
console.log('page1', JSON.stringify(page.data?.scenarios), page.error?.message ?? '');
while (page.data.scenarios.pageInfo.hasNextPage) {
  page = await client.query(Q, { after: page.data.scenarios.pageInfo.endCursor }).toPromise();
  console.log('merged', JSON.stringify(page.data?.scenarios));
}
const file = new File(['{"input": "What is 17 * 23?", "expected": "391", "assertion": "NUMERIC"}\n'], 'dataset.jsonl');
const up = await client.mutation(gql`mutation Upload($file: Upload!) { createBenchmark(input: {name: "From urql", models: ["openai/gpt-5.4-mini"], datasetFile: $file}) { id status } }`, { file }).toPromise();
console.log('upload', JSON.stringify(up.data), up.error?.message ?? '');
const bad = await client.mutation(gql`mutation { createDeployment(input: {modelName: "x", provider: SELF_HOSTED, region: "r", config: {}}) { id } }`, {}).toPromise();
console.log('error', bad.error?.graphQLErrors?.map((e) => e.extensions.code), bad.error?.response?.status);
const id = up.data.createBenchmark.id;
client.subscription(gql`subscription Progress($id: ID!) { benchmarkUpdated(id: $id) { id status progress } }`, { id })
  .subscribe((r) => { console.log('sub', JSON.stringify(r.data), r.error?.message ?? ''); if (r.data?.benchmarkUpdated.status === 'COMPLETED') { setTimeout(() => process.exit(0), 100); } });
setTimeout(() => client.mutation(gql`mutation Start($id: ID!) { startBenchmark(id: $id) { id status } }`, { id }).toPromise(), 500);
