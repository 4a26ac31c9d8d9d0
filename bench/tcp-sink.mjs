// Accepts TCP connections on every loopback address (127.0.0.0/8) and closes them; prints its port.
import {createServer} from 'node:net'

const server = createServer((socket) => socket.destroy())
server.listen(0, '0.0.0.0', () => console.log(server.address().port))
