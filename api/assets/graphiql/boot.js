// Boots the vendored GraphiQL (React 18 UMD + graphiql UMD globals: React, ReactDOM, GraphiQL).
// Everything it needs comes from data- attributes on #graphiql, so the page works under
// a strict CSP (script-src 'self'): no inline script, no inline event handler.
(function () {
  'use strict';

  var root = document.getElementById('graphiql');
  if (!root) {
    return;
  }

  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    root.textContent = 'GraphiQL failed to load (its scripts did not run).';
    return;
  }

  // Absolute http(s) URL for the query endpoint, resolved against the page.
  function httpUrl(path) {
    return new URL(path, window.location.href).toString();
  }

  // ws:// or wss:// URL for a path such as "/graphql/ws", on the page's own host.
  function wsUrl(path) {
    var url = new URL(path, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  var endpoint = root.getAttribute('data-endpoint') || '/graphql';
  var subscriptionEndpoint = root.getAttribute('data-subscription-endpoint') || '';

  var fetcherOptions = {
    url: httpUrl(endpoint),
    fetch: function (input, init) {
      return window.fetch(input, Object.assign({}, init, { credentials: 'same-origin' }));
    }
  };
  if (subscriptionEndpoint) {
    fetcherOptions.subscriptionUrl = wsUrl(subscriptionEndpoint);
  }

  var fetcher = window.GraphiQL.createFetcher(fetcherOptions);

  var h = window.React.createElement;
  // GraphiQL's default logo is a link to its GitHub page; show the page title instead so
  // the rendered page carries no outside URL at all.
  var logo = window.GraphiQL.Logo ? h(window.GraphiQL.Logo, null, document.title || 'GraphiQL') : null;

  // createRoot(...).render replaces the "Loading…" text once GraphiQL has rendered.
  window.ReactDOM.createRoot(root).render(
    h(window.GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }, logo)
  );
})();
