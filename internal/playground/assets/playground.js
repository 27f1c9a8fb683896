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
    "# Run: Ctrl-Enter or the ▶ button, which asks which operation. Docs: the book icon on the left.",
    "# 1. Run SignUp (or LogIn once you have an account) and copy the token it returns.",
    "# 2. Put it in the Headers pane at the bottom as",
    '#      {"Authorization": "Bearer <token>"}',
    "# 3. Run Me: signed-in operations, subscriptions included, now run as you.",
    "# An expired or revoked token is refused (UNAUTHENTICATED): log in again, or clear the header.",
    "",
    "mutation SignUp {",
    '  signUp(input: {email: "you@example.com", password: "choose a password", name: "You"}) {',
    "    token",
    "    user {",
    "      id",
    "      email",
    "    }",
    "  }",
    "}",
    "",
    "mutation LogIn {",
    '  logIn(input: {email: "you@example.com", password: "choose a password"}) {',
    "    token",
    "  }",
    "}",
    "",
    "query Me {",
    "  me {",
    "    id",
    "    email",
    "    role",
    "  }",
    "}",
    "",
  ].join("\n");

  // GraphiQL's menus and dialogs add <style> elements while they are open; the page's Content-Security-Policy
  // admits them with this response's nonce, which the library reads from this global.
  var nonce = root.getAttribute("data-style-nonce");
  if (nonce) window.__webpack_nonce__ = nonce;

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
