/**
 * The importer scan on real files: every .ts / .tsx file of examples/vite-app is read, and the
 * imports found are checked against TypeScript's own scanner (`ts.preProcessFile`, an independent
 * reader that knows JSX). Copies of the .tsx files with an import placed after their JSX (legal:
 * imports are hoisted) must give that import with its line. On JS / TS files the lexer reads, the
 * parser path must give the very same statements.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'
import { initImportScanner, scanImports, scanImportsWithParser } from '../src/findings/import-scan'

const repoRoot = path.resolve(import.meta.dirname, '../../..')
const appSrc = path.join(repoRoot, 'examples/vite-app/src')

function listSources(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && pattern.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map(entry => path.join(entry.parentPath, entry.name))
    .sort()
}

/** TypeScript's view: specifiers of import / export-from / import() (type-only imports included). */
function readWithTypeScript(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map(file => file.fileName)
}

describe('scanImports on examples/vite-app', () => {
  const tsxFiles = listSources(appSrc, /\.tsx$/)
  const tsFiles = listSources(appSrc, /\.ts$/)

  beforeAll(async () => {
    await initImportScanner()
  })

  it('finds every import of the .tsx files that TypeScript finds, at the right line', () => {
    expect(tsxFiles.length).toBeGreaterThanOrEqual(8)
    for (const file of tsxFiles) {
      const source = readFileSync(file, 'utf8')
      const statements = scanImports(source, path.relative(repoRoot, file))
      expect(statements.map(statement => statement.specifier).sort(), file).toEqual(readWithTypeScript(source).sort())
      const lines = source.split('\n')
      for (const statement of statements) {
        // The statement starts where the line and column say, and its text is in the file as written.
        expect(lines[statement.line - 1]!.slice(statement.column - 1), file).toMatch(/^(?:import|export)\b/)
        expect(source).toContain(statement.text)
      }
    }
  })

  it('finds imports placed after the JSX (file copies with one more import at the end)', () => {
    for (const file of tsxFiles) {
      const source = readFileSync(file, 'utf8')
      // A line of JSX text with quotes and a slash, then an import: a lexer cannot get past this.
      const extended = `${source}\nexport const Note = () => <p>Don't / won't {"x"}</p>\nimport { late as lateBinding } from './late-module'\nconst lazyLate = () => import('./late-lazy')\n`
      const statements = scanImports(extended, file)
      const lineCount = extended.split('\n').length
      const late = statements.find(statement => statement.specifier === './late-module')
      expect(late, file).toMatchObject({ kind: 'static', line: lineCount - 2, column: 1, named: [{ imported: 'late', local: 'lateBinding' }] })
      expect(statements.find(statement => statement.specifier === './late-lazy'), file).toMatchObject({ kind: 'dynamic', line: lineCount - 1, text: 'import(\'./late-lazy\')' })
      expect(statements.map(statement => statement.specifier).sort()).toEqual(readWithTypeScript(extended).sort())
    }
  })

  it('reads the .ts files with the lexer, and the parser agrees statement for statement', () => {
    const files = [...tsFiles, ...listSources(path.join(repoRoot, 'packages/core/src/findings'), /\.ts$/)]
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const source = readFileSync(file, 'utf8')
      const statements = scanImports(source, file)
      expect(statements.map(statement => statement.specifier).sort(), file).toEqual(readWithTypeScript(source).sort())
      expect(scanImportsWithParser(source, file), file).toEqual(statements)
    }
  })

  it('reads bindings, type-only imports, re-exports and Vue script blocks', () => {
    const source = [
      'import Default, { a as b, type T } from \'./one\'',
      'import type { Only } from \'./types\'',
      'import * as ns from \'./ns\'',
      'export { x as y } from \'./re\'',
      'export * as all from \'./all\'',
      'const view = <div title="a">it\'s {ns.a}</div>',
      'const lazy = () => import(\'./lazy\')',
      'const dynamic = (name: string) => import(`./pages/${name}`)',
    ].join('\n')
    const statements = scanImports(source, 'src/view.tsx')
    expect(statements.map(({ specifier, kind, line, defaultName, namespaceName, named, typeOnly }) => ({ specifier, kind, line, defaultName, namespaceName, named, typeOnly }))).toEqual([
      { specifier: './one', kind: 'static', line: 1, defaultName: 'Default', namespaceName: null, named: [{ imported: 'a', local: 'b' }, { imported: 'T', local: 'T' }], typeOnly: false },
      { specifier: './types', kind: 'static', line: 2, defaultName: null, namespaceName: null, named: [{ imported: 'Only', local: 'Only' }], typeOnly: true },
      { specifier: './ns', kind: 'static', line: 3, defaultName: null, namespaceName: 'ns', named: [], typeOnly: false },
      { specifier: './re', kind: 'reexport', line: 4, defaultName: null, namespaceName: null, named: [{ imported: 'x', local: 'y' }], typeOnly: false },
      { specifier: './all', kind: 'reexport', line: 5, defaultName: null, namespaceName: 'all', named: [], typeOnly: false },
      { specifier: './lazy', kind: 'dynamic', line: 7, defaultName: null, namespaceName: null, named: [], typeOnly: false },
    ])
    const vue = '<template>\n  <p>{{ msg }}</p>\n</template>\n\n<script setup lang="ts">\nimport { ref } from \'vue\'\nimport Chart from \'./Chart.vue\'\n</script>\n'
    expect(scanImports(vue, 'src/App.vue').map(({ specifier, line, column }) => ({ specifier, line, column }))).toEqual([
      { specifier: 'vue', line: 6, column: 1 },
      { specifier: './Chart.vue', line: 7, column: 1 },
    ])
  })
})
