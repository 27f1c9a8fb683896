// A fetch that behaves as a browser page on another origin would: it sends the page's Origin, makes the CORS
// preflight a browser makes (fetch spec, "CORS-preflight request") and refuses, as a browser does, an answer
// the server did not allow that origin to read. It records every exchange for the report.

const simpleMethods = new Set(['GET', 'HEAD', 'POST']);
const safelisted = new Set(['accept', 'accept-language', 'content-language']);
const simpleTypes = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

// unsafeHeaders lists the request headers that make a request non-simple, lower-cased and sorted.
function unsafeHeaders(headers) {
  const out = [];
  for (const [name, value] of headers) {
    if (safelisted.has(name) && value.length <= 128) continue;
    if (name === 'content-type' && simpleTypes.has(value.split(';')[0].trim().toLowerCase())) continue;
    out.push(name);
  }
  return out.sort();
}

const list = (value) => (value || '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

// describeRequest tells what a GraphQL request carried: its operation, whether it held the query text, and
// the persisted-query hash.
function describeRequest(url, method, body) {
  let p = {};
  if (method === 'GET') {
    const q = new URL(url).searchParams;
    p = { operationName: q.get('operationName'), query: q.get('query'), extensions: q.get('extensions') && JSON.parse(q.get('extensions')) };
  } else if (typeof body === 'string') {
    try { p = JSON.parse(body); } catch { p = {}; }
  }
  return { operationName: p.operationName || null, hasQuery: Boolean(p.query), hash: p.extensions?.persistedQuery?.sha256Hash || null };
}

// describeResponse reads a JSON or event-stream GraphQL response: whether it had data, and its error codes
// (with "malformed event stream" for a stream that is not server-sent events ending in a complete event).
function describeResponse(contentType, text) {
  const bodies = [];
  const errors = [];
  if ((contentType || '').startsWith('text/event-stream')) {
    let complete = false;
    for (const line of text.split('\n')) {
      if (line.startsWith('data:')) bodies.push(line.slice(5));
      else if (line === 'event: complete') complete = true;
      else if (line !== '' && !/^(:|event:|id:|retry:)/.test(line)) errors.push('malformed event stream');
    }
    if (!complete) errors.push('malformed event stream');
  } else {
    bodies.push(text);
  }
  let data = false;
  for (const b of bodies) {
    try {
      const r = JSON.parse(b);
      data ||= r.data != null;
      for (const e of r.errors || []) errors.push(e.extensions?.code || e.message);
    } catch { errors.push('unreadable body'); }
  }
  return { data, errors: [...new Set(errors)] };
}

export function corsFetch(origin, exchanges, client) {
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input.url;
    const method = (init.method || 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const unsafe = unsafeHeaders(headers);
    const entry = { client, method, accept: headers.get('accept'), ...describeRequest(url, method, init.body) };
    exchanges.push(entry);
    if (unsafe.length > 0 || !simpleMethods.has(method)) {
      const pre = { Origin: origin, 'Access-Control-Request-Method': method };
      if (unsafe.length > 0) pre['Access-Control-Request-Headers'] = unsafe.join(',');
      const res = await fetch(url, { method: 'OPTIONS', headers: pre });
      entry.preflight = res.status;
      const allowOrigin = res.headers.get('access-control-allow-origin');
      const allowed = list(res.headers.get('access-control-allow-headers'));
      const methods = list(res.headers.get('access-control-allow-methods'));
      if (!res.ok || (allowOrigin !== origin && allowOrigin !== '*') ||
          unsafe.some((h) => !allowed.includes(h) && !allowed.includes('*')) ||
          (!simpleMethods.has(method) && !methods.includes(method.toLowerCase()))) {
        entry.refused = 'preflight';
        throw new TypeError(`Failed to fetch: CORS preflight from ${origin} refused (${res.status})`);
      }
    }
    headers.set('Origin', origin);
    const res = await fetch(url, { ...init, headers });
    entry.status = res.status;
    entry.contentType = res.headers.get('content-type');
    const allowOrigin = res.headers.get('access-control-allow-origin');
    if (allowOrigin !== origin && allowOrigin !== '*') {
      entry.refused = 'response';
      throw new TypeError(`Failed to fetch: the response does not allow ${origin} to read it`);
    }
    Object.assign(entry, describeResponse(entry.contentType, await res.clone().text()));
    return res;
  };
}

// originWebSocket is the WebSocket class of Node (undici) sending a page's Origin, as a browser does.
export function originWebSocket(origin) {
  return class extends WebSocket {
    constructor(url, protocols) {
      super(url, { protocols, headers: { Origin: origin } });
    }
  };
}
