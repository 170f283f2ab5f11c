import { DEFAULT_TENANT_SETTINGS } from '@assay/shared/contracts';
import { appDatabase, bearer, enrolTotp, gateway, graphql, linkToken, ownerDataSource, signupTenant, totpCode, waitFor } from '@assay/shared/testing';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';

/** Invites someone and accepts as a new person; returns their tokens and the invitation. */
async function addMember(ownerToken: string, role: string) {
  const email = `member-${Math.random().toString(36).slice(2)}@example.test`;
  const invited = await gateway('/api/v1/invitations', { method: 'POST', json: { email, role }, headers: bearer(ownerToken) });
  expect(invited.status).toBe(201);
  const token = await invitationToken(invited.body.id);
  const password = `Member password ${Math.random().toString(36).slice(2)}`;
  const accepted = await gateway('/api/v1/invitations/accept', { method: 'POST', json: { token, password, name: 'Mo Member' } });
  expect(accepted.status).toBe(200);
  return { email, password, invitationId: invited.body.id as string, inviteToken: token, userId: accepted.body.user.id as string, ...accepted.body };
}

let owner: DataSource;

/**
 * The invitation link travels in the `invitation.created` event (the email), sealed: read it from
 * the outbox, where the token itself never rests in plaintext.
 */
async function invitationToken(invitationId: string): Promise<string> {
  const [row] = await owner.query(`select payload from tenancy.outbox where type = 'invitation.created' and payload->'data'->>'invitationId' = $1`, [
    invitationId,
  ]);
  expect(row.payload.data.acceptUrl).toMatch(/^sealed:v1\./);
  const token = linkToken(row.payload.tenantId, row.payload.data.acceptUrl);
  expect(JSON.stringify(row.payload)).not.toContain(token);
  return token;
}

beforeAll(async () => {
  owner = await ownerDataSource();
});
afterAll(async () => {
  await owner.destroy();
});

