import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The web UI (web/) builds into dist/web/, served by src/adapters/http/routes/web.routes.ts: index.html for the UI
 * routes, hashed files under /assets/ with a year-long cache. Nothing inline (the CSP allows only 'self'), no
 * third-party origins.
 */
export default defineConfig({
  root: 'web',
  base: '/',
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The preload polyfill would be injected into the page; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    // Small assets would otherwise become data: URLs inside the CSS/JS; keep every asset a same-origin file.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
