import { describe, expect, it } from 'vitest';
import { computeWindow, scrollToReveal } from '../../src/lib/virtual/windowing';
import { PagedList, type Page } from '../../src/lib/virtual/pages';

describe('the virtual list window', () => {
  const base = { rowHeight: 92, viewportHeight: 700, overscan: 8, total: 100_000 };

  it('renders only the rows on screen and a few either side', () => {
    const w = computeWindow({ ...base, scrollTop: 0 });
    expect(w.start).toBe(0);
    expect(w.end).toBe(Math.ceil(700 / 92) + 1 + 8);
    expect(w.totalHeight).toBe(9_200_000);
  });

  it('follows the scroll position deep into 100,000 rows', () => {
    const w = computeWindow({ ...base, scrollTop: 50_000 * 92 + 10 });
    expect(w.start).toBe(50_000 - 8);
    expect(w.end - w.start).toBeLessThan(30);
    expect(w.offsetTop).toBe(w.start * 92);
  });

  it('stops at the end and clamps a scroll beyond it', () => {
    const w = computeWindow({ ...base, scrollTop: 1e12 });
    expect(w.end).toBe(100_000);
    expect(w.start).toBeGreaterThan(99_970);
  });

  it('is empty for an empty list', () => {
    expect(computeWindow({ ...base, total: 0, scrollTop: 0 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
  });

  it('scrolls just enough to show the row the keyboard moved to', () => {
    expect(scrollToReveal(5, 0, 700, 92)).toBeNull();
    expect(scrollToReveal(10, 0, 700, 92)).toBe(11 * 92 - 700);
    expect(scrollToReveal(3, 920, 700, 92)).toBe(276);
  });
});

function fakeServer(total: number) {
  const asked: number[] = [];
  let generation = 0;
  const fetch = async (offset: number, limit: number): Promise<Page<string>> => {
    asked.push(offset);
    const items = [];
    for (let i = offset; i < Math.min(total, offset + limit); i++) items.push(`m${i}@${generation}`);
    return { total, items };
  };
  return { fetch, asked, bump: () => generation++ };
}

describe('fetching pages by offset', () => {
  it('fetches each page once, and only the pages asked for', async () => {
    const server = fakeServer(100_000);
    let changes = 0;
    const list = new PagedList(server.fetch, () => changes++, 100, 5);
    expect(list.total).toBeNull();
    await list.ensure(0, 30);
    expect(list.total).toBe(100_000);
    expect(list.get(29)).toBe('m29@0');
    expect(list.get(150)).toBeUndefined();
    await Promise.all([list.ensure(0, 30), list.ensure(10, 40)]);
    expect(server.asked).toEqual([0]);
    await list.ensure(50_010, 50_040);
    expect(server.asked).toEqual([0, 50_000]);
    expect(changes).toBe(2);
  });

  it('keeps memory bounded by dropping far pages', async () => {
    const server = fakeServer(100_000);
    const list = new PagedList(server.fetch, () => {}, 100, 5);
    for (let p = 0; p < 20; p++) await list.ensure(p * 100, p * 100 + 50);
    expect(list.loadedPages).toBeLessThanOrEqual(5);
    expect(list.get(0)).toBeUndefined();
    expect(list.get(1_999)).toBe('m1999@0');
  });

  it('refreshes without emptying: old rows stay until new ones arrive', async () => {
    const server = fakeServer(500);
    const list = new PagedList(server.fetch, () => {}, 100, 5);
    await list.ensure(0, 10);
    server.bump();
    list.refreshAll();
    expect(list.get(3)).toBe('m3@0');
    await list.ensure(0, 10);
    expect(list.get(3)).toBe('m3@1');
  });

  it('ignores answers for a list that was closed', async () => {
    const server = fakeServer(500);
    let changes = 0;
    const list = new PagedList(server.fetch, () => changes++, 100, 5);
    const pending = list.ensure(0, 10);
    list.close();
    await pending;
    expect(changes).toBe(0);
    expect(list.get(0)).toBeUndefined();
  });

  it('passes a failed fetch on, and tries again next time', async () => {
    let fail = true;
    const list = new PagedList<string>(
      async (offset) => {
        if (fail) throw { code: 'offline', message: 'no network' };
        return { total: 1, items: [`m${offset}`] };
      },
      () => {},
    );
    await expect(list.ensure(0, 1)).rejects.toMatchObject({ code: 'offline' });
    fail = false;
    await list.ensure(0, 1);
    expect(list.get(0)).toBe('m0');
  });
});
