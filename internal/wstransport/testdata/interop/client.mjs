// Drives the real npm clients against the server at argv[2] and prints one JSON line of what they saw.
// Usage: node client.mjs ws://127.0.0.1:1234/ transport|legacy
import { createClient } from 'graphql-ws';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import WebSocket from 'ws';

const [url, mode] = process.argv.slice(2);
const timeout = (ms, what) =>
  new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// graphql-ws (graphql-transport-ws): idle through the server's pings, stream count(to: 3), a query, an
// invalid subscription, then a refused init.
async function transport() {
  let pings = 0;
  let closes = 0;
  const client = createClient({
    url, webSocketImpl: WebSocket, connectionParams: { authToken: 'alice' }, retryAttempts: 0,
    on: { ping: (received) => received && pings++, closed: () => closes++ },
  });
  // The server pings every 100 ms and drops a peer that does not answer: the client must pong.
  const idle = client.subscribe({ query: 'subscription { ticks }' }, { next: () => {}, error: () => {}, complete: () => {} });
  await sleep(700);
  const alive = closes === 0 && pings >= 4;
  const count = [];
  for await (const result of client.iterate({ query: 'subscription($n: Int!) { count(to: $n) }', variables: { n: 3 } })) {
    count.push(result.data.count);
  }
  const whoami = await new Promise((resolve, reject) => {
    let value;
    client.subscribe({ query: '{ whoami }' }, { next: (r) => (value = r.data.whoami), error: reject, complete: () => resolve(value) });
  });
  const errors = await new Promise((resolve) => {
    client.subscribe({ query: 'subscription { nosuchfield }' }, { next: () => {}, error: (e) => resolve(e.map((x) => x.message)), complete: () => resolve(null) });
  });
  await client.dispose();

  const refused = await new Promise((resolve) => {
    const bad = createClient({
      url, webSocketImpl: WebSocket, connectionParams: { authToken: 'bad' }, retryAttempts: 0,
      on: { closed: (e) => resolve({ code: e.code, reason: e.reason }) },
    });
    bad.subscribe({ query: '{ hello }' }, { next: () => {}, error: () => {}, complete: () => {} });
  });
  idle();
  return { alive, count, whoami, errors, refused };
}

// subscriptions-transport-ws (graphql-ws): idle through the server's keep-alive, stream count(to: 3), a
// query, then a refused init.
async function legacy() {
  let kas = 0;
  const client = new SubscriptionClient(url, { connectionParams: { authToken: 'alice' }, reconnect: false }, WebSocket);
  client.client.addEventListener('message', (e) => JSON.parse(e.data).type === 'ka' && kas++);
  // The server sends ka and a ping frame every 100 ms and drops a peer that does not answer the frame.
  await sleep(700);
  const alive = client.status === WebSocket.OPEN && kas >= 4;
  const run = (query, variables) =>
    new Promise((resolve, reject) => {
      const values = [];
      client.request({ query, variables }).subscribe({
        next: (r) => (r.errors ? reject(new Error(JSON.stringify(r.errors))) : values.push(r.data)),
        error: (e) => reject(e),
        complete: () => resolve(values),
      });
    });
  const count = (await run('subscription($n: Int!) { count(to: $n) }', { n: 3 })).map((d) => d.count);
  const whoami = (await run('{ whoami }'))[0].whoami;
  client.close();

  const refused = await new Promise((resolve) => {
    const bad = new SubscriptionClient(
      url,
      { connectionParams: { authToken: 'bad' }, reconnect: false, connectionCallback: (err) => err && resolve({ message: err.message }) },
      WebSocket,
    );
    bad.request({ query: '{ hello }' }).subscribe({ next: () => {}, error: () => {} });
  });
  return { alive, count, whoami, refused };
}

const result = await Promise.race([mode === 'legacy' ? legacy() : transport(), timeout(15000, mode)]);
console.log(JSON.stringify(result));
process.exit(0);
