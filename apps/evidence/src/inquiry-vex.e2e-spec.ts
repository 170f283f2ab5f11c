import { bearer, emitEvent, gateway, signupTenant, waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LOG4SHELL_OSV,
  customerCalls,
  evidenceTestDatabases,
  fixture,
  form,
  inquiryLinkMailed,
  log4ShellNotAffectedVex,
  openVexValidator,
} from './evidence-test-kit';

/*
 * A supplier answers an inquiry by uploading a VEX through the inquiry link, on the real stack: the
 * real Log4Shell OSV record and an SBOM shipping log4j-core 2.14.1 put the supplier at risk; a file
 * that is not a VEX is refused with a clear problem; Apache Commons Text's published CycloneDX VEX
 * (XML, about CVE-2025-48924) is kept as evidence but answers nothing; an OpenVEX document about
 * Log4Shell answers the inquiry, sets the exposure from the VEX and joins the OpenVEX export; a
 * replayed `evidence.processed` answers and announces nothing twice.
 */

const COMMONS_TEXT_VEX = readFileSync(join(__dirname, '../../../libs/evidence/src/parsing/__fixtures__/real/commons-text-vex.cdx.xml'));
const LOG4J_CORE = 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('a supplier answers an inquiry by uploading a VEX', () => {
  const kit = evidenceTestDatabases();

  it('keeps every upload as the supplier’s evidence, answers the inquiry once from the VEX that covers it, and says why the others did not', async () => {
    const org = await signupTenant();
    const { call, supplier, upload, advisory } = customerCalls(kit.owner, org.accessToken);
    const answering = await supplier('Answering Ltd');
    await upload(answering.id, fixture('cyclonedx.json'), 'bom.json');
    const advisoryId = await advisory(JSON.parse(LOG4SHELL_OSV.toString('utf8')));
    const created = await call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt: inDays(14) });
    expect(created.status).toBe(201);
    const inquiryId = created.body.data[0].id as string;
    const link = bearer((await inquiryLinkMailed(answering.email, 'CVE-2021-44228')).token);

    const send = (content: Buffer, name: string) => gateway('/api/v1/portal/inquiry/vex', { method: 'POST', body: form({}, content, name), headers: link });
    /** The upload once the worker has read it. */
    const settled = (evidenceId: string) =>
      waitFor(async () => {
        const found = await gateway(`/api/v1/portal/inquiry/vex/${evidenceId}`, { headers: link });
        expect(found.status).toBe(200);
        return found.body.status === 'processing' ? null : found.body;
      }, 'the VEX upload settled');
    const inquiry = async () => (await call('GET', `/api/v1/inquiries/${inquiryId}`)).body;
    const answeredEvents = async () =>
      (await kit.owner.query(`select payload->'data' as data from evidence.outbox where tenant_id = $1 and type = 'inquiry.answered'`, [org.tenant.id])).map(
        (row: { data: unknown }) => row.data,
      );

    // Refused before anything is kept: no file, an empty file, extra fields, another kind of link.
    const json = await gateway('/api/v1/portal/inquiry/vex', { method: 'POST', json: { url: 'https://example.com/vex.json' }, headers: link });
    expect(json.status).toBe(400);
    expect(json.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(json.body.errors).toEqual([expect.objectContaining({ field: 'file' })]);
    const empty = await send(Buffer.alloc(0), 'vex.json');
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'file' })]);
    const extra = await gateway('/api/v1/portal/inquiry/vex', {
      method: 'POST',
      body: form({ supplierId: answering.id }, log4ShellNotAffectedVex('pkg:npm/widget-cloud@3.1.0'), 'vex.json'),
      headers: link,
    });
    expect(extra.status).toBe(400);
    const assessmentLink = await call('POST', `/api/v1/assessments/${answering.assessmentId}/send`, {});
    expect(assessmentLink.status).toBe(200);
    const shared = await call('POST', `/api/v1/assessments/${answering.assessmentId}/portal-links`, { contactId: answering.contactId });
    const wrongLink = await gateway('/api/v1/portal/inquiry/vex', {
      method: 'POST',
      body: form({}, COMMONS_TEXT_VEX, 'vex.xml'),
      headers: bearer(shared.body.token),
    });
    expect(wrongLink.status).toBe(403);
    expect((await gateway('/api/v1/portal/inquiry/vex', { headers: link })).body).toEqual({ data: [] });

    // A file that is not a VEX document: kept as the supplier's upload, refused as an answer, with the reason.
    const notVex = await send(fixture('express-security-policy.md'), 'SECURITY.md');
    expect(notVex.status).toBe(202);
    expect(notVex.body).toMatchObject({ status: 'processing', answer: null, problem: null, filename: 'SECURITY.md' });
    expect(await settled(notVex.body.evidenceId)).toMatchObject({
      status: 'rejected',
      answer: null,
      problem: { field: 'file', message: expect.stringContaining('is not an OpenVEX or CycloneDX VEX document') },
    });

    // A real VEX about another vulnerability: kept as the supplier's VEX evidence, the inquiry stays unanswered and the upload says why.
    const other = await send(COMMONS_TEXT_VEX, 'VEX.cyclonedx.xml');
    expect(other.status).toBe(202);
    expect(await settled(other.body.evidenceId)).toMatchObject({
      status: 'unanswered',
      answer: null,
      problem: { field: 'file', message: 'has no statement about GHSA-jfh8-c2jp-5v3q, CVE-2021-44228' },
    });
    expect((await call('GET', `/api/v1/evidence/${other.body.evidenceId}`)).body).toMatchObject({ supplierId: answering.id, kind: 'vex', status: 'processed' });
    expect(await inquiry()).toMatchObject({ status: 'sent', answer: null });
    expect(await answeredEvents()).toEqual([]);

    // The OpenVEX document about Log4Shell covering the supplier's log4j-core answers the inquiry from its statement.
    const vex = log4ShellNotAffectedVex('pkg:npm/widget-cloud@3.1.0', {
      impact_statement: 'widget-cloud never logs user input and sets log4j2.formatMsgNoLookups=true',
    });
    const accepted = await send(vex, 'widget-cloud.openvex.json');
    expect(accepted.status).toBe(202);
    const answer = {
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impactStatement: 'widget-cloud never logs user input and sets log4j2.formatMsgNoLookups=true',
    };
    expect(await settled(accepted.body.evidenceId)).toMatchObject({ status: 'answered', answer, problem: null, settledAt: expect.any(String) });
    expect(await inquiry()).toMatchObject({ status: 'answered', answer, answeredByContactId: answering.contactId });
    const view = (await gateway('/api/v1/portal/inquiry', { headers: link })).body;
    expect(view.inquiry).toMatchObject({ status: 'answered', answer });
    expect(view.components).toEqual([{ purl: LOG4J_CORE, version: '2.14.1', status: 'not_affected', statusSource: 'vex' }]);
    const exposure = (await call('GET', `/api/v1/advisories/${advisoryId}`)).body.exposure;
    expect(exposure).toEqual([
      expect.objectContaining({
        supplierId: answering.id,
        purl: LOG4J_CORE,
        status: 'not_affected',
        statusSource: 'vex',
        statement: expect.objectContaining({ status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }),
      }),
    ]);
    expect(await answeredEvents()).toEqual([
      expect.objectContaining({ inquiryId, advisoryId, supplierId: answering.id, answer, contactId: answering.contactId }),
    ]);

    // The export includes the answer, valid OpenVEX.
    const exported = await call('GET', `/api/v1/advisories/${advisoryId}/vex`);
    expect(exported.status).toBe(200);
    const validate = openVexValidator();
    expect({ valid: validate(exported.body), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
    expect(exported.body.statements).toEqual([
      expect.objectContaining({
        '@id': `urn:uuid:${inquiryId}`,
        vulnerability: { name: 'CVE-2021-44228', aliases: ['GHSA-jfh8-c2jp-5v3q'] },
        products: [{ '@id': `urn:uuid:${answering.id}`, subcomponents: [{ '@id': LOG4J_CORE }] }],
        status: 'not_affected',
        justification: answer.justification,
        impact_statement: answer.impactStatement,
      }),
    ]);

    // A replayed `evidence.processed` of the VEX is matched again, and answers and announces nothing twice.
    const statementIds = async () =>
      (await kit.owner.query(`select id from evidence.vex_statements where evidence_id = $1 order by id`, [accepted.body.evidenceId])).map(
        (row: { id: string }) => row.id,
      );
    const before = await statementIds();
    const [processed] = await kit.owner.query(
      `select payload from evidence.outbox where tenant_id = $1 and type = 'evidence.processed' and payload->'data'->>'evidenceId' = $2`,
      [org.tenant.id, accepted.body.evidenceId],
    );
    await emitEvent(kit.app.database, 'evidence', org.tenant.id, 'evidence.processed', processed.payload.data);
    await waitFor(async () => JSON.stringify(await statementIds()) !== JSON.stringify(before), 'the replay matched');
    // The same content uploaded again is the same evidence and the same upload: nothing more.
    const again = await send(vex, 'widget-cloud.openvex.json');
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ evidenceId: accepted.body.evidenceId, status: 'answered' });
    expect(await answeredEvents()).toHaveLength(1);
    const [stored] = await kit.owner.query(`select answer_revision, answer_evidence_id from evidence.inquiries where id = $1`, [inquiryId]);
    expect(stored).toEqual({ answer_revision: 1, answer_evidence_id: accepted.body.evidenceId });

    // The link lists its uploads, newest first, each with what came of it.
    const listed = (await gateway('/api/v1/portal/inquiry/vex', { headers: link })).body.data;
    expect(listed.map((item: { evidenceId: string; status: string }) => [item.evidenceId, item.status])).toEqual([
      [accepted.body.evidenceId, 'answered'],
      [other.body.evidenceId, 'unanswered'],
      [notVex.body.evidenceId, 'rejected'],
    ]);
    expect((await gateway(`/api/v1/portal/inquiry/vex/${answering.id}`, { headers: link })).status).toBe(404);
    expect((await gateway('/api/v1/portal/inquiry/vex/not-a-uuid', { headers: link })).status).toBe(400);

    // An answer given on the page later replaces it, and the exposure follows the answer again.
    const page = await gateway('/api/v1/portal/inquiry', { method: 'PUT', json: { status: 'under_investigation' }, headers: link });
    expect(page.status).toBe(200);
    expect(page.body.components).toEqual([expect.objectContaining({ status: 'under_investigation', statusSource: 'inquiry' })]);
    expect((await kit.owner.query(`select answer_evidence_id from evidence.inquiries where id = $1`, [inquiryId]))[0].answer_evidence_id).toBeNull();
  });
});
