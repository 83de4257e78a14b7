import { z } from '@hono/zod-openapi';

export const loginBody = z
  .strictObject({
    email: z.email().max(320),
    password: z.string().min(1).max(1024),
  })
  .openapi('LoginRequest');

export const refreshBody = z
  .strictObject({ refreshToken: z.string().min(20).max(200) })
  .openapi('RefreshRequest');

export const tokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().openapi({ description: 'Seconds the access token is valid' }),
    tokenType: z.literal('Bearer'),
  })
  .openapi('TokenPair');

export const me = z
  .object({
    user: z.object({
      id: z.string(),
      email: z.string(),
      displayName: z.string(),
      isPlatformAdmin: z.boolean(),
    }),
    memberships: z.array(
      z.object({
        workspaceId: z.string(),
        workspaceSlug: z.string(),
        workspaceName: z.string(),
        role: z.enum(['admin', 'data_steward', 'data_engineer', 'viewer']),
      }),
    ),
  })
  .openapi('Me');

export const acceptInvitationBody = z
  .strictObject({
    token: z.string().min(20).max(200),
    password: z.string().min(12).max(1024),
  })
  .openapi('AcceptInvitationRequest');