describe('sign-up and sign-in', () => {
  it('creates an organisation and its owner, then signs in; passwords are argon2id and policy-checked', async () => {
    const org = await signupTenant();
    const me = await gateway('/api/v1/me', { headers: bearer(org.accessToken) });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-assay-db-queries')).toBeNull();
    expect(me.body.user.email).toBe(org.email);
    expect(me.body.tenant).toMatchObject({ id: org.tenant.id, role: 'owner' });
    const [user] = await owner.query(`select password_hash from tenancy.users where id = $1`, [org.user.id]);
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const login = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email.toUpperCase(), password: org.password } });
    expect(login.status).toBe(200);
    expect(login.body.tenants).toEqual([{ id: org.tenant.id, name: org.organisationName, role: 'owner' }]);
    const wrong = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email, password: 'not the password at all' } });
    expect(wrong.status).toBe(401);

    for (const [password, reason] of [
      ['short', /12 characters/],
      ['password1234', /commonly used/],
      ['qwertyuiop123!', /commonly used/],
    ] as const) {
      const refused = await gateway('/api/v1/auth/signup', {
        method: 'POST',
        json: { email: `x${Math.random()}@example.test`, password, name: 'X', organisationName: 'Y' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0]).toMatchObject({ field: 'password', message: expect.stringMatching(reason) });
    }
    const duplicate = await gateway('/api/v1/auth/signup', {
      method: 'POST',
      json: { email: org.email, password: org.password, name: 'X', organisationName: 'Y' },
    });
    expect(duplicate.status).toBe(409);
  });

  it('throttles repeated failures on one account with growing waits', async () => {
    const org = await signupTenant();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const attempt = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email, password: `wrong password ${i}` } });
      statuses.push(attempt.status);
      retryAfter ??= attempt.headers.get('retry-after');
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Even the right password waits out the backoff.
    const blocked = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email, password: org.password } });
    expect(blocked.status).toBe(429);
  });

  it('rotates refresh tokens; reusing a spent one ends the whole family and its access tokens', async () => {
    const org = await signupTenant();
    const first = await gateway('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: org.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(org.refreshToken);
    const second = await gateway('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);

    const reuse = await gateway('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: org.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.type).toBe('urn:assay:problem:refresh-token-reused');
    const latest = await gateway('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: second.body.refreshToken } });
    expect(latest.status).toBe(401);
    expect((await gateway('/api/v1/me', { headers: bearer(second.body.accessToken) })).status).toBe(401);
    const [session] = await owner.query(`select revoke_reason from tenancy.sessions where tenant_id = $1`, [org.tenant.id]);
    expect(session.revoke_reason).toBe('refresh_token_reuse');
  });

  it('refuses to refresh a session whose membership has ended, saying so, and ends the session', async () => {
    const org = await signupTenant();
    const member = await addMember(org.accessToken, 'viewer');
    // The membership goes without its sessions being ended with it (removal through the API ends them too).
    await owner.query(`delete from tenancy.memberships where tenant_id = $1 and user_id = $2`, [org.tenant.id, member.userId]);
    const refused = await gateway('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: member.refreshToken } });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('The membership of this session has ended');
    expect(refused.body.detail).not.toMatch(/already used/);
    expect((await gateway('/api/v1/me', { headers: bearer(member.accessToken) })).status).toBe(401);
    const [session] = await owner.query(`select revoke_reason from tenancy.sessions where tenant_id = $1 and user_id = $2`, [org.tenant.id, member.userId]);
    expect(session.revoke_reason).toBe('membership_ended');
  });

  it('logout ends the session at once', async () => {
    const org = await signupTenant();
    expect((await gateway('/api/v1/auth/logout', { method: 'POST', json: {}, headers: bearer(org.accessToken) })).status).toBe(204);
    expect((await gateway('/api/v1/me', { headers: bearer(org.accessToken) })).status).toBe(401);
    expect((await gateway('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: org.refreshToken } })).status).toBe(401);
  });

  it('refuses tokens with another algorithm, audience or signature', async () => {
    const org = await signupTenant();
    const [header, payload] = org.accessToken.split('.') as [string, string];
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
    const hs = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url')}.${payload}.c2ln`;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const otherAudience = `${header}.${Buffer.from(JSON.stringify({ ...claims, aud: 'elsewhere' })).toString('base64url')}.${org.accessToken.split('.')[2]}`;
    for (const token of [none, hs, otherAudience, `${org.accessToken}x`]) {
      expect((await gateway('/api/v1/me', { headers: bearer(token) })).status).toBe(401);
    }
  });

  it('switches to another organisation the user belongs to', async () => {
    const a = await signupTenant();
    const b = await signupTenant();
    const email = a.email;
    const invited = await gateway('/api/v1/invitations', { method: 'POST', json: { email, role: 'viewer' }, headers: bearer(b.accessToken) });
    const token = await invitationToken(invited.body.id);
    const withoutPassword = await gateway('/api/v1/invitations/accept', { method: 'POST', json: { token } });
    expect(withoutPassword.status).toBe(401);
    const accepted = await gateway('/api/v1/invitations/accept', { method: 'POST', json: { token, password: a.password } });
    expect(accepted.status).toBe(200);
    const switched = await gateway('/api/v1/auth/switch-tenant', { method: 'POST', json: { tenantId: b.tenant.id }, headers: bearer(a.accessToken) });
    expect(switched.status).toBe(200);
    const me = await gateway('/api/v1/me', { headers: bearer(switched.body.accessToken) });
    expect(me.body.tenant).toMatchObject({ id: b.tenant.id, role: 'viewer' });
    expect(me.body.tenants.map((t: { id: string }) => t.id).sort()).toEqual([a.tenant.id, b.tenant.id].sort());
    const notMember = await gateway('/api/v1/auth/switch-tenant', {
      method: 'POST',
      json: { tenantId: (await signupTenant()).tenant.id },
      headers: bearer(a.accessToken),
    });
    expect(notMember.status).toBe(404);
  });
});

describe('two-factor authentication', () => {
  it('enrols TOTP, then requires it at sign-in; a code and a recovery code each work once', async () => {
    const org = await signupTenant();
    const { secret, recoveryCodes } = await enrolTotp(org.accessToken);
    const [row] = await owner.query(`select totp_secret from tenancy.users where id = $1`, [org.user.id]);
    expect(row.totp_secret).not.toContain(secret);
    expect(row.totp_secret).toMatch(/^v1\./);

    const missing = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email, password: org.password } });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ type: 'urn:assay:problem:mfa-required', mfaRequired: true });
    const code = totpCode(secret, 1);
    const ok = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email, password: org.password, totp: code } });
    expect(ok.status).toBe(200);
    expect((await gateway('/api/v1/me', { headers: bearer(ok.body.accessToken) })).body.session.mfa).toBe(true);
    const replay = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email, password: org.password, totp: code } });
    expect(replay.status).toBe(401);
    const recovery = await gateway('/api/v1/auth/login', {
      method: 'POST',
      json: { email: org.email, password: org.password, recoveryCode: recoveryCodes[0] },
    });
    expect(recovery.status).toBe(200);
    const again = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email, password: org.password, recoveryCode: recoveryCodes[0] } });
    expect(again.status).toBe(401);
    const stored = await owner.query(`select code_hash from tenancy.recovery_codes where user_id = $1`, [org.user.id]);
    expect(stored.map((r: { code_hash: string }) => r.code_hash)).toContain(
      createHash('sha256')
        .update((recoveryCodes[1] as string).replace('-', ''))
        .digest('hex'),
    );
  });

  it('a tenant requiring MFA for admins refuses an admin session without a second factor', async () => {
    const org = await signupTenant();
    const refusedWithoutMfa = await gateway('/api/v1/tenant', {
      method: 'PATCH',
      json: { settings: { requireMfaForAdmins: true } },
      headers: bearer(org.accessToken),
    });
    expect(refusedWithoutMfa.status).toBe(409);
    const { secret } = await enrolTotp(org.accessToken);
    const mfaLogin = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email, password: org.password, totp: totpCode(secret, 1) } });
    const required = await gateway('/api/v1/tenant', {
      method: 'PATCH',
      json: { settings: { requireMfaForAdmins: true } },
      headers: bearer(mfaLogin.body.accessToken),
    });
    expect(required.status).toBe(200);

    const admin = await addMember(mfaLogin.body.accessToken, 'admin');
    const login = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: admin.email, password: admin.password } });
    expect(login.status).toBe(200);
    expect(login.body.mfaEnrolmentRequired).toBe(true);
    expect((await gateway('/api/v1/members', { headers: bearer(login.body.accessToken) })).status).toBe(403);
    expect((await gateway('/api/v1/tenant', { headers: bearer(login.body.accessToken) })).status).toBe(403);
    // Enrolling upgrades the session; from then on sign-in needs the code.
    const enrolled = await enrolTotp(login.body.accessToken);
    expect((await gateway('/api/v1/members', { headers: bearer(enrolled.accessToken) })).status).toBe(200);
    const noCode = await gateway('/api/v1/auth/login', { method: 'POST', json: { email: admin.email, password: admin.password } });
    expect(noCode.status).toBe(401);
    expect(noCode.body.mfaRequired).toBe(true);
    // A viewer is not affected by the admin requirement.
    const viewer = await addMember(mfaLogin.body.accessToken, 'viewer');
    expect((await gateway('/api/v1/tenant', { headers: bearer(viewer.accessToken) })).status).toBe(200);
  });
});

