// Reads a request body with a hard size cap, so an oversized upload is refused without buffering it.
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.ts';

export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new ApiError('PAYLOAD_TOO_LARGE', `the body is ${declared} bytes; the limit is ${maxBytes}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        // Stop reading but keep the socket, so the 413 can still be sent (with Connection: close).
        request.off('data', onData);
        request.pause();
        reject(new ApiError('PAYLOAD_TOO_LARGE', `the body exceeds the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}
