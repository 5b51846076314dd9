/**
 * Multi-page build: one HTML entry per page, external JS and CSS only (the gateway's CSP forbids inline
 * scripts and styles), hashed names under assets/ (served immutable), and a manifest so the gateway can
 * link the same stylesheet from the pages it renders itself (/methodology, 404).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  appType: 'mpa',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // No inline data: assets and no modulepreload polyfill: fewer bytes, nothing inline.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: true,
    reportCompressedSize: false,
    rolldownOptions: {
      input: {
        index: 'index.html',
        dashboard: 'dashboard.html',
        settings: 'settings.html',
      },
      // One stylesheet for every page, named for what it is (not for the chunk that happens to import it).
      output: {
        assetFileNames: (asset) =>
          asset.names.some((n) => n.endsWith('.css'))
            ? 'assets/style-[hash][extname]'
            : 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    // `pnpm --filter @lowrouter/web exec vite` during development, next to `pnpm start` on :8080.
    proxy: { '/graphql': 'http://localhost:8080', '/methodology': 'http://localhost:8080' },
  },
});