describe('roles, members and invitations', () => {
  it('enforces roles on every route and keeps at least one owner', async () => {
    const org = await signupTenant();
    const viewer = await addMember(org.accessToken, 'viewer');
    const assessor = await addMember(org.accessToken, 'assessor');
    const admin = await addMember(org.accessToken, 'admin');
    expect((await gateway('/api/v1/tenant', { headers: bearer(viewer.accessToken) })).status).toBe(200);
    expect((await gateway('/api/v1/tenant', { method: 'PATCH', json: { name: 'x' }, headers: bearer(viewer.accessToken) })).status).toBe(403);
    expect((await gateway('/api/v1/members', { headers: bearer(viewer.accessToken) })).status).toBe(200);
    expect(
      (await gateway('/api/v1/invitations', { method: 'POST', json: { email: 'a@example.test', role: 'viewer' }, headers: bearer(assessor.accessToken) }))
        .status,
    ).toBe(403);
    expect((await gateway('/api/v1/api-keys', { headers: bearer(assessor.accessToken) })).status).toBe(403);
    expect((await gateway('/api/v1/audit-events', { headers: bearer(assessor.accessToken) })).status).toBe(403);
    expect((await gateway('/api/v1/audit-events', { headers: bearer(admin.accessToken) })).status).toBe(200);
    // Admins manage members but not owners.
    expect(
      (await gateway(`/api/v1/members/${viewer.userId}`, { method: 'PATCH', json: { role: 'assessor' }, headers: bearer(admin.accessToken) })).status,
    ).toBe(200);
    expect((await gateway(`/api/v1/members/${viewer.userId}`, { method: 'PATCH', json: { role: 'owner' }, headers: bearer(admin.accessToken) })).status).toBe(
      403,
    );
    expect((await gateway(`/api/v1/members/${org.user.id}`, { method: 'DELETE', headers: bearer(admin.accessToken) })).status).toBe(403);
    // The role change ended the member's sessions: the old token no longer works.
    expect((await gateway('/api/v1/me', { headers: bearer(viewer.accessToken) })).status).toBe(401);
    // The last owner can be neither removed nor demoted.
    expect((await gateway(`/api/v1/members/${org.user.id}`, { method: 'DELETE', headers: bearer(org.accessToken) })).status).toBe(409);
    expect((await gateway(`/api/v1/members/${org.user.id}`, { method: 'PATCH', json: { role: 'admin' }, headers: bearer(org.accessToken) })).status).toBe(409);
    expect((await gateway(`/api/v1/members/${assessor.userId}`, { method: 'DELETE', headers: bearer(org.accessToken) })).status).toBe(204);
    expect((await gateway('/api/v1/me', { headers: bearer(assessor.accessToken) })).status).toBe(401);
    const list = await gateway('/api/v1/members?limit=2', { headers: bearer(org.accessToken) });
    expect(list.body.data).toHaveLength(2);
    const next = await gateway(`/api/v1/members?limit=2&cursor=${list.body.nextCursor}`, { headers: bearer(org.accessToken) });
    expect(next.body.data).toHaveLength(1);
  });

  it('invitation links are single use and expire', async () => {
    const org = await signupTenant();
    const member = await addMember(org.accessToken, 'viewer');
    const reuse = await gateway('/api/v1/invitations/accept', {
      method: 'POST',
      json: { token: member.inviteToken, password: 'Another long password 1', name: 'Z' },
    });
    expect(reuse.status).toBe(404);
    const invited = await gateway('/api/v1/invitations', {
      method: 'POST',
      json: { email: 'late@example.test', role: 'viewer' },
      headers: bearer(org.accessToken),
    });
    await owner.query(`update tenancy.invitations set expires_at = now() - interval '1 minute' where id = $1`, [invited.body.id]);
    const late = await gateway('/api/v1/invitations/accept', {
      method: 'POST',
      json: { token: await invitationToken(invited.body.id), password: 'A long enough password 7', name: 'Late' },
    });
    expect(late.status).toBe(404);
    const [stored] = await owner.query(`select token_hash from tenancy.invitations where id = $1`, [invited.body.id]);
    expect(stored.token_hash).toBe(
      createHash('sha256')
        .update(await invitationToken(invited.body.id))
        .digest('hex'),
    );
  });
});

