import type { BenchSection } from '../section'
import { webpackOverheadSection } from '../../webpack-overhead'
import { analysesSection, cliAnalyzeSection, reportVsPeersSection, runtimeSection, splitSection } from './scripts'
import { viteBuildsSection } from './vite-builds'

/**
 * bench/webpack-overhead.ts's section, with a line under its heading saying how `pnpm bench` ran it
 * (its own text names the standalone command and the sources).
 */
const webpackOverheadFromDist: BenchSection = {
  ...webpackOverheadSection,
  run: async (context) => {
    const result = await webpackOverheadSection.run(context)
    const note = 'Run by `pnpm bench` in its own process (`--sections webpack-overhead`), packages from their built `dist`: `WEIGHBRIDGE_BENCH_PACKAGES=dist` makes each build child a compiled script run by plain `node`. Where the text below names a command or says the packages ran from their sources, it describes the script run on its own.'
    const [heading = '', ...rest] = result.markdown.split('\n')
    return { ...result, markdown: [heading, '', note, ...rest].join('\n') }
  },
}

/**
 * Every bench section, in the order they run and appear in RESULTS.md. Those with `runsByDefault`
 * run without `--sections`; `--sections all` runs every one. webpack-overhead is bench/webpack-overhead.ts's
 * own section (in this process); the other optional ones spawn their standalone script (scripts.ts).
 */
export const sections: BenchSection[] = [
  viteBuildsSection,
  analysesSection,
  splitSection,
  cliAnalyzeSection,
  reportVsPeersSection,
  runtimeSection,
  webpackOverheadFromDist,
]
