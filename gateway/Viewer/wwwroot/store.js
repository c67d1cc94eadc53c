import { preview } from './dom.js';

// Every event the page has seen, in arrival order (history first, then live), with what the list needs
// precomputed once: category, console level, failed flag, one-line summary and lower-case search text.

const levels = { warning: 'warn', err: 'error', verbose: 'debug', trace: 'debug' };

export function categoryOf(type) {
  if (type.startsWith('console-')) { return 'console'; }
  if (type.startsWith('network-')) { return 'network'; }
  if (type === 'page-navigated' || type.startsWith('page-')) { return 'navigation'; }
  if (type.startsWith('element-') || type === 'selected-element') { return 'elements'; }
  return 'other';
}

function levelOf(type, data) {
  const raw = data && typeof data.level === 'string' ? data.level.toLowerCase() : '';
  const level = levels[raw] ?? raw;
  if (['error', 'warn', 'info', 'log', 'debug'].includes(level)) { return level; }
  return type === 'console-error' ? 'error' : type === 'console-warn' ? 'warn' : 'log';
}

function str(value) { return typeof value === 'string' ? value : value === undefined || value === null ? '' : preview(value, 2000); }

function summaryOf(category, type, data) {
  const d = data && typeof data === 'object' ? data : {};
  switch (category) {
    case 'console': return str(d.message ?? d.text ?? d.args ?? data);
    case 'network': return `${str(d.method ?? d.request?.method ?? 'GET')} ${str(d.url ?? d.request?.url)}`;
    case 'navigation': return d.title ? `${str(d.url)}  —  ${str(d.title)}` : str(d.url ?? data);
    case 'elements': {
      const e = d.element && typeof d.element === 'object' ? d.element : d;
      const tag = str(e.tagName).toLowerCase();
      return [e.cssSelector ?? e.selector ?? tag, e.textContent ? `“${preview(e.textContent, 120)}”` : '']
        .map(str).filter(Boolean).join('  ');
    }
    default: return preview(data ?? '', 400);
  }
}

function statusOf(d) {
  const status = d?.status ?? d?.response?.status ?? d?.statusCode;
  return typeof status === 'number' ? status : typeof status === 'string' && /^\d+$/.test(status) ? Number(status) : null;
}

function durationOf(d) {
  const duration = d?.duration ?? d?.time ?? d?.timing?.duration;
  return typeof duration === 'number' && Number.isFinite(duration) ? duration : null;
}

export class EventStore {
  constructor() {
    this.records = [];
    this.keys = new Set();
    this.counts = { all: 0, console: 0, network: 0, navigation: 0, elements: 0, other: 0 };
  }

  /** Adds an envelope; returns its record, or null when it is already here (same epoch and seq). */
  add(envelope, epoch) {
    const seq = typeof envelope.seq === 'number' ? envelope.seq : null;
    const key = seq !== null ? `${epoch}:${seq}` : `id:${envelope.id}`;
    if (this.keys.has(key)) { return null; }
    this.keys.add(key);
    const type = typeof envelope.type === 'string' ? envelope.type : '?';
    const data = envelope.data;
    const category = categoryOf(type);
    const full = summaryOf(category, type, data);
    const record = {
      index: this.records.length, key, seq, epoch, type, category, envelope,
      timestamp: typeof envelope.timestamp === 'number' ? envelope.timestamp : null,
      level: category === 'console' ? levelOf(type, data) : null,
      status: category === 'network' ? statusOf(data) : null,
      duration: category === 'network' ? durationOf(data) : null,
      summary: preview(full, 600),
    };
    record.failed = category === 'network' && (type === 'network-error' || Boolean(data?.error)
      || (record.status !== null && (record.status >= 400 || record.status === 0)));
    const stack = category === 'console' && typeof data?.stack === 'string' ? data.stack.slice(0, 2000) : '';
    record.search = `${type} ${full.slice(0, 4000)} ${record.status ?? ''} ${stack}`.toLowerCase();
    this.records.push(record);
    this.counts.all++;
    this.counts[category]++;
    return record;
  }

  /** A line in the list that is not an event (history reset, gap). */
  addMarker(text) {
    const record = { index: this.records.length, key: `marker:${this.records.length}`, marker: true, type: 'marker', category: 'marker', summary: text, search: text.toLowerCase() };
    this.records.push(record);
    return record;
  }
}

/** What the toolbar asks for: a tab, a console level, failed requests only, a search string. */
export function matches(record, filter) {
  if (record.marker) { return !filter.search && !filter.level && !filter.failedOnly; }
  if (filter.tab !== 'all' && record.category !== filter.tab) { return false; }
  if (filter.level && record.level !== filter.level) { return false; }
  if (filter.failedOnly && !record.failed) { return false; }
  return !filter.search || record.search.includes(filter.search);
}