describe('tenant settings', () => {
  it('validates against the schema, merges nested objects and fills defaults', async () => {
    const org = await signupTenant();
    const initial = await gateway('/api/v1/tenant', { headers: bearer(org.accessToken) });
    // Every setting the contract defines, filled with its default (the documented figures spot-checked).
    expect(initial.body.settings).toEqual(JSON.parse(JSON.stringify(DEFAULT_TENANT_SETTINGS)));
    expect(initial.body.settings).toMatchObject({ reassessmentLeadDays: 30, reminderPolicy: { beforeDueDays: [14, 7, 1], overdueMaxReminders: 4 } });
    const triggers = await gateway('/api/v1/tenant', {
      method: 'PATCH',
      json: { settings: { reassessmentTriggers: { evidenceExpired: true, endOfSupportWithinDays: 90 } } },
      headers: bearer(org.accessToken),
    });
    expect(triggers.body.settings.reassessmentTriggers).toEqual({
      evidenceExpired: true,
      evidenceFailed: false,
      endOfSupportWithinDays: 90,
      findingOverdue: false,
    });
    const offAgain = await gateway('/api/v1/tenant', {
      method: 'PATCH',
      json: { settings: { reassessmentTriggers: { endOfSupportWithinDays: null } } },
      headers: bearer(org.accessToken),
    });
    expect(offAgain.body.settings.reassessmentTriggers).toMatchObject({ evidenceExpired: true, endOfSupportWithinDays: null });
    const badTrigger = await gateway('/api/v1/tenant', {
      method: 'PATCH',
      json: { settings: { reassessmentTriggers: { evidenceFailed: 'yes', sunrise: true } } },
      headers: bearer(org.accessToken),
    });
    expect(badTrigger.status).toBe(400);
    const patched = await gateway('/api/v1/tenant', {
      method: 'PATCH',
      json: { name: 'Renamed Org', settings: { reminderPolicy: { beforeDueDays: [10, 3] }, reassessmentCadenceMonths: { critical: 3 } } },
      headers: bearer(org.accessToken),
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Renamed Org');
    expect(patched.body.settings.reminderPolicy).toMatchObject({ beforeDueDays: [10, 3], overdueEveryDays: 7 });
    expect(patched.body.settings.reassessmentCadenceMonths).toEqual({ critical: 3, high: 12, medium: 12, low: 24 });
    const invalid = await gateway('/api/v1/tenant', {
      method: 'PATCH',
      json: { settings: { reminderPolicy: { overdueEveryDays: 0 }, colour: 'blue', reassessmentLeadDays: -1 } },
      headers: bearer(org.accessToken),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'settings.colour',
      'settings.reassessmentLeadDays',
      'settings.reminderPolicy.overdueEveryDays',
    ]);
    expect((await gateway('/api/v1/tenant', { headers: bearer(org.accessToken) })).body.name).toBe('Renamed Org');
  });
});

describe('API keys', () => {
  it('are shown once, stored as SHA-256, scoped, and refused once revoked or expired', async () => {
    const org = await signupTenant();
    const created = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'ci', scopes: ['audit:read'] }, headers: bearer(org.accessToken) });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^assay_[0-9A-Za-z]{60}$/);
    expect(key.startsWith(created.body.prefix)).toBe(true);
    const listed = await gateway('/api/v1/api-keys', { headers: bearer(org.accessToken) });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const [row] = await owner.query(`select key_hash from tenancy.api_keys where id = $1`, [created.body.id]);
    expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));

    const used = await gateway('/api/v1/audit-events', { headers: bearer(key) });
    expect(used.status).toBe(200);
    expect((await gateway(`/api/v1/api-keys/${created.body.id}`, { headers: bearer(org.accessToken) })).body.lastUsedAt).not.toBeNull();
    // Without the scope: 403. A key is not a user: no role-only routes either.
    expect((await gateway('/api/v1/members', { headers: bearer(key) })).status).toBe(403);
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect((await gateway('/api/v1/audit-events', { headers: bearer(tampered) })).status).toBe(401);

    expect((await gateway(`/api/v1/api-keys/${created.body.id}`, { method: 'DELETE', headers: bearer(org.accessToken) })).status).toBe(204);
    expect((await gateway('/api/v1/audit-events', { headers: bearer(key) })).status).toBe(401);

    const expiring = await gateway('/api/v1/api-keys', {
      method: 'POST',
      json: { name: 'short', scopes: ['audit:read'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
      headers: bearer(org.accessToken),
    });
    expect((await gateway('/api/v1/audit-events', { headers: bearer(expiring.body.key) })).status).toBe(200);
    await owner.query(`update tenancy.api_keys set expires_at = now() - interval '1 second' where id = $1`, [expiring.body.id]);
    expect((await gateway('/api/v1/audit-events', { headers: bearer(expiring.body.key) })).status).toBe(401);
    const badScope = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'x', scopes: ['members:manage'] }, headers: bearer(org.accessToken) });
    expect(badScope.status).toBe(400);
  });
});

