import { AuthError } from './auth.js';

// The page's tunnel connection: connection-init, backfill from history (history-request pages), live events,
// reconnect with lastSeq/epoch (the relay replays what was missed), and a local token's renewal.

const pageSize = 1000;
const maxBackoffMs = 10000;

export class SessionLink {
  /**
   * handlers: status(state, text), notice(level, text), events(envelopes, epoch), reset(epoch),
   * roster(members), member(kind, entry), screenshot(envelope), error(envelope), backfilled(count), connected(connectionId)
   */
  constructor(sessionId, tokens, handlers) {
    this.sessionId = sessionId;
    this.tokens = tokens;
    this.on = handlers;
    this.epoch = null;
    this.lastSeq = 0;
    this.attempt = 0;
    this.nextId = 0;
    this.socket = null;
    this.stopped = false;
    this.everConnected = false;
  }

  start() { this.connect(); }

  send(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) { return false; }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  newId(prefix) { return `viewer-${prefix}-${Date.now().toString(36)}-${++this.nextId}`; }

  async connect() {
    let token;
    try {
      token = await this.tokens.current();
    } catch (error) {
      if (error instanceof AuthError) { this.stop(error.message); return; }
      this.retry('The relay is not answering.');
      return;
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/tunnel/${encodeURIComponent(this.sessionId)}?access_token=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url, 'rapidtriage-tunnel-v1');
    this.socket = socket;
    this.acks = 0;
    this.opened = false;
    this.backfilling = false;
    this.pending = [];
    socket.addEventListener('open', () => {
      this.opened = true;
      const init = { clientType: 'session-viewer', version: '1', capabilities: [], userAgent: navigator.userAgent };
      if (this.epoch !== null) { init.lastSeq = this.lastSeq; init.epoch = this.epoch; }
      this.send({ type: 'connection-init', data: init });
    });
    socket.addEventListener('message', (e) => this.receive(e.data));
    socket.addEventListener('close', (e) => this.closed(socket, e));
  }

  receive(text) {
    let message;
    try { message = JSON.parse(text); } catch { return; }
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') { return; }
    switch (message.type) {
      case 'connection-ack': this.acked(message.data ?? {}); break;
      case 'history-response': this.historyPage(message); break;
      case 'member-joined': case 'member-left': case 'member-updated': this.on.member(message.type, message.data ?? {}); break;
      case 'screenshot-response': this.on.screenshot(message); break;
      case 'error':
        if (this.backfilling && message.data?.refId === this.historyId) {
          // History was unavailable for a moment (the session moving between silos): ask again from where it stopped.
          setTimeout(() => { if (this.socket?.readyState === WebSocket.OPEN) { this.requestPage(this.lastSeq); } }, 1000);
        } else {
          this.on.error(message);
        }
        break;
      case 'heartbeat': case 'auth-refresh-ack': case 'publish-ack': case 'clear-logs-ack': break;
      default:
        if (this.backfilling) { this.pending.push(message); } else { this.deliver([message]); }
    }
  }

  acked(data) {
    this.acks++;
    if (this.acks === 1) { this.connectionId = data.connectionId; return; }
    if (this.acks !== 2) { return; }
    const wasConnected = this.everConnected;
    this.everConnected = true;
    this.attempt = 0;
    this.on.status('connected', 'Live');
    this.on.connected(data.connectionId);
    this.scheduleRenewal();
    this.loadRoster();
    if (!wasConnected) {
      this.epoch = data.epoch ?? null;
      this.backfill(0);
      return;
    }
    if (data.recovered === true) {
      this.on.notice('info', 'Reconnected: every event missed while disconnected was replayed.');
      return;
    }
    const reason = data.reason ? ` (${data.reason})` : '';
    if (data.epoch !== this.epoch) {
      this.on.notice('warn', `Reconnected, but events were NOT recovered${reason}: the session's history was lost or reset. Showing what it holds now.`);
      this.epoch = data.epoch ?? null;
      this.lastSeq = 0;
      this.on.reset(this.epoch);
      this.backfill(0);
    } else {
      this.on.notice('warn', `Reconnected, but events were NOT recovered${reason}: some events from the gap may be missing. Loading what history still holds.`);
      this.backfill(this.lastSeq);
    }
  }

