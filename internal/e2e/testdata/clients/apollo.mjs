// Apollo Client 4 as a React app would set it up, minus React: HttpLink with the token from a context
// link, the persisted-query link with SHA-256, and graphql-ws for subscriptions.
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';

import { corsFetch, originWebSocket } from './cors-fetch.mjs';
import * as op from './operations.mjs';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

function client({ url, wsUrl, origin, exchanges, token }) {
  const http = new HttpLink({ uri: url, fetch: corsFetch(origin, exchanges, 'apollo') });
  const auth = new SetContextLink((prev) => ({ headers: { ...prev.headers, ...(token() ? { authorization: `Bearer ${token()}` } : {}) } }));
  const persisted = new PersistedQueryLink({ sha256, useGETForHashedQueries: true });
  const ws = createClient({
    url: wsUrl, webSocketImpl: originWebSocket(origin), retryAttempts: 0, lazy: true,
    connectionParams: () => ({ authorization: `Bearer ${token()}` }),
  });
  const link = ApolloLink.split(
    ({ operationType }) => operationType === 'subscription',
    new GraphQLWsLink(ws),
    ApolloLink.from([auth, persisted, http]),
  );
  return { apollo: new ApolloClient({ link, cache: new InMemoryCache() }), ws };
}

export async function runApollo(env) {
  const exchanges = [];
  let token = null;
  const { apollo, ws } = client({ ...env, exchanges, token: () => token });
  const mutate = async (mutation, variables) => (await apollo.mutate({ mutation: gql(mutation), variables })).data;

  const up = await mutate(op.SIGN_UP, { email: 'apollo@example.com', password: 'apollo-password-1' });
  token = up.signUp.token;
  for (let i = 0; i < 5; i++) await mutate(op.CREATE_SCENARIO, { input: op.scenarioInput(`apollo-${i}`) });
  const scenarios = gql(op.SCENARIOS);
  const pages = await op.pageAll(async (variables) => (await apollo.query({ query: scenarios, variables })).data, 2);

  const { createBenchmark } = await mutate(op.CREATE_BENCHMARK, { input: op.benchmarkInput('apollo live') });
  const statuses = await op.watchBenchmark(
    (sink) => apollo.subscribe({ query: gql(op.BENCHMARK_UPDATED), variables: { id: createBenchmark.id } }).subscribe(sink),
    () => mutate(op.CANCEL_BENCHMARK, { id: createBenchmark.id }),
  );
  await ws.dispose();

  // The same client on a page of an origin the server does not allow: the browser would refuse the answer.
  const foreign = client({ ...env, origin: env.otherOrigin, exchanges, token: () => token });
  let refused = null;
  try {
    await foreign.apollo.query({ query: scenarios, variables: { first: 1 } });
  } catch (err) {
    refused = String(err.message);
  }
  return { email: up.signUp.user.email, pages, statuses, refused, exchanges };
}