describe('audit log', () => {
  it('records every change, verifies the chain, detects out-of-band tampering at the row, and the app role cannot rewrite it', async () => {
    const org = await signupTenant();
    await gateway('/api/v1/tenant', { method: 'PATCH', json: { name: 'Audited Org' }, headers: bearer(org.accessToken) });
    await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'k', scopes: ['audit:read'] }, headers: bearer(org.accessToken) });
    const events = await gateway('/api/v1/audit-events', { headers: bearer(org.accessToken) });
    const actions = events.body.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['tenant.created', 'member.joined', 'session.started', 'tenant.updated', 'api_key.created']));
    const renamed = events.body.data.find((e: { action: string }) => e.action === 'tenant.updated');
    expect(renamed).toMatchObject({ actorKind: 'user', actorId: org.user.id, changes: { name: { to: 'Audited Org' } }, targetId: org.tenant.id });
    expect(renamed.requestId).toBeTruthy();
    expect((await gateway('/api/v1/audit-events/verify', { headers: bearer(org.accessToken) })).body).toEqual({
      valid: true,
      checked: events.body.data.length,
    });

    await owner.query(`update audit.events set changes = '{"name":{"to":"Innocent"}}' where id = $1`, [renamed.id]);
    const verify = await gateway('/api/v1/audit-events/verify', { headers: bearer(org.accessToken) });
    expect(verify.body).toMatchObject({ valid: false, brokenAt: { seq: renamed.seq, id: renamed.id } });

    const { dataSource: appConnection } = await appDatabase();
    try {
      await expect(appConnection.query(`update audit.events set action = 'x' where tenant_id = $1`, [org.tenant.id])).rejects.toThrow(/permission denied/);
      await expect(appConnection.query(`delete from audit.events where tenant_id = $1`, [org.tenant.id])).rejects.toThrow(/permission denied/);
    } finally {
      await appConnection.destroy();
    }
  });
});

