import { bearer, form, gateway, ownerDataSource } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { organisation, sentAssessment, waitFor } from './assessments-test-kit';

const SECURITY_TXT = readFileSync(join(__dirname, '../../evidence/src/fixtures/security.txt'));

let owner: DataSource;
beforeAll(async () => {
  owner = await ownerDataSource();
});
afterAll(async () => {
  await owner.destroy();
});

/**
 * The email with the portal link can reach the supplier before the evidence service has heard that
 * the assessment was sent. An upload that comes first finds the assessment still a draft there: it
 * waits for the sending to arrive instead of refusing the evidence with a 409, and waits outside its
 * transaction, holding no database connection.
 */
describe('a portal upload ahead of the assessment’s sending', () => {
  it('waits for the evidence service to hear of the sending, then accepts the evidence', async () => {
    const org = await organisation();
    const sent = await sentAssessment(owner, org);
    const id = sent.assessment.id as string;
    const status = async () => ((await owner.query(`select status from evidence.assessments where id = $1`, [id]))[0]?.status as string) ?? null;
    await waitFor(async () => (await status()) === 'sent', 'the evidence service to know the assessment was sent');

    // As if the sending had not arrived yet. The projection is held while the upload is sent, so the
    // upload is seen to read it as a draft before the sending "arrives".
    await owner.query(`update evidence.assessments set status = 'draft' where id = $1`, [id]);
    const holder = owner.createQueryRunner();
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table evidence.assessments in access exclusive mode');
      const uploading = gateway('/api/v1/portal/assessment/evidence', {
        method: 'POST',
        body: form({}, SECURITY_TXT, 'security.txt'),
        headers: bearer(sent.token),
      });
      const waiting = await waitFor(async () => {
        const [row] = await owner.query(
          `select l.pid from pg_locks l where l.relation = 'evidence.assessments'::regclass and not l.granted and l.pid <> pg_backend_pid() limit 1`,
        );
        return row?.pid ?? null;
      }, 'the upload to wait for the projection');
      await holder.query('commit');
      // The upload read a draft and waits to look again: outside any transaction, so its connection is
      // idle, not held idle in a transaction for as long as the sending takes to arrive.
      await waitFor(
        async () => ((await owner.query(`select state from pg_stat_activity where pid = $1`, [waiting]))[0]?.state ?? 'gone') === 'idle',
        'the upload to wait for the sending outside its transaction',
      );
      await owner.query(`update evidence.assessments set status = 'sent' where id = $1`, [id]);
      const uploaded = await uploading;
      expect([uploaded.status, uploaded.body]).toEqual([202, expect.objectContaining({ id: expect.any(String) })]);
    } finally {
      await holder.release();
    }
  });
});
