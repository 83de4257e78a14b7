import { request } from 'node:http';

export interface RawBodyResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends a request body over a real socket, either with a `Content-Length` or chunked (no
 * length at all), which `fetch` cannot be told to do. The server may answer and close before
 * the whole body is written; that write error is expected and ignored.
 *
 * @example
 * await sendBody(api.port, { method: 'POST', path: '/api/v1/auth/login', chunks: [big], chunked: true });
 */
export function sendBody(
  port: number,
  options: {
    method: string;
    path: string;
    chunks: Buffer[];
    chunked: boolean;
    headers?: Record<string, string>;
  },
): Promise<RawBodyResponse> {
  const size = options.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method,
        path: options.path,
        headers: {
          'Content-Type': 'application/json',
          ...options.headers,
          ...(options.chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': size }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    for (const chunk of options.chunks) req.write(chunk);
    req.end();
  });
}

/**
 * A valid JSON body of exactly `bytes` bytes: `value` followed by white space, which JSON
 * allows, so the size can grow without any field breaking its schema's length limits.
 */
export function jsonOfSize(value: unknown, bytes: number): Buffer {
  const text = JSON.stringify(value);
  const padding = bytes - Buffer.byteLength(text);
  if (padding < 0) throw new Error(`${text} is already longer than ${bytes} bytes`);
  return Buffer.from(text + ' '.repeat(padding));
}
