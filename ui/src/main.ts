/**
 * Starts the UI: the DKFDS themes, its icons, our styles, then the app.
 */
import { mount } from 'svelte';
import borgerdk from '../node_modules/dkfds/dist/css/dkfds-borgerdk.min.css?url';
import virkdk from '../node_modules/dkfds/dist/css/dkfds-virkdk.min.css?url';
import icons from '../node_modules/dkfds/dist/img/all-svg-icons.svg?raw';
import './styles/app.css';
import App from './App.svelte';
import { installThemes } from './lib/theme';

async function start(): Promise<void> {
  await installThemes({ borgerdk, virkdk });

  // The DKFDS icon sprite, once, so that <use href="#name"> finds every icon.
  const sprite = document.createElement('div');
  sprite.hidden = true;
  sprite.setAttribute('aria-hidden', 'true');
  sprite.innerHTML = icons.replace(/^[\s\S]*?(?=<svg)/, '');
  document.body.prepend(sprite);

  // `npm run dev` in a plain browser: answer the commands from the fixture world.
  if (import.meta.env.DEV && !('__TAURI_INTERNALS__' in window)) {
    await import('../tests/fixtures/mock-entry');
  }

  const target = document.getElementById('app');
  if (target) mount(App, { target });
}

void start();
