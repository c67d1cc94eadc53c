// Where the page's token comes from. A link carries it in the fragment (#token=…), which the browser never
// sends to a server. With no token in the link, a page opened on a local-mode relay asks the relay itself
// for a short-lived one (POST /sessions/{id}/local-token: loopback, same-origin only) and renews it.

export class AuthError extends Error {}

function fragmentToken() {
  const params = new URLSearchParams(location.hash.startsWith('#') ? location.hash.slice(1) : location.hash);
  const token = params.get('token');
  return token && token.trim() ? token.trim() : null;
}

/** The token's exp (ms since epoch), read for display only; the relay checks the token. */
export function expiryOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const exp = JSON.parse(atob(payload)).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

async function problemTitle(response) {
  try {
    const body = await response.json();
    return typeof body.title === 'string' ? body.title : '';
  } catch {
    return '';
  }
}

export class TokenSource {
  constructor(sessionId) {
    this.sessionId = sessionId;
    this.token = fragmentToken();
    this.local = this.token === null;
    this.mintedAt = 0;
    this.lifetimeMs = 0;
  }

  /** A usable token: the link's, or a fresh local one when the last is past half its life. */
  async current() {
    if (!this.local) { return this.token; }
    if (this.token && Date.now() - this.mintedAt < this.lifetimeMs / 2) { return this.token; }
    return this.mint();
  }

  async mint() {
    let response;
    try {
      response = await fetch(`/sessions/${encodeURIComponent(this.sessionId)}/local-token`, {
        method: 'POST', cache: 'no-store', credentials: 'omit', headers: { 'X-RapidTriage-Viewer': '1' },
      });
    } catch {
      throw new Error('The relay is not answering.');
    }
    if (response.status === 404) {
      throw new AuthError('This link has no token. Open the link you were given in full (it ends in #token=…).');
    }
    if (!response.ok) {
      throw new AuthError(`The relay refused a local token (${response.status}). ${await problemTitle(response)}`);
    }
    const body = await response.json();
    this.token = body.token;
    this.lifetimeMs = body.lifetimeMs;
    this.mintedAt = Date.now();
    return this.token;
  }

  /** Why the relay refuses this token, if it does (a WebSocket handshake refusal is invisible to a page). */
  async refusal() {
    if (!this.token) { return null; }
    try {
      const response = await fetch(`/api/sessions/${encodeURIComponent(this.sessionId)}`, {
        cache: 'no-store', credentials: 'omit', headers: { Authorization: `Bearer ${this.token}` },
      });
      return response.status === 401 || response.status === 403 ? `${response.status}: ${await problemTitle(response)}` : null;
    } catch {
      return null;
    }
  }
}
