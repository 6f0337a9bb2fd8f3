/**
 * A window onto a long server-side list, fetched page by page as the user scrolls: the
 * message list asks for the rows on screen and gets what is loaded, while the missing pages
 * are fetched once each. Pages far from the view are forgotten, so memory stays bounded at
 * 100,000 messages and beyond.
 */

export interface Page<T> {
  total: number;
  items: T[];
}

export type FetchPage<T> = (offset: number, limit: number) => Promise<Page<T>>;

export class PagedList<T> {
  readonly pageSize: number;
  /** Most pages kept; the ones furthest from the last request are dropped first. */
  readonly maxPages: number;
  private readonly fetchPage: FetchPage<T>;
  private readonly pages = new Map<number, T[]>();
  private readonly pending = new Map<number, Promise<void>>();
  /** Pages still shown but due to be fetched again (after `refreshAll`). */
  private readonly stale = new Set<number>();
  private generation = 0;
  /** The page in the middle of the last request: the one to keep pages around. */
  private center = 0;
  private _total: number | null = null;
  private onChange: () => void;
  private closed = false;

  constructor(fetchPage: FetchPage<T>, onChange: () => void, pageSize = 100, maxPages = 20) {
    this.fetchPage = fetchPage;
    this.onChange = onChange;
    this.pageSize = pageSize;
    this.maxPages = maxPages;
  }

  /** The number of rows, once the first page has answered. */
  get total(): number | null {
    return this._total;
  }

  /** The row at `index`, or undefined while its page is not loaded. */
  get(index: number): T | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  /** Replaces a loaded row (after marking it read, say) without fetching. */
  update(index: number, fn: (row: T) => T): void {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    const i = index % this.pageSize;
    const row = page?.[i];
    if (page && row !== undefined) {
      page[i] = fn(row);
      this.onChange();
    }
  }

  /** Makes sure the rows `start..end` are loaded or on their way. */
  ensure(start: number, end: number): Promise<void> {
    const first = Math.floor(Math.max(0, start) / this.pageSize);
    const last = Math.floor(Math.max(0, end - 1) / this.pageSize);
    const waits: Promise<void>[] = [];
    for (let p = first; p <= last; p++) {
      if (this._total !== null && p * this.pageSize >= this._total && p > 0) break;
      waits.push(this.load(p));
    }
    this.center = (first + last) / 2;
    this.evict();
    return Promise.all(waits).then(() => undefined);
  }

  /**
   * Marks every loaded page as out of date: they are still shown, and fetched again when
   * next asked for, so a refresh does not flash empty rows.
   */
  refreshAll(): void {
    this.generation++;
    for (const p of this.pages.keys()) this.stale.add(p);
    this.pending.clear();
  }

  /** Stops all further updates (the list was replaced by another). */
  close(): void {
    this.closed = true;
    this.onChange = () => {};
  }

  /** How many pages are held (for tests). */
  get loadedPages(): number {
    return this.pages.size;
  }

  private load(p: number): Promise<void> {
    if (this.pages.has(p) && !this.stale.has(p)) return Promise.resolve();
    const running = this.pending.get(p);
    if (running) return running;
    const generation = this.generation;
    const job = this.fetchPage(p * this.pageSize, this.pageSize)
      .then((page) => {
        if (this.closed || generation !== this.generation) return;
        this._total = page.total;
        this.pages.set(p, page.items);
        this.stale.delete(p);
        this.evict();
        this.onChange();
      })
      .finally(() => {
        if (this.pending.get(p) === job) this.pending.delete(p);
      });
    this.pending.set(p, job);
    return job;
  }

  private evict(): void {
    if (this.pages.size <= this.maxPages) return;
    const center = this.center;
    const byDistance = [...this.pages.keys()].sort(
      (a, b) => Math.abs(b - center) - Math.abs(a - center),
    );
    for (const p of byDistance.slice(0, this.pages.size - this.maxPages)) {
      this.pages.delete(p);
      this.stale.delete(p);
    }
  }
}
