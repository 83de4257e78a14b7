import type { MysqlSession } from './mysql-session.js';

/** Idle sessions kept for reuse; more concurrent samples than this open and close their own. */
const MAX_IDLE = 4;

/**
 * The sessions of one scanner connection. Samples of a batch run one after another or side by
 * side; each takes an idle session or opens one, so a batch of fifty tables costs a handful of
 * logins instead of fifty. When the scan is cancelled every session is destroyed at once,
 * which also ends a query the server is still running for us.
 *
 * @example
 * const pool = new SessionPool(() => openSession(config, context), context.signal);
 * const version = await pool.use((session) => session.select('SELECT VERSION() AS v'));
 * await pool.close();
 */
export class SessionPool {
  private readonly idle: MysqlSession[] = [];
  private readonly busy = new Set<MysqlSession>();
  private closed = false;
  private readonly onAbort = () => this.destroyAll();

  constructor(
    private readonly open: () => Promise<MysqlSession>,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  async acquire(): Promise<MysqlSession> {
    this.signal.throwIfAborted();
    if (this.closed) throw new Error('the scanner connection is closed');
    const session = this.idle.pop() ?? (await this.open());
    if (this.closed || this.signal.aborted) {
      session.destroy();
      this.signal.throwIfAborted();
      throw new Error('the scanner connection is closed');
    }
    this.busy.add(session);
    return session;
  }

  /** Returns a session; one that cannot be reused (a stream left half-read) is dropped. */
  release(session: MysqlSession): void {
    this.busy.delete(session);
    if (!this.closed && session.reusable() && this.idle.length < MAX_IDLE) {
      this.idle.push(session);
    } else {
      void session.close();
    }
  }

  async use<T>(work: (session: MysqlSession) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    try {
      return await work(session);
    } finally {
      this.release(session);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.signal.removeEventListener('abort', this.onAbort);
    const sessions = [...this.idle.splice(0), ...this.busy];
    this.busy.clear();
    await Promise.all(sessions.map((session) => session.close()));
  }

  private destroyAll(): void {
    this.closed = true;
    for (const session of [...this.idle.splice(0), ...this.busy]) session.destroy();
    this.busy.clear();
  }
}
