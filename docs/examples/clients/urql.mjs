// urql (@urql/core) against Model Architect: persisted queries, pagination, an upload (fetchExchange sends File
// variables as multipart), a subscription over graphql-ws, and an error.
// Run: npm install && API=http://localhost:3001/graphql TOKEN=<token of a FREE user> node urql.mjs
import { Client, cacheExchange, fetchExchange, subscriptionExchange, gql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { createClient as createWSClient } from 'graphql-ws';
import WebSocket from 'ws'; // Node only

const API = process.env.API ?? 'http://localhost:3001/graphql';
const getToken = () => process.env.TOKEN;

// --- the client (what the README shows) ---
const wsClient = createWSClient({
  url: API.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: () => ({ authorization: `Bearer ${getToken()}` }),
});
const client = new Client({
  url: API,
  fetchOptions: () => ({ headers: { authorization: `Bearer ${getToken()}` } }),
  exchanges: [
    cacheExchange,
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

const Q = gql`query Scenarios($first: Int, $after: Cursor) { scenarios(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;
const p1 = await client.query(Q, { first: 1 }).toPromise();
console.log('page1', JSON.stringify(p1.data?.scenarios), p1.error?.message ?? '');
const p2 = await client.query(Q, { first: 1, after: p1.data.scenarios.pageInfo.endCursor }).toPromise();
console.log('page2', JSON.stringify(p2.data?.scenarios));
const file = new File(['{"input": "What is 17 * 23?", "expected": "391", "assertion": "NUMERIC"}\n'], 'dataset.jsonl');
const up = await client.mutation(gql`mutation Upload($file: Upload!) { createBenchmark(input: {name: "From urql", models: ["openai/gpt-5.4-mini"], datasetFile: $file}) { id status } }`, { file }).toPromise();
console.log('upload', JSON.stringify(up.data), up.error?.message ?? '');
const id = up.data.createBenchmark.id;
const { unsubscribe } = client.subscription(gql`subscription Progress($id: ID!) { benchmarkUpdated(id: $id) { status progress } }`, { id })
  .subscribe((r) => { console.log('sub', JSON.stringify(r.data), r.error?.message ?? ''); if (r.data?.benchmarkUpdated.status === 'COMPLETED') { setTimeout(() => process.exit(0), 100); } });
setTimeout(() => client.mutation(gql`mutation Start($id: ID!) { startBenchmark(id: $id) { status } }`, { id }).toPromise(), 500);
const bad = await client.mutation(gql`mutation { createDeployment(input: {modelName: "x", provider: SELF_HOSTED, region: "r", config: {}}) { id } }`, {}).toPromise();
console.log('error', bad.error?.graphQLErrors?.map((e) => e.extensions.code), bad.error?.response?.status);