  backfill(afterSeq) {
    this.backfilling = true;
    this.backfilled = 0;
    this.requestPage(afterSeq);
  }

  requestPage(afterSeq) {
    this.historyId = this.newId('history');
    this.send({ type: 'history-request', id: this.historyId, data: { types: [], afterSeq, limit: pageSize } });
  }

  historyPage(message) {
    if (message.id !== this.historyId) { return; }
    const events = Array.isArray(message.data?.events) ? message.data.events : [];
    this.deliver(events);
    this.backfilled += events.length;
    const last = events.length ? events[events.length - 1].seq : null;
    if (message.data?.hasMore && typeof last === 'number') {
      this.requestPage(last);
      return;
    }
    this.backfilling = false;
    const live = this.pending.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    this.pending = [];
    this.deliver(live);
    this.on.backfilled(this.backfilled);
  }

  deliver(envelopes) {
    for (const e of envelopes) {
      if (typeof e.seq === 'number' && e.seq > this.lastSeq) { this.lastSeq = e.seq; }
    }
    if (envelopes.length) { this.on.events(envelopes, this.epoch); }
  }

  async loadRoster() {
    try {
      const token = await this.tokens.current();
      const response = await fetch(`/api/sessions/${encodeURIComponent(this.sessionId)}`, {
        cache: 'no-store', credentials: 'omit', headers: { Authorization: `Bearer ${token}` },
      });
      if (response.ok) {
        const body = await response.json();
        this.on.roster(Array.isArray(body.members) ? body.members : []);
      }
    } catch {
      // The roster still follows member-joined / member-left; the next reconnect reloads it.
    }
  }

  scheduleRenewal() {
    clearTimeout(this.renewTimer);
    if (!this.tokens.local || !this.tokens.lifetimeMs) { return; }
    this.renewTimer = setTimeout(async () => {
      try {
        const token = await this.tokens.mint();
        this.send({ type: 'auth-refresh', id: this.newId('auth'), data: { token } });
      } catch {
        // The socket closes with 4001 when its token runs out; the reconnect mints a new one.
      }
      this.scheduleRenewal();
    }, this.tokens.lifetimeMs / 2);
  }

  async closed(socket, event) {
    if (socket !== this.socket || this.stopped) { return; }
    clearTimeout(this.renewTimer);
    this.pending = [];
    const code = event.code;
    const reason = event.reason ? `: ${event.reason}` : '';
    if (code === 4001 && this.tokens.local) {
      this.retry('The local token ran out; getting a new one.', 0);
      return;
    }
    if (code >= 4000 && code < 4100) {
      this.stop(code === 4001 ? 'This link has expired (the relay closed the connection with 4001). Ask for a new link.' : `The relay closed the connection (${code}${reason}) and asked not to reconnect.`);
      return;
    }
    if (!this.opened) {
      const refusal = await this.tokens.refusal();
      if (refusal) { this.stop(`The relay refused this link's token (${refusal}).`); return; }
    }
    const what = this.opened ? `Connection lost (${code}${reason}).` : 'Could not connect.';
    this.retry(what, code === 1012 ? 100 : null);
  }

  retry(what, delayMs = null) {
    const delay = delayMs ?? Math.min(maxBackoffMs, 500 * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
    this.attempt++;
    this.on.status('reconnecting', `${what} Reconnecting in ${Math.max(1, Math.round(delay / 1000))} s (attempt ${this.attempt})…`);
    setTimeout(() => this.connect(), delay);
  }

  stop(text) {
    this.stopped = true;
    clearTimeout(this.renewTimer);
    this.on.status('stopped', 'Disconnected');
    this.on.notice('error', text);
  }
}
