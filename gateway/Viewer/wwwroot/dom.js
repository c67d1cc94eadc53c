// Builds elements from session data. Every value becomes text (textContent): nothing here parses markup,
// and the page's Trusted Types policy makes innerHTML and friends throw if anything ever tried.

/** Creates an element with a class, text and children; attributes limited to a few safe, non-URL ones. */
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) { node.className = options.className; }
  if (options.text !== undefined && options.text !== null) { node.textContent = String(options.text); }
  if (options.title) { node.title = String(options.title); }
  if (options.type) { node.type = options.type; }
  for (const child of children) {
    if (child !== null && child !== undefined) { node.append(child); }
  }
  return node;
}

/** A short, single-line text form of any JSON value, at most max characters. */
export function preview(value, max = 400) {
  let text;
  if (typeof value === 'string') { text = value; }
  else if (value === undefined) { text = ''; }
  else {
    try { text = JSON.stringify(value); } catch { text = String(value); }
  }
  if (text.length > max) { text = text.slice(0, max) + '…'; }
  return text.replace(/\s+/g, ' ');
}

const imageDataUrl = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

/** Only a base64 data: URL of a raster image type may become an img src (the CSP allows no other source). */
export function isImageDataUrl(value) {
  return typeof value === 'string' && value.length < 32 * 1024 * 1024 && imageDataUrl.test(value);
}

export function timeOf(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) { return ''; }
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
