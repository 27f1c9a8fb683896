// Prints every result of one subscription over graphql-transport-ws (the graphql-ws client).
// Run: npm install && API_WS=ws://localhost:3001/graphql node watch.mjs <token> '<subscription>' ['{"id":"…"}']
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [token, query, variables] = process.argv.slice(2);
const client = createClient({
  url: process.env.API_WS ?? 'ws://localhost:3001/graphql',
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
});

client.subscribe(
  { query, variables: variables ? JSON.parse(variables) : undefined },
  {
    next: (result) => console.log(JSON.stringify(result)),
    error: (err) => { console.error('error:', JSON.stringify(err.reason ?? err.message ?? err)); client.dispose(); },
    complete: () => { console.log('complete'); client.dispose(); },
  },
);
