/**
 * Tells the Rust side, once per page load, that the first list of letters has been drawn;
 * the app writes how long its start took in its log (`first_list_shown`). Diagnostics only:
 * if the call fails, nothing the user sees changes.
 */
import { call } from './ipc';

let reported = false;

/** Call when a list's first page is in the DOM; reports after the next frame is painted. */
export function reportFirstList(letters: number): void {
  if (reported) return;
  reported = true;
  // Two frames: the first runs before the paint that shows the rows, the second after it.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      call('first_list_shown', { pageMs: performance.now(), letters }).catch(() => {});
    }),
  );
}

/** For tests: the next list is reported again. */
export function resetFirstListReport(): void {
  reported = false;
}
