import { el, preview, timeOf, isImageDataUrl } from './dom.js';

// Rows of the list and the detail pane. Session data is rendered as text only; URLs are never links.

const bigText = 20000;

export function renderRow(record, selectedKey) {
  if (record.marker) {
    return el('div', { className: 'row marker', text: record.summary });
  }
  const row = el('div', { className: 'row' });
  row.dataset.index = String(record.index);
  if (record.key === selectedKey) { row.classList.add('selected'); }
  row.append(el('span', { className: 'seq', text: record.seq ?? '' }), el('span', { className: 'time', text: timeOf(record.timestamp) }));
  if (record.category === 'console') {
    row.append(el('span', { className: `badge lvl-${record.level}`, text: record.level }));
    row.append(el('span', { className: `text lvl-${record.level}`, text: record.summary }));
  } else if (record.category === 'network') {
    if (record.failed) { row.classList.add('failed'); }
    const status = record.status ?? (record.failed ? 'failed' : '');
    const cls = record.failed ? '' : record.status >= 300 && record.status < 400 ? 'st-redirect' : 'st-ok';
    row.append(el('span', { className: `badge ${cls}`, text: status }));
    row.append(el('span', { className: 'text', text: record.summary }));
    row.append(el('span', { className: 'dur', text: record.duration !== null ? `${Math.round(record.duration)} ms` : '' }));
  } else {
    row.append(el('span', { className: 'kind', text: record.type }));
    row.append(el('span', { className: 'text', text: record.summary }));
  }
  return row;
}

/** A collapsible tree of any JSON value; children are built only when a node is opened. */
export function jsonTree(value, key = null, open = true) {
  const label = (text) => {
    const parts = [];
    if (key !== null) { parts.push(el('span', { className: 'key', text: `${key}: ` })); }
    parts.push(text);
    return parts;
  };
  if (value !== null && typeof value === 'object') {
    const isArray = Array.isArray(value);
    const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
    const details = el('details');
    details.append(el('summary', {}, label(el('span', { className: 'muted', text: isArray ? `Array(${entries.length})` : `{${preview(Object.keys(value).join(', '), 80)}}` }))));
    let built = false;
    const build = () => {
      if (built) { return; }
      built = true;
      for (const [k, v] of entries) { details.append(jsonTree(v, k, false)); }
    };
    details.addEventListener('toggle', () => { if (details.open) { build(); } });
    if (open) { details.open = true; build(); }
    return details;
  }
  const cls = typeof value === 'string' ? 'str' : typeof value === 'number' ? 'num' : 'lit';
  const text = typeof value === 'string' ? JSON.stringify(value.length > bigText ? value.slice(0, bigText) : value) : String(value);
  const leaf = el('div', { className: 'leaf' }, label(el('span', { className: cls, text })));
  if (typeof value === 'string' && value.length > bigText) {
    leaf.append(el('span', { className: 'big', text: ` … ${value.length - bigText} more characters (see Export)` }));
  }
  return leaf;
}

function pre(text) {
  const s = typeof text === 'string' ? text : JSON.stringify(text, null, 2) ?? '';
  const node = el('pre', { text: s.length > bigText ? s.slice(0, bigText) : s });
  if (s.length <= bigText) { return node; }
  const more = el('button', { type: 'button', text: `Show all ${s.length} characters` });
  more.addEventListener('click', () => { node.textContent = s; more.remove(); });
  return el('div', {}, [node, more]);
}

function table(pairs) {
  const body = el('tbody');
  for (const [name, value] of pairs) {
    body.append(el('tr', {}, [el('td', { text: name }), el('td', { text: typeof value === 'string' ? value : preview(value, 2000) })]));
  }
  return el('table', {}, [body]);
}

function headerPairs(headers) {
  if (Array.isArray(headers)) {
    return headers.filter((h) => h && typeof h === 'object').map((h) => [String(h.name ?? ''), h.value]);
  }
  return headers && typeof headers === 'object' ? Object.entries(headers) : [];
}

