import { defineConfig } from 'vite'
import weighbridge from 'weighbridge/vite'

// Default options: the build writes the Weighbridge report next to its output and prints a summary.
export default defineConfig({
  plugins: [weighbridge()],
})
