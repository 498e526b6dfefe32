import { createRspackPlugin } from 'unplugin'
import { unpluginFactory } from './index'

export default createRspackPlugin(unpluginFactory)
