import { el, isImageDataUrl, timeOf } from './dom.js';
import { EventStore, matches } from './store.js';
import { VirtualList } from './list.js';
import { renderRow, renderDetail, renderScreenshot } from './render.js';
import { TokenSource, expiryOf } from './auth.js';
import { SessionLink } from './session.js';

const $ = (id) => document.getElementById(id);
const sessionId = decodeURIComponent(location.pathname.replace(/^\/sessions\//, '').replace(/\/$/, ''));
const screenshotTimeoutMs = 35000;

const store = new EventStore();
const filter = { tab: 'all', level: '', failedOnly: false, search: '' };
const roster = new Map();
const shots = [];
const pendingShots = new Map();
let selectedKey = null;
let paused = false;
let heldWhilePaused = 0;
let selfId = null;

$('session-id').textContent = sessionId;
document.title = `${sessionId} · RapidTriage session viewer`;

const list = new VirtualList($('list'), $('list-spacer'), $('list-rows'), (record) => renderRow(record, selectedKey));
list.onFollowChange = (follow) => $('tail').classList.toggle('hidden', follow);

// ---- notices and status

function notice(level, text) {
  const dismiss = el('button', { type: 'button', text: '×', title: 'Dismiss' });
  const node = el('div', { className: `notice notice-${level}` }, [el('span', { className: 'text', text: `${timeOf(Date.now())}  ${text}` }), dismiss]);
  dismiss.addEventListener('click', () => node.remove());
  $('notices').prepend(node);
  while ($('notices').children.length > 5) { $('notices').lastElementChild.remove(); }
}

function status(state, text) {
  const node = $('status');
  node.className = `status status-${state}${paused ? ' status-paused' : ''}`;
  node.textContent = paused && state === 'connected' ? 'Live (paused)' : text;
  node.dataset.state = state;
}

// ---- the event list

function updateCounts() {
  for (const tab of ['all', 'console', 'network', 'navigation', 'elements']) { $(`count-${tab}`).textContent = String(store.counts[tab]); }
  $('shown').textContent = `${list.items.length} shown`;
}

let countsScheduled = false;
function scheduleCounts() {
  if (countsScheduled) { return; }
  countsScheduled = true;
  requestAnimationFrame(() => { countsScheduled = false; updateCounts(); });
}

function refilter() {
  list.setItems(store.records.filter((r) => matches(r, filter)));
  heldWhilePaused = 0;
  updatePauseButton();
  scheduleCounts();
}

function addEvents(envelopes, epoch) {
  const shown = [];
  for (const envelope of envelopes) {
    const record = store.add(envelope, epoch);
    if (record && matches(record, filter)) { shown.push(record); }
    // A screenshot saved through the BrowserTools API is an event of the session: it joins the gallery too.
    if (record && envelope.type === 'screenshot-captured' && isImageDataUrl(envelope.data?.base64)) { addShot(envelope); }
  }
  if (paused) {
    heldWhilePaused += shown.length;
    updatePauseButton();
  } else {
    list.append(shown);
  }
  scheduleCounts();
}

function updatePauseButton() {
  $('pause').textContent = paused ? `Resume${heldWhilePaused ? ` (${heldWhilePaused} new)` : ''}` : 'Pause';
}

$('pause').addEventListener('click', () => {
  paused = !paused;
  if (!paused) { refilter(); list.scrollToEnd(); }
  updatePauseButton();
  const node = $('status');
  status(node.dataset.state ?? 'connecting', node.dataset.state === 'connected' ? 'Live' : node.textContent);
});

$('tail').addEventListener('click', () => list.scrollToEnd());

$('list').addEventListener('click', (e) => {
  const row = e.target.closest('.row');
  if (!row || row.dataset.index === undefined) { return; }
  const record = store.records[Number(row.dataset.index)];
  selectedKey = record.key;
  $('detail').replaceChildren(...renderDetail(record));
  list.schedule();
});

for (const tab of document.querySelectorAll('.tab')) {
  tab.addEventListener('click', () => {
    for (const t of document.querySelectorAll('.tab')) { t.classList.toggle('active', t === tab); }
    filter.tab = tab.dataset.tab;
    refilter();
  });
}

let searchTimer;
$('search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { filter.search = $('search').value.trim().toLowerCase(); refilter(); }, 120);
});
$('level').addEventListener('change', () => { filter.level = $('level').value; refilter(); });
$('failed-only').addEventListener('change', () => { filter.failedOnly = $('failed-only').checked; refilter(); });

$('export').addEventListener('click', () => {
  const events = list.items.filter((r) => !r.marker).map((r) => r.envelope);
  const body = JSON.stringify({ sessionId, exportedAt: new Date().toISOString(), filter, count: events.length, events }, null, 2);
  const url = URL.createObjectURL(new Blob([body], { type: 'application/json' }));
  const a = el('a');
  a.href = url;
  a.download = `rapidtriage-${sessionId}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
});

// ---- roster

function renderRoster() {
  const items = [...roster.values()].sort((a, b) => (a.connectedAt ?? 0) - (b.connectedAt ?? 0)).map((m) => {
    const who = m.clientType || m.role || 'member';
    const li = el('li', { className: m.connectionId === selfId ? 'self' : '' }, [
      el('div', {}, [el('span', { className: 'who', text: m.connectionId === selfId ? `${who} (this page)` : who }), el('span', { className: 'role', text: m.role ?? '' })]),
      el('div', { className: 'meta', text: [m.tabId ? `tab ${m.tabId}` : '', Array.isArray(m.capabilities) && m.capabilities.length ? m.capabilities.join(', ') : '', m.connectedAt ? `since ${timeOf(m.connectedAt)}` : ''].filter(Boolean).join(' · ') }),
    ]);
    if (m.userAgent) { li.title = String(m.userAgent); }
    return li;
  });
  $('roster').replaceChildren(...items);
  $('roster-count').textContent = String(roster.size);
}

// ---- screenshots

function addShot(envelope) {
  const shot = { at: envelope.timestamp ?? Date.now(), src: envelope.data.base64, summary: { ...envelope.data, base64: `${envelope.data.base64.length} characters` } };
  shots.push(shot);
  const img = el('img');
  img.src = shot.src;
  img.alt = `Screenshot ${timeOf(shot.at)}`;
  const figure = el('figure', {}, [img, el('figcaption', { text: timeOf(shot.at) })]);
  figure.addEventListener('click', () => { selectedKey = null; $('detail').replaceChildren(...renderScreenshot(shot)); list.schedule(); });
  $('gallery').prepend(figure);
  $('shot-count').textContent = String(shots.length);
  $('detail').replaceChildren(...renderScreenshot(shot));
}

function shotDone(id) {
  clearTimeout(pendingShots.get(id));
  pendingShots.delete(id);
  $('screenshot').disabled = pendingShots.size > 0;
  $('screenshot').textContent = pendingShots.size > 0 ? 'Waiting for screenshot…' : 'Screenshot';
}

// ---- the connection

const tokens = new TokenSource(sessionId);
const link = new SessionLink(sessionId, tokens, {
  status,
  notice,
  events: addEvents,
  backfilled: (count) => { if (count > 0) { notice('info', `Loaded ${count} events from the session's history.`); } },
  reset: () => { list.append([store.addMarker('— The session\'s history was reset: events below are from its new history —')]); },
  connected: (connectionId) => { selfId = connectionId; },
  roster: (members) => { roster.clear(); for (const m of members) { roster.set(m.connectionId, m); } renderRoster(); },
  member: (kind, entry) => {
    if (typeof entry.connectionId !== 'string') { return; }
    if (kind === 'member-left') { roster.delete(entry.connectionId); } else { roster.set(entry.connectionId, entry); }
    renderRoster();
  },
  screenshot: (envelope) => {
    if (!pendingShots.has(envelope.id)) { return; }
    shotDone(envelope.id);
    const data = envelope.data ?? {};
    if (data.success === false) { notice('warn', `Screenshot failed: ${data.error ?? 'no reason given'}.`); return; }
    if (!isImageDataUrl(data.base64)) { notice('warn', 'The screenshot answer held no PNG, JPEG, GIF or WebP data: URL; not shown.'); return; }
    addShot(envelope);
  },
  error: (envelope) => {
    const data = envelope.data ?? {};
    if (pendingShots.has(data.refId)) {
      shotDone(data.refId);
      notice('warn', data.code === 'no-handler' ? 'No browser in this session can take screenshots right now.' : `Screenshot failed: ${data.message ?? data.code}`);
      return;
    }
    notice('warn', `The relay answered an error: ${data.code ?? ''} ${data.message ?? ''}`);
  },
});

$('screenshot').addEventListener('click', () => {
  const id = link.newId('screenshot');
  if (!link.send({ type: 'screenshot-request', id, data: { format: 'png' } })) { notice('warn', 'Not connected: try again once the status says Live.'); return; }
  pendingShots.set(id, setTimeout(() => { shotDone(id); notice('warn', 'No screenshot came back.'); }, screenshotTimeoutMs));
  $('screenshot').disabled = true;
  $('screenshot').textContent = 'Waiting for screenshot…';
});

if (!tokens.local) {
  const expires = expiryOf(tokens.token);
  if (expires !== null && expires < Date.now()) { notice('error', 'This link\'s token has expired. Ask for a new link.'); }
}
refilter();
link.start();
