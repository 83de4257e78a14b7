import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../../db/schema.js';
import { hashPassword } from '../../infra/passwords.js';

/** Sends a request to the API under test: `app.request` or `fetch` against a base URL. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/** A user with a unique e-mail address, so that test files sharing a Redis never collide. */
export async function createTestUser(
  db: Kysely<Database>,
  options: {
    platformAdmin?: boolean;
    memberships?: { workspaceId: string; role: Role }[];
    status?: 'active' | 'invited' | 'disabled';
  } = {},
): Promise<TestUser> {
  const email = `user-${randomUUID()}@example.test`;
  const password = `pw-${randomUUID()}`;
  const { id } = await db
    .insertInto('users')
    .values({
      email,
      display_name: 'Test User',
      password_hash: await hashPassword(password),
      status: options.status ?? 'active',
      is_platform_admin: options.platformAdmin ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const membership of options.memberships ?? []) {
    await db
      .insertInto('workspace_memberships')
      .values({ workspace_id: membership.workspaceId, user_id: id, role: membership.role })
      .execute();
  }
  return { id, email, password };
}

export function postJson(
  send: Send,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return send(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Signs in and fails loudly if that does not work. */
export async function login(send: Send, user: Pick<TestUser, 'email' | 'password'>) {
  const response = await postJson(send, '/api/v1/auth/login', {
    email: user.email,
    password: user.password,
  });
  if (response.status !== 200) {
    throw new Error(`login failed: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as TokenPair;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
