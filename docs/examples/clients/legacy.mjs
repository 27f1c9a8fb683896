// The legacy graphql-ws protocol (subscriptions-transport-ws) spoken by hand with the ws package: connection_init
// with {authToken}, start, data, complete.
// Run: npm install && node legacy.mjs ws://localhost:3001/graphql <token> <benchmark id>
import WebSocket from 'ws';
const [url, token, id] = process.argv.slice(2);
const ws = new WebSocket(url, 'graphql-ws');
ws.on('open', () => {
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authToken: token } }));
  ws.send(JSON.stringify({ id: '1', type: 'start', payload: { query: 'subscription($id: ID!) { benchmarkUpdated(id: $id) { status progress } }', variables: { id } } }));
});
ws.on('message', (m) => { console.log(m.toString()); if (JSON.parse(m).type === 'complete') ws.close(); });
ws.on('close', (c) => console.log('closed', c));
