// Vitest setup: jest-dom style matchers are not needed; DOM cleanup after each test.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/svelte';

afterEach(() => cleanup());