function networkSections(d) {
  const out = [];
  const headers = (title, h) => { if (h && typeof h === 'object') { out.push(el('h4', { text: title }), table(headerPairs(h))); } };
  const body = (title, b) => {
    if (b === undefined || b === null || b === '') { return; }
    let shown = b;
    if (typeof b === 'string' && b.length < 2_000_000) {
      try { shown = JSON.stringify(JSON.parse(b), null, 2); } catch { shown = b; }
    }
    out.push(el('h4', { text: title }), pre(shown));
  };
  const hasPair = d.headers && typeof d.headers === 'object' && !Array.isArray(d.headers) && ('request' in d.headers || 'response' in d.headers);
  if (hasPair) { headers('Request headers', d.headers.request); headers('Response headers', d.headers.response); } else { headers('Headers', d.headers); }
  headers('Request headers', d.request?.headers);
  headers('Response headers', d.response?.headers);
  headers('Request headers', d.requestHeaders);
  headers('Response headers', d.responseHeaders);
  const b = d.body && typeof d.body === 'object' ? d.body : null;
  body('Request body', b?.request ?? d.requestBody ?? d.request?.postData?.text ?? d.postData?.text);
  body('Response body', b?.response ?? d.responseBody ?? d.response?.content?.text);
  if (d.error) { out.push(el('h4', { text: 'Error' }), pre(d.error)); }
  return out;
}

export function renderDetail(record) {
  const env = record.envelope;
  const d = env.data && typeof env.data === 'object' ? env.data : {};
  const parts = [el('h3', { text: `${record.type}${record.seq !== null ? `  #${record.seq}` : ''}` })];
  const facts = [['time', env.timestamp ? new Date(env.timestamp).toISOString() : ''], ['from', `${env.metadata?.source ?? ''} ${env.metadata?.connectionId ?? ''}`]];
  if (record.category === 'network') {
    facts.push(['method', d.method ?? d.request?.method ?? ''], ['url', d.url ?? d.request?.url ?? ''],
      ['status', `${record.status ?? ''} ${d.statusText ?? ''}${record.failed ? '  (failed)' : ''}`],
      ['duration', record.duration !== null ? `${record.duration} ms` : '']);
  } else if (record.category === 'console') {
    facts.push(['level', record.level], ['source', d.source ?? '']);
  } else if (record.category === 'navigation') {
    facts.push(['url', d.url ?? ''], ['title', d.title ?? '']);
  }
  parts.push(table(facts.filter(([, v]) => v !== '' && v !== undefined)));
  if (record.category === 'console') {
    parts.push(el('h4', { text: 'Message' }), pre(typeof d.message === 'string' ? d.message : preview(d.message ?? '', bigText)));
    if (typeof d.stack === 'string' && d.stack) { parts.push(el('h4', { text: 'Stack' }), pre(d.stack)); }
    if (Array.isArray(d.args)) { parts.push(el('h4', { text: 'Arguments' }), el('div', { className: 'tree' }, [jsonTree(d.args, null, true)])); }
  } else if (record.category === 'network') {
    parts.push(...networkSections(d));
  } else if (record.category === 'elements') {
    const e = d.element && typeof d.element === 'object' ? d.element : d;
    if (typeof e.innerHTML === 'string') { parts.push(el('h4', { text: 'innerHTML (as text)' }), pre(e.innerHTML)); }
  }
  parts.push(el('h4', { text: 'Envelope' }), el('div', { className: 'tree' }, [jsonTree(env, null, true)]));
  return parts;
}

export function renderScreenshot(shot) {
  const parts = [el('h3', { text: `Screenshot ${timeOf(shot.at)}` })];
  const img = el('img');
  img.alt = 'Screenshot from the session';
  if (isImageDataUrl(shot.src)) { img.src = shot.src; parts.push(img); }
  parts.push(el('h4', { text: 'Response' }), el('div', { className: 'tree' }, [jsonTree(shot.summary, null, true)]));
  return parts;
}
