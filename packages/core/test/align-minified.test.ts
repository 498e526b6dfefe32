/**
 * Alignment of minified output with the modules' pre-minify code, on real code: a Rolldown bundle
 * of lodash-es, lodash (CommonJS), moment and react, minified by Rolldown (checked against
 * Rolldown's own source map) and, like Rollup + terser, rendered first and minified afterwards with
 * oxc's minifier (checked against where the module code sits in the unminified chunk, carried
 * through the minifier's own source map). Then the odd inputs and random ones (fast-check).
 */
import type { ByteSegment } from '../src/measure/types'
import { Buffer } from 'node:buffer'
import path from 'node:path'
import { decode } from '@jridgewell/sourcemap-codec'
import fc from 'fast-check'
import { rolldown } from 'rolldown'
import { minifySync } from 'rolldown/utils'
import { beforeAll, describe, expect, it } from 'vitest'
import { alignMinifiedModules, findLongestIncreasing, findModuleRegion, scanCode } from '../src/align-minified'
import { attributeChunkBytes } from '../src/attribute-bytes'
import { countUtf8Bytes } from '../src/utf8-offsets'

const coreRoot = path.resolve(import.meta.dirname, '..')
/** A module id inside packages/core/test, so that bare imports resolve from packages/core. */
const entryId = path.join(coreRoot, 'test', 'align-entry.js')
const ENTRY = `
import { chunk, debounce, groupBy, merge, sortBy, template, camelCase } from 'lodash-es'
import throttle from 'lodash/throttle.js'
import moment from 'moment'
import { createElement, useState } from 'react'

export function run(rows) {
  const render = template('<b><%= name %></b>')
  const grouped = groupBy(sortBy(rows, 'weight'), row => camelCase(row.kind))
  const onScroll = throttle(() => console.log('scrolled'), 100)
  const onType = debounce(() => console.log('typed'), 200)
  return { pages: chunk(rows, 10), html: rows.map(render), grouped, merged: merge({}, ...rows), onScroll, onType,
    when: moment('2025-01-15').format('LLLL'), element: createElement('p', null, 'weighbridge'), useState }
}
`

interface RenderedChunk {
  code: string
  modules: { id: string, code: string | null }[]
  map: { sources: string[], mappings: string } | null
}

async function bundleEntry(minify: boolean): Promise<RenderedChunk> {
  const build = await rolldown({
    input: entryId,
    cwd: coreRoot,
    onwarn: () => {},
    plugins: [{ name: 'test:entry', resolveId: id => (id === entryId ? entryId : null), load: id => (id === entryId ? ENTRY : null) }],
  })
  try {
    const { output } = await build.generate({ format: 'es', minify, sourcemap: minify ? 'hidden' : false })
    const chunk = output[0]
    return {
      code: chunk.code,
      modules: Object.entries(chunk.modules).map(([id, module]) => ({ id, code: module.code })),
      map: chunk.map ? { sources: chunk.map.sources, mappings: chunk.map.mappings } : null,
    }
  }
  finally {
    await build.close()
  }
}

/** Bytes per module key. */
function sumByKey(segments: ByteSegment[]): Map<number, number> {
  const sums = new Map<number, number>()
  for (const segment of segments)
    sums.set(segment.key, (sums.get(segment.key) ?? 0) + segment.end - segment.start)
  return sums
}

function packageOf(id: string): string {
  return /node_modules\/\.pnpm\/([^/]+)\//.exec(id)?.[1]?.replace(/^(@?[^@]+)@.*$/, '$1') ?? (id.startsWith('\0') ? '(runtime)' : '(app)')
}

/** The UTF-8 byte offset of every UTF-16 position of `text` (and of its end). */
function byteOffsets(text: string): Int32Array {
  const offsets = new Int32Array(text.length + 1)
  for (let index = 0; index < text.length; index++)
    offsets[index + 1] = offsets[index]! + countUtf8Bytes(text, index, index + 1)
  return offsets
}

