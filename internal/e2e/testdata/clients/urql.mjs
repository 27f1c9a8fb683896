// urql's core client with its default exchanges (document cache, fetch) and graphql-ws for subscriptions.
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient } from 'graphql-ws';

import { corsFetch, originWebSocket } from './cors-fetch.mjs';
import * as op from './operations.mjs';

export async function runUrql({ url, wsUrl, origin }) {
  const exchanges = [];
  let token = null;
  const ws = createClient({
    url: wsUrl, webSocketImpl: originWebSocket(origin), retryAttempts: 0, lazy: true,
    connectionParams: () => ({ authorization: `Bearer ${token}` }),
  });
  const client = new Client({
    url,
    fetch: corsFetch(origin, exchanges, 'urql'),
    fetchOptions: () => (token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }) };
        },
      }),
    ],
  });
  const run = async (pending) => {
    const result = await pending.toPromise();
    if (result.error) throw result.error;
    return result.data;
  };

  const up = await run(client.mutation(op.SIGN_UP, { email: 'urql@example.com', password: 'urql-password-1' }));
  token = up.signUp.token;
  for (let i = 0; i < 5; i++) await run(client.mutation(op.CREATE_SCENARIO, { input: op.scenarioInput(`urql-${i}`) }));
  const pages = await op.pageAll((variables) => run(client.query(op.SCENARIOS, variables)), 2);

  const { createBenchmark } = await run(client.mutation(op.CREATE_BENCHMARK, { input: op.benchmarkInput('urql live') }));
  const statuses = await op.watchBenchmark(
    // urql marks each event hasNext: true and, when the server completes the stream, repeats the last
    // result with hasNext: false.
    (sink) => client.subscription(op.BENCHMARK_UPDATED, { id: createBenchmark.id }).subscribe((result) => {
      if (result.error) sink.error(result.error);
      else if (result.hasNext === false) sink.complete();
      else sink.next(result);
    }),
    () => run(client.mutation(op.CANCEL_BENCHMARK, { id: createBenchmark.id })),
  );
  await ws.dispose();
  return { email: up.signUp.user.email, pages, statuses, exchanges };
}
