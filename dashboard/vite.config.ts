import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

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
  },
  server: {
    proxy: { '/api': process.env.COMMUNS_HUB ?? 'http://127.0.0.1:8080' },
  },
});