function expectWellFormed(segments: ByteSegment[], fileBytes: number, codes: readonly (string | null | undefined)[]): void {
  let cursor = 0
  for (const segment of segments) {
    expect(segment.start).toBeGreaterThanOrEqual(cursor)
    expect(segment.end).toBeGreaterThan(segment.start)
    expect(Number.isInteger(segment.key) && segment.key >= 0 && segment.key < codes.length).toBe(true)
    expect(codes[segment.key]?.length ?? 0, `segment ${segment.start}-${segment.end}: a module without code gets no bytes`).toBeGreaterThan(0)
    cursor = segment.end
  }
  expect(cursor).toBeLessThanOrEqual(fileBytes)
}

let minified: RenderedChunk
let unminified: RenderedChunk

beforeAll(async () => {
  minified = await bundleEntry(true)
  unminified = await bundleEntry(false)
}, 60_000)

/**
 * Per module key: the bytes `reference` gives it and, of those, the bytes `aligned` gives it too.
 * Bytes the reference leaves to glue are not compared (a map leaves the wrappers a bundler writes
 * around a module unmapped, and the legal comments the minifier keeps; alignment counts them to the
 * module they belong to).
 */
function compareByByte(reference: ByteSegment[], aligned: ByteSegment[]): Map<number, { reference: number, agreed: number }> {
  const result = new Map<number, { reference: number, agreed: number }>()
  let cursor = 0
  for (const segment of reference) {
    const entry = result.get(segment.key) ?? { reference: 0, agreed: 0 }
    entry.reference += segment.end - segment.start
    while (cursor < aligned.length && aligned[cursor]!.end <= segment.start)
      cursor++
    for (let index = cursor; index < aligned.length && aligned[index]!.start < segment.end; index++) {
      if (aligned[index]!.key === segment.key)
        entry.agreed += Math.min(segment.end, aligned[index]!.end) - Math.max(segment.start, aligned[index]!.start)
    }
    result.set(segment.key, entry)
  }
  return result
}

/** Agreement per package: [bytes the reference gives the package's modules, of those agreed]. */
function agreementByPackage(comparison: Map<number, { reference: number, agreed: number }>, modules: { id: string }[]): Map<string, { reference: number, agreed: number }> {
  const byPackage = new Map<string, { reference: number, agreed: number }>()
  for (const [key, { reference, agreed }] of comparison) {
    const name = packageOf(modules[key]!.id)
    const sums = byPackage.get(name) ?? { reference: 0, agreed: 0 }
    byPackage.set(name, { reference: sums.reference + reference, agreed: sums.agreed + agreed })
  }
  return byPackage
}

