import { createWebpackPlugin } from 'unplugin'
import { unpluginFactory } from './index'

export default createWebpackPlugin(unpluginFactory)
