/**
 * The API reference page: plain HTML, a stylesheet and a script that renders
 * `/openapi.json` in the browser. Everything is served by the API itself, because users may
 * have no internet access, and the page builds its DOM with `textContent` only, so text
 * from the OpenAPI document can never become markup.
 */

/**
 * The HTML shell; the script reads the document's URL from `data-openapi`.
 *
 * @example
 * c.html(docsHtml('/openapi.json', '/docs/docs.js', '/docs/docs.css'));
 */
export function docsHtml(openApiPath: string, scriptPath: string, stylePath: string): string {
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference</title>
<link rel="stylesheet" href="${attr(stylePath)}">
<script src="${attr(scriptPath)}" defer></script>
</head>
<body data-openapi="${attr(openApiPath)}">
<header><h1 id="title">API reference</h1><p>From <a href="${attr(openApiPath)}">${attr(openApiPath)}</a></p></header>
<main id="content"><p>Loading…</p></main>
</body>
</html>
`;
}

export const DOCS_CSS = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem 2rem; color: #1d2330; }
h2 { border-bottom: 1px solid #d0d4dc; margin-top: 2rem; }
details.op { border: 1px solid #d0d4dc; border-radius: 6px; margin: .5rem 0; padding: .25rem .75rem; }
summary { cursor: pointer; }
.method { display: inline-block; min-width: 4.5rem; font-weight: 700; text-transform: uppercase; }
.get { color: #0b6e4f; } .post { color: #1c5fb8; } .put, .patch { color: #9a5b00; } .delete { color: #b3261e; }
.path { font-family: ui-monospace, monospace; }
pre { background: #f4f5f8; padding: .5rem; overflow: auto; font-size: 13px; }
table { border-collapse: collapse; } td, th { border: 1px solid #d0d4dc; padding: .2rem .5rem; text-align: left; }
`;

export const DOCS_JS = `'use strict';
(function () {
  var METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function json(value) { return el('pre', JSON.stringify(value, null, 2)); }
  function section(parent, title, value) {
    if (value === undefined) return;
    parent.appendChild(el('h4', title));
    parent.appendChild(json(value));
  }
  function parameters(parent, list) {
    if (!list || list.length === 0) return;
    parent.appendChild(el('h4', 'Parameters'));
    var table = el('table');
    var head = el('tr');
    ['name', 'in', 'required', 'schema', 'description'].forEach(function (h) { head.appendChild(el('th', h)); });
    table.appendChild(head);
    list.forEach(function (p) {
      var row = el('tr');
      row.appendChild(el('td', p.name));
      row.appendChild(el('td', p.in));
      row.appendChild(el('td', p.required ? 'yes' : 'no'));
      row.appendChild(el('td', JSON.stringify(p.schema || {})));
      row.appendChild(el('td', p.description || ''));
      table.appendChild(row);
    });
    parent.appendChild(table);
  }
  function operation(path, method, op) {
    var box = el('details', null, 'op');
    var summary = el('summary');
    summary.appendChild(el('span', method, 'method ' + method));
    summary.appendChild(el('span', path, 'path'));
    if (op.summary) summary.appendChild(el('span', ' — ' + op.summary));
    box.appendChild(summary);
    if (op.description) box.appendChild(el('p', op.description));
    parameters(box, op.parameters);
    section(box, 'Request body', op.requestBody);
    Object.keys(op.responses || {}).forEach(function (status) {
      section(box, 'Response ' + status, op.responses[status]);
    });
    return box;
  }
  function render(doc) {
    var content = document.getElementById('content');
    content.textContent = '';
    if (doc.info && doc.info.title) document.getElementById('title').textContent = doc.info.title;
    var groups = {};
    Object.keys(doc.paths || {}).sort().forEach(function (path) {
      METHODS.forEach(function (method) {
        var op = doc.paths[path][method];
        if (!op) return;
        var tag = (op.tags && op.tags[0]) || 'other';
        (groups[tag] = groups[tag] || []).push(operation(path, method, op));
      });
    });
    Object.keys(groups).sort().forEach(function (tag) {
      content.appendChild(el('h2', tag));
      groups[tag].forEach(function (node) { content.appendChild(node); });
    });
    var schemas = (doc.components && doc.components.schemas) || {};
    if (Object.keys(schemas).length > 0) {
      content.appendChild(el('h2', 'Schemas'));
      Object.keys(schemas).sort().forEach(function (name) { section(content, name, schemas[name]); });
    }
  }
  function start() {
    var url = document.body.getAttribute('data-openapi');
    return fetch(url, { headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error(url + ' answered ' + response.status);
        return response.json();
      })
      .then(render)
      .catch(function (error) {
        var content = document.getElementById('content');
        content.textContent = '';
        content.appendChild(el('p', 'Could not load the API description: ' + error.message));
      });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else globalThis.docsReady = start();
})();
`;
