// A windowed list: however many items there are, only the rows in view (plus a margin) exist in the DOM.
// Rows have one fixed height, so an item's position is index * height and scrolling costs the same at
// 10 rows or 100,000.

const overscan = 12;

export class VirtualList {
  constructor(container, spacer, rows, renderRow) {
    this.container = container;
    this.spacer = spacer;
    this.rows = rows;
    this.renderRow = renderRow;
    this.items = [];
    this.rowHeight = 24;
    this.follow = true;
    this.scheduled = false;
    this.onFollowChange = () => {};
    // Scroll events already come once per frame: render at once, so no frame shows an empty stretch.
    container.addEventListener('scroll', () => {
      const follow = this.atEnd();
      if (follow !== this.follow) { this.follow = follow; this.onFollowChange(follow); }
      this.render(false);
    }, { passive: true });
    new ResizeObserver(() => this.schedule()).observe(container);
  }

  setItems(items) {
    this.items = items;
    this.schedule(true);
  }

  append(items) {
    if (items.length === 0) { return; }
    for (const item of items) { this.items.push(item); }
    this.schedule(this.follow);
  }

  atEnd() {
    const c = this.container;
    return c.scrollTop + c.clientHeight >= c.scrollHeight - this.rowHeight;
  }

  scrollToEnd() {
    this.follow = true;
    this.onFollowChange(true);
    this.schedule(true);
  }

  /** Renders on the next frame: a burst of events costs one layout, not one per event. */
  schedule(toEnd = false) {
    this.pendingEnd = this.pendingEnd || toEnd;
    if (this.scheduled) { return; }
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      const end = this.pendingEnd;
      this.pendingEnd = false;
      this.render(end);
    });
  }

  render(toEnd) {
    const c = this.container;
    this.spacer.style.height = `${this.items.length * this.rowHeight}px`;
    if (toEnd && this.follow) { c.scrollTop = c.scrollHeight; }
    const first = Math.max(0, Math.floor(c.scrollTop / this.rowHeight) - overscan);
    const last = Math.min(this.items.length, Math.ceil((c.scrollTop + c.clientHeight) / this.rowHeight) + overscan);
    const nodes = [];
    for (let i = first; i < last; i++) { nodes.push(this.renderRow(this.items[i], i)); }
    this.rows.style.transform = `translateY(${first * this.rowHeight}px)`;
    this.rows.replaceChildren(...nodes);
  }
}