describe('tenant isolation', () => {
  it("another tenant's ids are not found over REST and GraphQL, and nothing changes", async () => {
    const a = await signupTenant();
    const b = await signupTenant();
    const member = await addMember(a.accessToken, 'viewer');
    const key = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'a', scopes: ['audit:read'] }, headers: bearer(a.accessToken) });
    const invitation = await gateway('/api/v1/invitations', {
      method: 'POST',
      json: { email: 'pending@example.test', role: 'viewer' },
      headers: bearer(a.accessToken),
    });
    const before = await owner.query(`select count(*)::int as n from audit.events where tenant_id = $1`, [a.tenant.id]);

    const asB = bearer(b.accessToken);
    expect((await gateway(`/api/v1/members/${member.userId}`, { method: 'PATCH', json: { role: 'admin' }, headers: asB })).status).toBe(404);
    expect((await gateway(`/api/v1/members/${member.userId}`, { method: 'DELETE', headers: asB })).status).toBe(404);
    expect((await gateway(`/api/v1/api-keys/${key.body.id}`, { headers: asB })).status).toBe(404);
    expect((await gateway(`/api/v1/api-keys/${key.body.id}`, { method: 'DELETE', headers: asB })).status).toBe(404);
    expect((await gateway(`/api/v1/invitations/${invitation.body.id}`, { method: 'DELETE', headers: asB })).status).toBe(404);
    const bMembers = await gateway('/api/v1/members', { headers: asB });
    expect(bMembers.body.data.map((m: { userId: string }) => m.userId)).toEqual([b.user.id]);
    const bAudit = await gateway('/api/v1/audit-events', { headers: asB });
    expect(JSON.stringify(bAudit.body)).not.toContain(a.tenant.id);

    const revoke = await graphql('mutation ($id: ID!) { revokeApiKey(id: $id) { id status } }', { id: key.body.id }, asB);
    expect(revoke.body.data?.revokeApiKey ?? null).toBeNull();
    const remove = await graphql('mutation ($id: ID!) { removeMember(userId: $id) }', { id: member.userId }, asB);
    expect(remove.body.data?.removeMember ?? null).toBeNull();
    const keysOfB = await graphql('{ apiKeys { edges { node { id } } } members { edges { node { userId } } } }', {}, asB);
    expect(JSON.stringify(keysOfB.body.data)).not.toContain(key.body.id);
    expect(JSON.stringify(keysOfB.body.data)).not.toContain(member.userId);

    // Nothing changed in tenant A.
    expect((await gateway('/api/v1/audit-events', { headers: bearer(key.body.key) })).status).toBe(200);
    const [m] = await owner.query(`select role from tenancy.memberships where tenant_id = $1 and user_id = $2`, [a.tenant.id, member.userId]);
    expect(m.role).toBe('viewer');
    const [inv] = await owner.query(`select revoked_at from tenancy.invitations where id = $1`, [invitation.body.id]);
    expect(inv.revoked_at).toBeNull();
    const after = await owner.query(`select count(*)::int as n from audit.events where tenant_id = $1`, [a.tenant.id]);
    expect(after[0].n).toBe(before[0].n);
  });
});

