import {connect} from 'node:net'

/** Resolves with the first line a TCP service sends, or rejects after `timeoutMs`. */
export function readBanner(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({host, port})
    let data = ''
    const done = (error?: Error) => {
      clearTimeout(timer)
      socket.destroy()
      if (error) reject(error)
      else resolve(data.split('\n')[0].trim())
    }
    const timer = setTimeout(() => done(new Error(`no banner from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs)
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      data += chunk
      if (data.includes('\n')) done()
    })
    socket.on('error', (error) => done(error))
  })
}

/** Polls until a service answers with a banner starting with `prefix`. */
export async function waitForBanner(host: string, port: number, prefix: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const banner = await readBanner(host, port, Math.max(100, deadline - Date.now()))
      if (banner.startsWith(prefix)) return banner
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${host}:${port} did not answer with ${prefix} within ${timeoutMs} ms (${String(last)})`)
}
