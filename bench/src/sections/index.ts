import type { BenchSection } from '../section'
import { viteBuildsSection } from './vite-builds'

/** Every bench section, in the order they run and appear in RESULTS.md. */
export const sections: BenchSection[] = [
  viteBuildsSection,
]
