import { createRolldownPlugin } from 'unplugin'
import { unpluginFactory } from './index'

export default createRolldownPlugin(unpluginFactory)
