/**
 * Builds the web interface (`src/web`) into `dist/web`, which the service serves at `/`. Everything
 * is bundled (ECharts included), so the pages work offline and from the service's own origin.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  clearScreen: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // ECharts is most of the bundle; one file keeps the page to three requests.
    chunkSizeWarningLimit: 1500,
  },
});
