/**
 * The arithmetic of a virtual list: which rows of a long list are on screen, so that only
 * those (plus a few either side) are rendered. Rows have one fixed height.
 */

export interface WindowInput {
  /** How far the list is scrolled, in pixels. */
  scrollTop: number;
  /** The visible height of the list, in pixels. */
  viewportHeight: number;
  rowHeight: number;
  /** How many rows the list has in all. */
  total: number;
  /** Extra rows rendered above and below the visible ones, for smooth scrolling. */
  overscan: number;
}

export interface ListWindow {
  /** The first row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Where the first rendered row sits, in pixels from the top of the list. */
  offsetTop: number;
  /** The height of the whole list, in pixels. */
  totalHeight: number;
}

export function computeWindow(input: WindowInput): ListWindow {
  const rowHeight = Math.max(1, input.rowHeight);
  const total = Math.max(0, Math.floor(input.total));
  const totalHeight = total * rowHeight;
  if (total === 0) return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const maxScroll = Math.max(0, totalHeight - input.viewportHeight);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil(Math.max(0, input.viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - input.overscan);
  const end = Math.min(total, first + visible + input.overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/**
 * The scroll position that brings row `index` fully into view, or `null` when it already
 * is. Used when the keyboard moves the active row.
 */
export function scrollToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return null;
}
