import { createRollupPlugin } from 'unplugin'
import { unpluginFactory } from './index'

export default createRollupPlugin(unpluginFactory)
