/// <reference types="node" />
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * dist/.gitkeep is committed so that `//go:embed all:dist` compiles before
 * the console is built; the build empties dist/, so put it back.
 */
function keepDistDir(): Plugin {
  return {
    name: 'switchyard-keep-dist',
    apply: 'build',
    closeBundle() {
      writeFileSync(fileURLToPath(new URL('./dist/.gitkeep', import.meta.url)), '');
    },
  };
}

// The console is served by the Go server from dist/ (embedded with go:embed).
// `npm run dev` proxies /api to a running server (SWITCHYARD_URL, default
// http://127.0.0.1:8088).
export default defineConfig({
  plugins: [react(), keepDistDir()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // Libraries change less often than the console: separate chunks cache better.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler|@tanstack)[\\/]/, priority: 20 },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-[^\\/]+|@rc-component|dayjs)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:8088' },
    },
  },
  test: {
    // Component tests (*.test.tsx) ask for jsdom with a `@vitest-environment jsdom` comment.
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    // Rendering the release page in jsdom takes seconds on a shared machine.
    testTimeout: 30_000,
  },
});
