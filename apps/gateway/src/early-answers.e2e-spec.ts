import { inviteMember, ownerDataSourceForFile, signupTenant, testStack } from '@assay/shared/testing';
import { Socket, connect } from 'node:net';

const BOUNDARY = 'assay-early-answer';
const BODY_BYTES = 512 * 1024;

/** One HTTP/1.1 connection to the gateway, read and written by hand. */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    const end = () => {
      this.closed = true;
      this.waiting?.();
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  static async open(): Promise<RawConnection> {
    const url = new URL(testStack().gatewayUrl);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawConnection(socket);
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** The next response's status, once its whole body has arrived; null if the connection ended first. */
  async response(): Promise<number | null> {
    for (;;) {
      const head = this.buffer.indexOf('\r\n\r\n');
      if (head >= 0) {
        const headers = this.buffer.subarray(0, head).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headers)?.[1] ?? 0);
        if (this.buffer.length >= head + 4 + length) {
          this.buffer = this.buffer.subarray(head + 4 + length);
          return Number(headers.split(' ')[1]);
        }
      }
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * An upload the evidence service refuses before its body has arrived (no credentials, a role that
 * may not upload) is answered and its connection stays usable: the gateway reads and discards the
 * rest of the body rather than cutting the connection while the client is still writing (which a
 * client sees as a reset, often before it could read the refusal).
 */
describe('refusals that come before the body', () => {
  const owner = ownerDataSourceForFile();

  it.each([
    ['without credentials', 401, false, '/api/v1/evidence'],
    ['for a role that may not upload', 403, true, '/api/v1/evidence'],
    ['by the gateway for want of a route', 404, true, '/api/v1/no-such-uploads'],
  ])('answers an upload refused %s (%i) while its body is still coming, and keeps the connection for the next request', async (_by, status, signedIn, path) => {
    const org = await signupTenant();
    const viewer = signedIn ? await inviteMember(owner, org.accessToken, 'viewer') : null;
    const connection = await RawConnection.open();
    try {
      const part =
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="supplierId"\r\n\r\n01000000-0000-7000-8000-000000000000\r\n` +
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n`;
      const closing = `\r\n--${BOUNDARY}--\r\n`;
      const fileBytes = BODY_BYTES - Buffer.byteLength(part) - Buffer.byteLength(closing);
      await connection.write(
        `POST ${path} HTTP/1.1\r\nHost: assay.test\r\n${viewer ? `Authorization: Bearer ${viewer.accessToken}\r\n` : ''}` +
          `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${BODY_BYTES}\r\n\r\n${part}`,
      );
      // The refusal arrives while most of the body is still to come.
      expect(await connection.response()).toBe(status);
      for (let written = 0; written < fileBytes; written += 64 * 1024) await connection.write(Buffer.alloc(Math.min(64 * 1024, fileBytes - written), 0x41));
      await connection.write(closing);
      await connection.write('GET /api/v1/frameworks HTTP/1.1\r\nHost: assay.test\r\n\r\n');
      expect(await connection.response()).toBe(200);
    } finally {
      connection.close();
    }
  });
});
