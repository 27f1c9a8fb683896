// Starts GraphiQL on #graphiql. Queries and mutations go over HTTP to data-endpoint; subscriptions go over a
// websocket to the same URL (ws: or wss:) with the graphql-transport-ws protocol (graphql-ws's client). The
// Authorization header typed in GraphiQL's Headers pane is sent with each HTTP request and, for
// subscriptions, in the connection_init payload as {"authorization": "Bearer …"}.
// Globals from the UMD files loaded before this one: React, ReactDOM, GraphiQL, graphqlWs.
(function () {
  "use strict";

  var root = document.getElementById("graphiql");
  var httpURL = new URL(root.getAttribute("data-endpoint") || "/graphql", window.location.href);
  var wsURL = new URL(httpURL.href);
  wsURL.protocol = httpURL.protocol === "https:" ? "wss:" : "ws:";

  // authorization returns the Authorization header's value from GraphiQL's headers (any letter case), or "".
  function authorization(headers) {
    if (!headers || typeof headers !== "object") return "";
    for (var name in headers) {
      if (Object.prototype.hasOwnProperty.call(headers, name) && name.toLowerCase() === "authorization") {
        return String(headers[name]).trim();
      }
    }
    return "";
  }

  // A websocket says who the caller is once, in connection_init, so each Authorization value gets its own
  // client; changing the header closes the old connection and the next subscription opens a new one.
  var current = { auth: null, client: null, fetcher: null };
  function fetcherFor(auth) {
    if (current.fetcher && current.auth === auth) return current.fetcher;
    if (current.client) current.client.dispose();
    current.client = graphqlWs.createClient({
      url: wsURL.href,
      lazy: true,
      connectionParams: auth ? { authorization: auth } : undefined,
    });
    current.fetcher = GraphiQL.createFetcher({ url: httpURL.href, wsClient: current.client });
    current.auth = auth;
    return current.fetcher;
  }

  function fetcher(params, options) {
    return fetcherFor(authorization(options && options.headers))(params, options);
  }

  var defaultQuery = [
    "# Model Architect GraphQL API (" + httpURL.pathname + ").",
    "#",
    "# Run: Ctrl-Enter or the ▶ button. Docs: the book icon on the left.",
    "# Signed-in operations: run the logIn mutation below, then put the token in the",
    "# Headers pane at the bottom as",
    '#   {"Authorization": "Bearer <token>"}',
    "# Subscriptions use the same header (sent in the websocket's connection_init).",
    "",
    "query Me {",
    "  me {",
    "    id",
    "    email",
    "    role",
    "  }",
    "}",
    "",
    "mutation LogIn {",
    '  logIn(input: {email: "you@example.com", password: "your password"}) {',
    "    token",
    "  }",
    "}",
    "",
  ].join("\n");

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      // Tokens stay out of localStorage unless the user turns this on in GraphiQL's settings.
      shouldPersistHeaders: false,
    })
  );
})();