describe('GraphQL', () => {
  it('serves me, tenant, members, API keys and audit events with the same access rules', async () => {
    const org = await signupTenant();
    const created = await graphql('mutation { createApiKey(input: { name: "gql", scopes: ["audit:read"] }) { id key scopes } }', {}, bearer(org.accessToken));
    expect(created.body.data.createApiKey.key).toMatch(/^assay_/);
    const updated = await graphql(
      'mutation { updateTenant(input: { settings: { reminderPolicy: { overdueEveryDays: 3 } } }) { settings { reminderPolicy { overdueEveryDays beforeDueDays } } } }',
      {},
      bearer(org.accessToken),
    );
    expect(updated.body.data.updateTenant.settings.reminderPolicy).toEqual({ overdueEveryDays: 3, beforeDueDays: [14, 7, 1] });
    const read = await graphql(
      '{ me { user { email } tenant { id role } } tenant { name } members { edges { node { email role } } } apiKeys { edges { node { name } } } auditEvents(first: 2) { edges { node { action seq } } pageInfo { hasNextPage } } auditVerification { valid } }',
      {},
      bearer(org.accessToken),
    );
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.me.tenant).toEqual({ id: org.tenant.id, role: 'owner' });
    expect(read.body.data.members.edges).toEqual([{ node: { email: org.email, role: 'owner' } }]);
    expect(read.body.data.auditEvents.pageInfo.hasNextPage).toBe(true);
    expect(read.body.data.auditVerification.valid).toBe(true);
    const viewer = await addMember(org.accessToken, 'viewer');
    const denied = await graphql('{ apiKeys { edges { node { id } } } }', {}, bearer(viewer.accessToken));
    expect(denied.body.data?.apiKeys ?? null).toBeNull();
    expect(denied.body.errors?.[0]?.message).toMatch(/api-keys:manage/);
  });
});

describe('secrets', () => {
  it('no password, key, token or TOTP seed appears in the logs', async () => {
    const org = await signupTenant();
    const { secret } = await enrolTotp(org.accessToken);
    const key = await gateway('/api/v1/api-keys', { method: 'POST', json: { name: 'k', scopes: ['audit:read'] }, headers: bearer(org.accessToken) });
    await gateway('/api/v1/audit-events', { headers: bearer(key.body.key) });
    await gateway('/api/v1/auth/login', { method: 'POST', json: { email: org.email, password: org.password, totp: totpCode(secret) } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const log = readFileSync('test-results/stack.log', 'utf8');
    for (const value of [org.password, key.body.key, org.refreshToken, org.accessToken, secret]) expect(log).not.toContain(value);
  });
});

describe('request log', () => {
  it('ends a request with a line naming its id, route, status, tenant and principal, and none of its headers', async () => {
    const org = await signupTenant();
    const requestId = `request-log-${randomUUID()}`;
    const answer = await gateway('/api/v1/suppliers?limit=1', { headers: { ...bearer(org.accessToken), 'x-request-id': requestId } });
    expect(answer.status).toBe(200);
    const line = await waitFor(
      async () =>
        readFileSync('test-results/stack.log', 'utf8')
          .split('\n')
          .find((entry) => entry.includes(`"id":"${requestId}"`) && entry.includes('"name":"assay-assessments"') && entry.includes('"request completed"')),
      'the last line of the request in the service log',
    );
    const entry = JSON.parse(line.slice(line.indexOf('{')));
    expect(entry).toMatchObject({
      req: { id: requestId, method: 'GET', url: '/api/v1/suppliers' },
      res: { statusCode: 200 },
      tenantId: org.tenant.id,
      principalId: org.user.id,
    });
    expect(entry.req.headers).toBeUndefined();
    expect(entry.res.headers).toBeUndefined();
  });
});