describe('alignMinifiedModules on a real Rolldown bundle', () => {
  it('gives each module the bytes Rolldown\'s own source map gives it', () => {
    const { code, modules, map } = minified
    const bytes = Buffer.from(code)
    const fileName = path.join(coreRoot, 'dist', 'entry.js')
    const throughMap = attributeChunkBytes({ fileName, bytes, text: code, modules, map })
    expect(throughMap.method).toBe('sourcemap')
    const codes = modules.map(module => module.code)
    const aligned = alignMinifiedModules(code, codes)!
    expectWellFormed(aligned, bytes.length, codes)
    expect(modules.length).toBeGreaterThan(150)
    expect(bytes.length).toBeGreaterThan(50_000)

    const comparison = compareByByte(throughMap.segments, aligned)
    const total = [...comparison.values()].reduce((sum, entry) => ({ reference: sum.reference + entry.reference, agreed: sum.agreed + entry.agreed }), { reference: 0, agreed: 0 })
    // Measured: 99.8 % of the bytes the map gives a module go to the same module (lodash-es 99.4 %,
    // lodash, moment and react 100 %).
    expect(total.agreed / total.reference).toBeGreaterThan(0.99)
    // Per package (lodash and react are CommonJS, moment a UMD bundle, lodash-es ES modules).
    const byPackage = agreementByPackage(comparison, modules)
    for (const name of ['lodash-es', 'lodash', 'moment', 'react']) {
      const { reference, agreed } = byPackage.get(name)!
      expect(reference, name).toBeGreaterThan(1_000)
      expect(agreed / reference, `${name}: ${agreed} of ${reference} B agree`).toBeGreaterThan(0.97)
    }
    // Module by module: measured 81 of the 88 lodash-es modules of 100 B or more within 8 B or 5 %
    // of the map's figure; the rest is where the minifier moved code across modules (`_reEscape`'s
    // regular expression inlined into `templateSettings`).
    const mapped = sumByKey(throughMap.segments)
    const ours = sumByKey(aligned)
    let esModules = 0
    let esClose = 0
    for (const [key, module] of modules.entries()) {
      const reference = mapped.get(key) ?? 0
      if (!module.id.includes('/lodash-es/') || reference < 100)
        continue
      esModules++
      if (Math.abs((ours.get(key) ?? 0) - reference) <= Math.max(8, reference * 0.05))
        esClose++
    }
    expect(esModules).toBeGreaterThan(80)
    expect(esClose / esModules).toBeGreaterThanOrEqual(0.85)
  })

  it('is attributeChunkBytes\' choice after a source map and before an estimate', () => {
    const { code, modules, map } = minified
    const input = { fileName: path.join(coreRoot, 'dist', 'entry.js'), bytes: Buffer.from(code), text: code }
    // The user's own map wins: it is there for free.
    expect(attributeChunkBytes({ ...input, modules, map }).method).toBe('sourcemap')
    const aligned = attributeChunkBytes({ ...input, modules, map: null })
    expect(aligned.method).toBe('aligned')
    expect(aligned.segments).toEqual(alignMinifiedModules(code, modules.map(module => module.code)))
    // A module without its code (an older bundler) would get nothing: estimate instead.
    expect(attributeChunkBytes({ ...input, modules: modules.map((module, index) => index === 3 ? { id: module.id, renderedLength: 100 } : module) }).method).toBe('estimated')
  })

  it('gives the same segments wherever the scan of the file and of the modules is cut into slices', () => {
    // The scanner goes through the code some thousand characters at a time. Shifting the file (a
    // leading import one character longer each time) and every module (a comment, which weighs
    // nothing) moves the cuts through the code: the segments must only move along. (The scanner's
    // own test below checks the tokens at every cut; this, the whole alignment.)
    const { code, modules } = minified
    const codes = modules.map(module => module.code)
    const reference = alignMinifiedModules(code, codes)!
    expect(reference.length).toBeGreaterThan(100)
    for (let shift = 1; shift <= 16; shift++) {
      const prefix = `import"./${'x'.repeat(shift)}.js";`
      const shifted = alignMinifiedModules(prefix + code, codes.map(moduleCode => moduleCode && `/*${'x'.repeat(shift)}*/${moduleCode}`))
      expect(shifted, `shifted by ${shift}`).toEqual(reference.map(segment => ({ ...segment, start: segment.start + prefix.length, end: segment.end + prefix.length })))
    }
  })

  it('aligns code minified after rendering (like Rollup + terser) with where the minifier\'s map puts it', () => {
    const { code: rendered, modules } = unminified
    const codes = modules.map(module => module.code)
    // Where each module's code sits in the unminified chunk: found verbatim.
    const exact = attributeChunkBytes({ fileName: entryId, bytes: Buffer.from(rendered), text: rendered, modules })
    expect(exact.method).toBe('exact')
    const result = minifySync('chunk.js', rendered, { module: true, compress: true, mangle: { toplevel: true }, sourcemap: true })
    const text = result.code
    expect(text.length).toBeLessThan(rendered.length * 0.6)

    // The truth: each generated segment of the minifier's map belongs to the module whose rendered
    // code holds its original position (a segment owns the bytes up to the next one on its line).
    const renderedLineStarts = [0]
    for (let index = 0; index < rendered.length; index++) {
      if (rendered.charCodeAt(index) === 10)
        renderedLineStarts.push(index + 1)
    }
    const renderedBytes = byteOffsets(rendered)
    const textBytes = byteOffsets(text)
    const moduleAt = (byte: number): number => {
      const index = exact.segments.findLastIndex(segment => segment.start <= byte)
      return index >= 0 && byte < exact.segments[index]!.end ? exact.segments[index]!.key : -1
    }
    const truth: ByteSegment[] = []
    let lineStart = 0
    for (const line of decode(result.map!.mappings)) {
      const newline = text.indexOf('\n', lineStart)
      const lineEnd = newline === -1 ? text.length : newline
      for (const [index, segment] of line.entries()) {
        const key = segment.length >= 4 ? moduleAt(renderedBytes[renderedLineStarts[segment[2]!]! + segment[3]!]!) : -1
        const start = textBytes[lineStart + segment[0]]!
        const end = textBytes[index + 1 < line.length ? lineStart + line[index + 1]![0] : lineEnd]!
        if (key >= 0 && end > start) {
          if (truth.at(-1)?.key === key && truth.at(-1)!.end === start)
            truth.at(-1)!.end = end
          else
            truth.push({ start, end, key })
        }
      }
      lineStart = lineEnd + 1
    }

    const aligned = alignMinifiedModules(text, codes)!
    expectWellFormed(aligned, Buffer.byteLength(text), codes)
    const comparison = compareByByte(truth, aligned)
    const total = [...comparison.values()].reduce((sum, entry) => ({ reference: sum.reference + entry.reference, agreed: sum.agreed + entry.agreed }), { reference: 0, agreed: 0 })
    expect(total.reference).toBeGreaterThan(40_000)
    // Measured: 99.8 % of the bytes go to the module the minifier's map says (lodash-es 99.4 %).
    expect(total.agreed / total.reference).toBeGreaterThan(0.99)
    for (const [name, { reference, agreed }] of agreementByPackage(comparison, modules)) {
      if (reference >= 1_000)
        expect(agreed / reference, `${name}: ${agreed} of ${reference} B agree`).toBeGreaterThan(0.97)
    }
  })
})

