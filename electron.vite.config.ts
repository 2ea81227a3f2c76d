import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { iconMasks } from './src/build/vite-icon-masks';
import { patternflySidebarHas } from './src/build/vite-patternfly';

export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [patternflySidebarHas(), iconMasks(), react()],
    build: {
      // noVNC (the console) is ESM with top-level await; Electron's Chromium runs ES2022 as it is.
      target: 'es2022',
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
