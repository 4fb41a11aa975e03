import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

/** What loads later: the views other than Now (on their route) and uPlot (with the first chart). */
const LATER = /uplot|communs-(history|environment|nodes|register|footprint|household|screen)-view/;

// The hub serves dist/ at `/` with an SPA fallback, so assets are referenced from the root: a private
// view at /h/<token> must still find /assets/…. In development, `npx vite dashboard` proxies the API
// to a running hub (COMMUNS_HUB, default the hub's own default address).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: 'public',
  // brotli and gzip copies of every text file, served by the hub to browsers that accept them
  plugins: [precompress()],
  // A build is for the screen whoever starts it: a build started from the test runner (NODE_ENV=test)
  // must not pick Lit's development exports (bigger, and warning in the console).
  resolve: { conditions: ['module', 'browser', 'production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Chromium on the shared screen supports modulepreload; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    // No source maps in dist: the hub serves whatever sits there, and the budget is for the screen.
    sourcemap: false,
    reportCompressedSize: false,
    // Everything the first Now view needs in one chunk beside the entry, rather than a handful of
    // small shared ones: on a slow phone each request costs a round trip (docs/PERFORMANCE.md).
    rollupOptions: {
      output: { codeSplitting: { groups: [{ name: 'app', test: (id: string) => !LATER.test(id) }] } },
    },
  },
  server: {
    proxy: { '/api': process.env.COMMUNS_HUB ?? 'http://127.0.0.1:8080' },
  },
});
