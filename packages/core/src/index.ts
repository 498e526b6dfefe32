export * from './model'
export type * from './collected'
export type * from './measure/types'
