import { createVitePlugin } from 'unplugin'
import { unpluginFactory } from './index'

export default createVitePlugin(unpluginFactory)