describe('alignMinifiedModules on odd inputs', () => {
  it('keeps leading imports and the trailing export as glue and places the boundary at a statement end', () => {
    const codes = [
      '// a.js\nfunction formatPrice(value) {\n\treturn "EUR " + value.toFixed(2) + " incl. VAT";\n}\n',
      '// b.js\nconst labels = { shipping: "Shipping costs", returns: "Free returns" };\nfunction describe(kind) {\n\treturn labels[kind];\n}\n',
    ]
    const text = 'import{x as e}from"./shared.js";function t(e){return`EUR `+e.toFixed(2)+` incl. VAT`}const n={shipping:`Shipping costs`,returns:`Free returns`};function r(e){return n[e]}export{t as formatPrice,r as describe};'
    const segments = alignMinifiedModules(text, codes)!
    const boundary = text.indexOf('const n=')
    expect(segments).toEqual([
      { start: text.indexOf('function t'), end: boundary, key: 0 },
      { start: boundary, end: text.indexOf('export{'), key: 1 },
    ])
    expect(findModuleRegion(text)).toEqual([text.indexOf('function t'), text.indexOf('export{')])
  })

  it('splits the gap between anchors among modules without anchors by their size', () => {
    const codes = [
      'function first() { return "alpha-anchor-one" }\n',
      'function second(a) { return a + 1 }\n',
      'function third(a, b) { return a * b + a - b }\n',
      'function fourth() { return "omega-anchor-two" }\n',
    ]
    const text = 'function e(){return`alpha-anchor-one`}function t(e){return e+1}function n(e,t){return e*t+e-t}function r(){return`omega-anchor-two`}'
    const segments = alignMinifiedModules(text, codes)!
    expect(segments.map(segment => segment.key)).toEqual([0, 1, 2, 3])
    expect(segments.map(segment => text.slice(segment.start, segment.end))).toEqual([
      'function e(){return`alpha-anchor-one`}',
      'function t(e){return e+1}',
      'function n(e,t){return e*t+e-t}',
      'function r(){return`omega-anchor-two`}',
    ])
  })

  it('reads templates with nested expressions, regular expressions, comments and unicode', () => {
    const codes = [
      '// one.js\nconst re = /["\'`]\\/[/]+/g;\nconst half = total / 2 / count;\nexport const greet = (name) => `Grüße ${name.replace(re, "")} — ${`nested ${"inner-🙂"}`}`;\n',
      '/* two.js */\nconst 名前 = "ünïcödé-value";\nexport const label = { "weird key": 名前, plain: "second-module-text" };\n',
    ]
    const text = 'const e=/["\'`]\\/[/]+/g,t=total/2/count,n=t=>`Grüße ${t.replace(e,``)} — nested inner-🙂`,r=`ünïcödé-value`,i={"weird key":r,plain:`second-module-text`};export{n as greet,i as label};'
    const segments = alignMinifiedModules(text, codes)!
    const bytes = Buffer.from(text)
    expect(segments.map(segment => segment.key)).toEqual([0, 1])
    const [one, two] = segments.map(segment => bytes.subarray(segment.start, segment.end).toString())
    expect(one).toBe('const e=/["\'`]\\/[/]+/g,t=total/2/count,n=t=>`Grüße ${t.replace(e,``)} — nested inner-🙂`,')
    expect(two).toBe('r=`ünïcödé-value`,i={"weird key":r,plain:`second-module-text`};')
  })

  it('gives one module everything between imports and export, and nothing to modules without code', () => {
    const text = 'import"./polyfill.js";console.log(`only one`);export{};'
    expect(alignMinifiedModules(text, [null, '// only.js\nconsole.log("only one")\n', ''])).toEqual([
      { start: text.indexOf('console'), end: text.indexOf('export{'), key: 1 },
    ])
    expect(alignMinifiedModules(text, [null, undefined, ''])).toBeNull()
    expect(alignMinifiedModules('', ['a'])).toBeNull()
    expect(alignMinifiedModules(text, [])).toBeNull()
    // Nothing in common: no alignment (the caller estimates instead).
    expect(alignMinifiedModules('a=1;b=2;', ['x = 3\n', 'y = 4\n'])).toBeNull()
  })

  it('finds the same tokens wherever the scan is cut, in real code and in garbage', () => {
    // The scanner keeps its state (template nesting, brace depth, whether a `/` starts a regular
    // expression, a pending template text) from one slice to the next: cut after every character,
    // it must find what one pass finds.
    const whole = (code: string, weighted: boolean): ReturnType<typeof scanCode> => scanCode(code, weighted, 1 << 30)
    const braces = 'const f = (a) => `x ${ {a: 1}.a } y ${a ? `in ${ {b: {c: 2}}.b.c }` : \'\'} z`;\nfunction g(a) { if (a) { return `q ${ {d: [3]}.d[0] / 2 }` + /[}]`/.source } }\n'
    const codes = [minified.code, braces, unminified.code, ...minified.modules.flatMap(module => module.code ? [module.code] : [])]
    let tokens = 0
    for (const [index, code] of codes.entries()) {
      const weighted = index > 0
      const reference = whole(code, weighted)
      tokens += reference.hashes.length
      for (const slice of [1, 2, 3, 7, 8192])
        expect(scanCode(code, weighted, slice), `code ${index}, slices of ${slice}`).toEqual(reference)
    }
    expect(tokens).toBeGreaterThan(50_000)
    const garbage = fc.string({ unit: fc.constantFrom('`', '"', '\'', '/', '*', '\\', '$', '{', '}', '(', ')', '[', ']', '\n', ' ', 'a', 'é', '🙂', '\uD800', ';', ',', '.', '=', 'x1', 'return', '//', '/*', '*/', '${', '1e+5'), maxLength: 200 })
    fc.assert(fc.property(garbage, fc.boolean(), fc.integer({ min: 1, max: 9 }), (code, weighted, slice) => {
      expect(scanCode(code, weighted, slice)).toEqual(whole(code, weighted))
    }), { numRuns: 300 })
  })

  it('reads templates nested deeper than its first stack holds', () => {
    // 40 levels of `${`...`}`: after them the scan is back in code, and finds the string that
    // follows as the same token as alone.
    let nested = '"deep-inner-text"'
    for (let level = 0; level < 40; level++)
      nested = `\`level-${level} \${${nested}} end\``
    const tokens = scanCode(`const nested = ${nested};\nconst after = "after-the-nesting";\n`, true)
    const alone = scanCode('"after-the-nesting"', true)
    // const, nested, the 40 level texts, the inner string, the 40 end texts, const, after, the string.
    expect(tokens.hashes.length).toBe(2 + 40 + 1 + 40 + 3)
    expect(tokens.hashes[2 + 40]).toBe(scanCode('"deep-inner-text"', true).hashes[0])
    const end = scanCode('` end`', true).hashes[0]
    expect([...tokens.hashes.subarray(2 + 41, 2 + 81)]).toEqual(Array.from({ length: 40 }, () => end))
    expect(tokens.hashes.at(-1)).toBe(alone.hashes[0])
  })

  it('reads a word or a number at the very end of the code as one followed by more code', () => {
    for (const weighted of [false, true]) {
      expect(scanCode('x = total', weighted).hashes.at(-1)).toBe(scanCode('total;', weighted).hashes[0])
      expect(scanCode('x = 12e', weighted).weight).toBe(scanCode('x = 12e;', weighted).weight - 1)
    }
  })

  it('anchors small modules numbered before thousands of distinct names', () => {
    // The tokens are numbered in a table that grows as it fills: the small modules' tokens are in
    // it before the large module's 6,000 property names make it grow.
    const small = [
      ['export const tiny = "first-small-module";\n', 'const e=`first-small-module`;'],
      ['export function describe(kind) { return kind === "box" ? "a cardboard box" : "something else entirely" }\n', 'function t(e){return e===`box`?`a cardboard box`:`something else entirely`}'],
      ['export const limits = { weight: 30, length: 120 };\n', 'const n={weight:30,length:120};'],
      ['export class Parcel { constructor(id) { this.id = id } label() { return "parcel " + this.id } }\n', 'class r{constructor(e){this.id=e}label(){return`parcel `+this.id}}'],
    ]
    const names = Array.from({ length: 6000 }, (_, index) => `field${index}`)
    const codes = [...small.map(([code]) => code!), `export const table = { ${names.map(name => `${name}: 1`).join(', ')} };\n`]
    const parts = [...small.map(([, text]) => text!), `const i={${names.map(name => `${name}:1`).join(',')}};`]
    const text = `${parts.join('')}export{e as tiny,t as describe,n as limits,r as Parcel,i as table};`
    let start = 0
    expect(alignMinifiedModules(text, codes)).toEqual(parts.map((part, key) => ({ start, end: (start += part.length), key })))
  })

  it('finds a longest increasing subsequence like brute force does', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 12 }), (values) => {
      const kept = findLongestIncreasing(values)
      for (let index = 1; index < kept.length; index++) {
        expect(kept[index]!).toBeGreaterThan(kept[index - 1]!)
        expect(values[kept[index]!]!).toBeGreaterThan(values[kept[index - 1]!]!)
      }
      let best = 0
      for (let mask = 0; mask < 1 << values.length; mask++) {
        let last = -1
        let size = 0
        let increasing = true
        for (let index = 0; index < values.length && increasing; index++) {
          if (mask & (1 << index)) {
            increasing = values[index]! > last
            last = values[index]!
            size++
          }
        }
        if (increasing)
          best = Math.max(best, size)
      }
      expect(kept.length).toBe(best)
    }))
  })

  it('never throws, and returns sorted, disjoint segments inside the file for truncated, shuffled or garbage input', () => {
    const codes = minified.modules.map(module => module.code)
    const sample = minified.code.slice(0, 40_000)
    const sampleCodes = codes.slice(0, 60)
    const garbage = fc.string({ unit: fc.constantFrom('`', '"', '\'', '/', '*', '\\', '$', '{', '}', '(', ')', '[', ']', '\n', ' ', 'a', 'é', '🙂', '\uD800', ';', ',', '=', 'x1', 'return', '//', '/*', '*/', '${') , maxLength: 300 })
    fc.assert(fc.property(
      fc.nat(sample.length),
      fc.nat(sample.length),
      garbage,
      fc.array(fc.oneof(fc.constant(null), garbage, fc.constantFrom(...sampleCodes)), { maxLength: 8 }),
      (from, to, noise, extraCodes) => {
        const text = sample.slice(Math.min(from, to), Math.max(from, to)) + noise
        const moduleCodes = [...sampleCodes.slice(0, 20), ...extraCodes]
        const segments = alignMinifiedModules(text, moduleCodes)
        if (segments)
          expectWellFormed(segments, Buffer.byteLength(text), moduleCodes)
        const random = alignMinifiedModules(noise, extraCodes)
        if (random)
          expectWellFormed(random, Buffer.byteLength(noise), extraCodes)
      },
    ), { numRuns: 150 })
  })
})
