export declare const CLIENT_BUILD_OPTIONS: {
  readonly bundle: true
  readonly format: 'iife'
  readonly platform: 'browser'
  readonly conditions: string[]
  readonly target: string[]
  readonly minify: true
  readonly legalComments: 'none'
  readonly charset: 'utf8'
  readonly write: false
  readonly logLevel: 'silent'
}
