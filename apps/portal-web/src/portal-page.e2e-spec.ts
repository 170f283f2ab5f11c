import { bearer, form, gateway, mailSubject, mailText, testStack, waitFor, waitForMail } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_AVAILABLE, PageWatch, SCREENSHOTS, inDays, launchBrowser, sentAssessment, watchPage } from './portal-test-kit';

const SBOM = join(__dirname, '..', '..', 'evidence', 'src', 'fixtures', 'cyclonedx.json');
const POLICY = join(__dirname, '..', '..', 'evidence', 'src', 'fixtures', 'express-security-policy.md');
const SECURITY_TXT = join(__dirname, '..', '..', 'evidence', 'src', 'fixtures', 'security.txt');
const COMMONS_TEXT_VEX = join(__dirname, '..', '..', '..', 'libs', 'evidence', 'src', 'parsing', '__fixtures__', 'real', 'commons-text-vex.cdx.xml');
const LOG4SHELL = join(__dirname, '..', '..', '..', 'libs', 'evidence', 'src', 'advisories', '__fixtures__', 'GHSA-jfh8-c2jp-5v3q.osv.json');
/** The policy the page must be served with, as the product asks for it. */
const CSP_DIRECTIVES =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'".split(
    '; ',
  );

describe('the supplier portal page as served by the gateway', () => {
  it('serves the page with a strict CSP and no referrer, and its fingerprinted assets with long caching', async () => {
    const page = await gateway('/portal?token=assay_portal_x');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect((page.headers.get('content-security-policy') ?? '').split('; ')).toEqual(CSP_DIRECTIVES);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = page.body as string;
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    const assets = [...html.matchAll(/(?:src|href)="(\/portal\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
    expect(assets.some((asset) => asset.endsWith('.js'))).toBe(true);
    expect(assets.some((asset) => asset.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const response = await fetch(`${testStack().gatewayUrl}${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toMatch(/immutable/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await gateway('/portal/assets/missing.js')).status).toBe(404);
    expect([403, 404]).toContain((await gateway('/portal/assets/..%2Findex.html')).status);
  });
});

if (!CHROMIUM_AVAILABLE) {
  console.warn(
    `Chromium not found at ${CHROMIUM}: the supplier portal page browser tests are SKIPPED. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
}
const describeInBrowser = CHROMIUM_AVAILABLE ? describe : describe.skip;

describeInBrowser(`the supplier portal page in Chromium${CHROMIUM_AVAILABLE ? '' : ` (SKIPPED: no Chromium at ${CHROMIUM})`}`, () => {
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchBrowser();
    context = browser.context;
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openPage(): Promise<{ page: Page; watch: PageWatch }> {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    return { page, watch: await watchPage(page) };
  }

  const card = (page: Page, claimId: string): Locator => page.locator(`[data-claim="${claimId}"]`);
  const saveStatus = (page: Page) => page.getByTestId('save-status');
  const allSaved = (page: Page) => saveStatus(page).filter({ hasText: 'All changes saved' }).waitFor();
  const answer = (page: Page, claimId: string, label: string) =>
    card(page, claimId)
      .locator('label.answer-option', { hasText: new RegExp(`^${label}$`) })
      .click();
  /** Fills the attestation as the SRO and submits. */
  const attest = async (page: Page, email: string) => {
    await page.getByLabel('Full name', { exact: true }).fill('Robin Reyes');
    await page.getByLabel('Role', { exact: true }).fill('CTO');
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByLabel(/I am the Senior Responsible Owner/).check();
    await page.getByRole('button', { name: 'Submit assessment' }).click();
  };
  const activeElement = (page: Page) =>
    page.evaluate(() => ({
      id: document.activeElement?.id ?? '',
      name: (document.activeElement as HTMLInputElement | null)?.name ?? '',
      text: document.activeElement?.textContent ?? '',
    }));
  /** The page moves focus on the next animation frame: wait for it to land (bounded), then say where it is. */
  const focusedAfterFrame = async (page: Page, id: string) => {
    await page.waitForFunction((expected) => document.activeElement?.id === expected, id, { timeout: 10_000 }).catch(() => undefined);
    return activeElement(page);
  };

  /** Every claim answered `met` through the API and submitted with the SRO's attestation. */
  const answerAllAndSubmit = async (sent: Awaited<ReturnType<typeof sentAssessment>>) => {
    for (const claimId of sent.claimIds) {
      const saved = await gateway(`/api/v1/portal/assessment/responses/${claimId}`, { method: 'PUT', headers: bearer(sent.token), json: { answer: 'met' } });
      expect(saved.status).toBe(200);
    }
    const attestation = { name: 'Robin Reyes', role: 'CTO', email: sent.sro.email, statement: true };
    expect((await gateway('/api/v1/portal/assessment/submit', { method: 'POST', headers: bearer(sent.token), json: { attestation } })).status).toBe(200);
  };

  /** The link in the email to `address` whose subject includes `subject`. */
  const linkIn = async (address: string, subject: string): Promise<string> => {
    const matches = (message: { to: string[]; raw: string }) => message.to.includes(address) && mailSubject(message.raw).includes(subject);
    const mail = (await waitForMail((messages) => messages.some(matches))).find(matches) as { raw: string };
    const link = /https?:\/\/\S+\/portal\?token=[A-Za-z0-9_.~%-]+/.exec(mailText(mail.raw))?.[0];
    if (!link) throw new Error(`no portal link in the email "${subject}"`);
    return link;
  };

  function expectClean(watch: PageWatch): void {
    expect(watch.foreignRequests).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  }

  it('takes a supplier from the emailed link through every claim, an SBOM and its checks, a reload and the attestation to a submitted assessment', async () => {
    const sent = await sentAssessment({ organisationName: 'Northwind Bank', supplierName: 'Acme Software Ltd', role: 'developer_distributor' });
    const { page, watch } = await openPage();

    const response = await page.goto(sent.link);
    expect((response?.headers()['content-security-policy'] ?? '').split('; ')).toEqual(CSP_DIRECTIVES);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    await page.getByRole('heading', { level: 1, name: 'Software Security Code of Practice assessment' }).waitFor();
    // The token leaves the address bar and stays in this tab's session storage.
    expect(new URL(page.url()).search).toBe('');
    expect(await page.evaluate(() => sessionStorage.getItem('assay.portal.token'))).toBe(sent.token);

    expect(await page.getByTestId('customer').textContent()).toBe('Northwind Bank');
    expect(await page.getByTestId('supplier').textContent()).toBe('Acme Software Ltd');
    expect(await page.getByTestId('status').textContent()).toBe('Not started');
    expect(await page.getByTestId('due').textContent()).toContain(
      new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(sent.assessment.dueAt)),
    );
    expect(await page.locator('.progress-text').textContent()).toBe(`0 of ${sent.claimIds.length} claims answered`);
    // Official theme and principle titles from the catalogue, our claim texts, the attribution line.
    await page.getByRole('heading', { level: 2, name: /Secure design and development/ }).waitFor();
    await page.getByRole('heading', { level: 3, name: /Follow an established secure development framework\./ }).waitFor();
    expect(await card(page, '1.1.1').getByRole('heading', { level: 4 }).textContent()).toContain('The secure development framework in use is documented.');
    expect(await page.locator('footer').textContent()).toContain('Contains public sector information licensed under the Open Government Licence v3.0.');
    expect(await page.locator('[data-claim]').count()).toBe(45);
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-1280.png') });

    // Keyboard only: the skip link, then the first claim's answers and its justification.
    await page.keyboard.press('Tab');
    expect((await activeElement(page)).text).toBe('Skip to the questions');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await activeElement(page)).toMatchObject({ name: 'claim-1.1.1-answer' });
    const focusRing = await page.evaluate(() => getComputedStyle(document.activeElement?.closest('label') as Element).outlineStyle);
    expect(focusRing).toBe('solid');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await card(page, '1.1.1').getByRole('radio', { name: 'Not met' }).isChecked()).toBe(true);
    await card(page, '1.1.1').getByTestId('claim-save').filter({ hasText: 'Not saved: add a justification' }).waitFor();
    await page.keyboard.press('Tab');
    expect((await activeElement(page)).id).toBe('claim-1.1.1-justification');
    await page.keyboard.type('Our framework is being written; adoption is planned for next quarter.');
    await card(page, '1.1.1')
      .getByTestId('claim-save')
      .filter({ hasText: /^Saved$/ })
      .waitFor();

    // An SBOM for 1.2.1: uploaded, processed by the worker, its checks shown beside the claim.
    const sbomClaim = card(page, '1.2.1');
    await sbomClaim.locator('summary', { hasText: 'Add evidence' }).click();
    await sbomClaim.getByLabel('Upload a file').setInputFiles(SBOM);
    await sbomClaim.getByRole('button', { name: 'Upload file' }).click();
    const evidence = sbomClaim.locator('.evidence-item');
    await evidence.filter({ hasText: 'cyclonedx.json' }).waitFor();
    await evidence.locator('.evidence-status', { hasText: 'Checked' }).waitFor({ timeout: 45_000 });
    const evidenceId = (await evidence.getAttribute('data-evidence')) as string;
    await evidence.locator('.check', { hasText: 'SBOM lists components' }).filter({ hasText: 'Pass' }).waitFor();
    expect(await evidence.locator('.evidence-meta').textContent()).toContain('SBOM');

    // Every other claim but the last two; 4.2.1 is not applicable, which needs a justification.
    const remaining = sent.claimIds.filter((claimId) => claimId !== '1.1.1');
    const lastTwo = remaining.slice(-2);
    for (const claimId of remaining.slice(0, -2)) {
      if (claimId === '4.2.1') {
        await answer(page, claimId, 'Not applicable');
        await card(page, claimId)
          .getByLabel(/Justification/)
          .fill('Acme Cloud is a continuously updated service without end-of-support dates.');
      } else {
        await answer(page, claimId, 'Met');
      }
    }
    await allSaved(page);
    const answered = sent.claimIds.length - 2;
    expect(await page.locator('.progress-text').textContent()).toBe(`${answered} of ${sent.claimIds.length} claims answered`);

    // A reload keeps everything (the token comes from session storage).
    await page.reload();
    await page.getByTestId('supplier').waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('.progress-text').textContent()).toBe(`${answered} of ${sent.claimIds.length} claims answered`);
    expect(await page.locator('input[type=radio]:checked').count()).toBe(answered);
    expect(await card(page, '1.1.1').getByRole('radio', { name: 'Not met' }).isChecked()).toBe(true);
    expect(
      await card(page, '1.1.1')
        .getByLabel(/Justification/)
        .inputValue(),
    ).toBe('Our framework is being written; adoption is planned for next quarter.');
    await card(page, '1.2.1').locator('.evidence-status', { hasText: 'Checked' }).waitFor();

    // Phone widths: no sideways scrolling.
    for (const width of [320, 375]) {
      await page.setViewportSize({ width, height: 780 });
      await page.evaluate(() => window.scrollTo(0, 0));
      const overflowing = await page.evaluate(
        (viewport) =>
          [...document.querySelectorAll('body *')]
            .filter((element) => element.checkVisibility() && element.getBoundingClientRect().right > viewport + 0.5)
            .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
        width,
      );
      expect(overflowing).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: join(SCREENSHOTS, `phone-${width}.png`) });
      await card(page, '1.2.1').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, `phone-${width}-evidence.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    // The attestation form says what is missing; then the API's unanswered claims link to the claims.
    const submit = page.getByRole('button', { name: 'Submit assessment' });
    await submit.click();
    const problems = page.locator('#submit-problems');
    await problems.getByRole('heading', { name: 'Complete the attestation' }).waitFor();
    expect(await problems.locator('li').count()).toBe(4);
    expect((await focusedAfterFrame(page, 'submit-problems')).id).toBe('submit-problems');
    await page.getByLabel('Full name', { exact: true }).fill('Robin Reyes');
    await page.getByLabel('Role', { exact: true }).fill('Chief Technology Officer');
    await page.getByLabel('Email address', { exact: true }).fill(sent.sro.email);
    await page.getByLabel(/I am the Senior Responsible Owner for Acme Software Ltd/).check();
    await submit.click();
    await problems.getByRole('heading', { name: '2 claims are not answered yet' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-unanswered.png') });
    await problems.getByRole('link', { name: new RegExp(`^Claim ${lastTwo[0]?.replace(/\./g, '\\.')}:`) }).click();
    expect((await activeElement(page)).name).toBe(`claim-${lastTwo[0]}-answer`);
    for (const claimId of lastTwo) await answer(page, claimId, 'Met');
    await allSaved(page);
    await submit.click();

    const submitted = page.locator('#submitted');
    await submitted.getByRole('heading', { name: 'Submitted — thank you' }).waitFor();
    expect(await submitted.textContent()).toContain('Robin Reyes');
    expect(await page.getByTestId('status').textContent()).toBe('Submitted');
    expect(await page.locator('input[type=radio], textarea').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-submitted.png') });

    const customerView = await gateway(`/api/v1/assessments/${sent.assessment.id}`, { headers: bearer(sent.org.accessToken) });
    expect(customerView.body).toMatchObject({
      status: 'submitted',
      answeredCount: sent.claimIds.length,
      attestation: { name: 'Robin Reyes', role: 'Chief Technology Officer', email: sent.sro.email },
    });
    const byId = new Map(
      (customerView.body.claims as { id: string; response: { answer: string; justification: string | null; evidenceIds: string[] } }[]).map((claim) => [
        claim.id,
        claim.response,
      ]),
    );
    expect(byId.get('1.1.1')).toMatchObject({ answer: 'not_met', justification: 'Our framework is being written; adoption is planned for next quarter.' });
    expect(byId.get('1.2.1')).toMatchObject({ answer: 'met', evidenceIds: [evidenceId] });
    expect(byId.get('4.2.1')).toMatchObject({ answer: 'not_applicable' });
    expectClean(watch);
    await page.close();
  }, 240_000);

  it('shows a returned claim with the reviewer’s comment and takes a remediation plan for a finding', async () => {
    const sent = await sentAssessment({ organisationName: 'Northwind Bank', supplierName: 'Acme Reselling Ltd', role: 'reseller' });
    await answerAllAndSubmit(sent);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    await sent.call('POST', `${url}/review`, {
      decisions: [{ claimId: '3.1.1', verdict: 'returned', comment: 'How do customers verify the integrity of updates?' }],
    });
    const finding = await sent.call('POST', `${url}/findings`, {
      claimId: '3.2.1',
      severity: 'high',
      title: 'No published disclosure policy',
      remediationDueAt: inDays(60),
    });
    await sent.call('POST', `${url}/return`, { message: 'Please add detail on update integrity.' });

    const { page, watch } = await openPage();
    await page.goto(sent.link);
    await page.getByRole('heading', { name: 'Returned for changes' }).waitFor();
    expect(await page.locator('.notice-warn').textContent()).toContain('Please add detail on update integrity.');
    const returned = card(page, '3.1.1');
    expect(await returned.locator('.review').textContent()).toContain('How do customers verify the integrity of updates?');
    expect(await page.getByTestId('status').textContent()).toBe('Returned for changes');

    const findingCard = page.locator(`[data-finding="${finding.id}"]`);
    await findingCard.getByRole('heading', { name: /No published disclosure policy/ }).waitFor();
    await findingCard.getByLabel('Remediation plan').fill('Publish security.txt and a disclosure policy by the end of the month.');
    await findingCard.getByLabel('We agree with this finding').check();
    await findingCard.getByRole('button', { name: 'Save response' }).click();
    await findingCard.getByText('Your response is saved.').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-returned.png'), fullPage: false });
    const saved = await sent.call('GET', `/api/v1/findings/${finding.id}`);
    expect(saved).toMatchObject({ remediationPlan: 'Publish security.txt and a disclosure policy by the end of the month.', supplierAgreed: true });

    await answer(page, '3.1.1', 'Partially met');
    await returned.getByLabel(/Justification/).fill('Updates are signed; customers can verify signatures for on-premises installs only.');
    await allSaved(page);
    await attest(page, sent.sro.email);
    await page.locator('#submitted').waitFor();
    const resubmitted = await sent.call('GET', url);
    expect(resubmitted.status).toBe('submitted');
    expect(resubmitted.claims.find((claim: { id: string }) => claim.id === '3.1.1').response).toMatchObject({ answer: 'partially_met' });
    expectClean(watch);
    await page.close();
  }, 180_000);

  it('shows another contact who may sign, and sends the SRO a sign-off request whose link submits', async () => {
    const sent = await sentAssessment({ organisationName: 'Northwind Bank', supplierName: 'Acme Sign-off Ltd', role: 'reseller' });
    const colleague = await sent.call('POST', `/api/v1/suppliers/${sent.supplier.id}/contacts`, {
      name: 'Casey Colleague',
      email: `casey-${Math.random().toString(36).slice(2, 8)}@acme.test`,
    });
    const link = await sent.call('POST', `/api/v1/assessments/${sent.assessment.id}/portal-links`, { contactId: colleague.id });
    for (const claimId of sent.claimIds) {
      const saved = await gateway(`/api/v1/portal/assessment/responses/${claimId}`, { method: 'PUT', headers: bearer(link.token), json: { answer: 'met' } });
      expect(saved.status).toBe(200);
    }

    const { page, watch } = await openPage();
    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Sign-off by Robin Reyes' }).waitFor();
    expect(await page.getByTestId('signatory').textContent()).toContain(
      'Only Robin Reyes, the supplier’s Senior Responsible Owner (SRO), can attest and submit',
    );
    // No attestation form for a contact who may not sign.
    expect(await page.getByRole('button', { name: 'Submit assessment' }).count()).toBe(0);
    await page.getByLabel('A note for Robin Reyes (optional)').fill('Everything is answered; please review and sign.');
    await page.getByRole('button', { name: 'Ask Robin Reyes to sign off' }).click();
    await page.getByText('We emailed Robin Reyes a link to review the answers and sign.').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-sign-off-request.png'), fullPage: false });

    const isRequest = (message: { to: string[]; raw: string }) => message.to.includes(sent.sro.email) && mailText(message.raw).includes('Casey Colleague');
    const mail = (await waitForMail((messages) => messages.some(isRequest))).find(isRequest) as { raw: string };
    const sroLink = /https?:\/\/\S+\/portal\?token=[A-Za-z0-9_.~%-]+/.exec(mailText(mail.raw))?.[0] as string;
    expect(sroLink).toBeTruthy();

    // The SRO's link opens the same answers with the attestation form.
    await page.goto(sroLink);
    await page.getByRole('heading', { name: 'Attest and submit' }).waitFor();
    await attest(page, sent.sro.email);
    await page.locator('#submitted').waitFor();
    expect((await sent.call('GET', `/api/v1/assessments/${sent.assessment.id}`)).status).toBe('submitted');
    expectClean(watch);
    await page.close();
  }, 180_000);

  it('shows answers carried forward from the last cycle and confirms a principle at once before submitting', async () => {
    const sent = await sentAssessment({ organisationName: 'Northwind Bank', supplierName: 'Acme Renewals Ltd', role: 'reseller' });
    await answerAllAndSubmit(sent);
    await sent.call('POST', `/api/v1/assessments/${sent.assessment.id}/complete`, {});
    const next = await sent.call('POST', '/api/v1/assessments', { supplierId: sent.supplier.id, productId: sent.assessment.productId, dueAt: inDays(30) });
    expect(next.previousAssessmentId).toBe(sent.assessment.id);
    await sent.call('POST', `/api/v1/assessments/${next.id}/send`, {});
    const link = await sent.call('POST', `/api/v1/assessments/${next.id}/portal-links`, { contactId: sent.sro.id });

    const { page, watch } = await openPage();
    await page.goto(link.url);
    const first = page.getByTestId('carried-3.1');
    await first.waitFor();
    expect(await first.textContent()).toContain('carried forward from your previous assessment');
    expect(await card(page, '3.1.1').getByTestId('carried-forward').count()).toBe(1);
    await first.getByRole('button', { name: 'Confirm all in this principle' }).click();
    await first.waitFor({ state: 'detached' });
    expect(await card(page, '3.1.1').getByTestId('carried-forward').count()).toBe(0);
    const afterOne = await sent.call('GET', `/api/v1/assessments/${next.id}`);
    const carried = (afterOne.claims as { id: string; principleId: string; response: { carriedForward: boolean } }[]).filter(
      (claim) => claim.response.carriedForward,
    );
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.some((claim) => claim.principleId === '3.1')).toBe(false);

    await attest(page, sent.sro.email);
    await page
      .locator('#submit-problems')
      .getByText(/not confirmed yet/)
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-carried-forward.png'), fullPage: false });

    const buttons = page.locator('.carried-principle button');
    while ((await buttons.count()) > 0) {
      const remaining = await buttons.count();
      await buttons.first().click();
      await page.waitForFunction((count) => document.querySelectorAll('.carried-principle button').length < count, remaining, { timeout: 10_000 });
    }
    await page.getByRole('button', { name: 'Submit assessment' }).click();
    await page.locator('#submitted').waitFor();
    expect((await sent.call('GET', `/api/v1/assessments/${next.id}`)).status).toBe('submitted');
    expectClean(watch);
    await page.close();
  }, 180_000);

  it('asks the customer for more time, shows the request pending, and its approval with the new due date', async () => {
    const sent = await sentAssessment({ organisationName: 'Northwind Bank', supplierName: 'Acme Extensions Ltd', role: 'reseller' });
    const { page, watch } = await openPage();
    await page.goto(sent.link);
    await page.getByRole('heading', { name: 'Need more time?' }).waitFor();
    const wanted = new Date(new Date(sent.assessment.dueAt).getTime() + 21 * 86_400_000).toISOString().slice(0, 10);
    // Nothing is sent without a reason.
    await page.getByLabel('New due date').fill(wanted);
    await page.getByRole('button', { name: 'Ask for more time' }).click();
    await page.getByRole('alert').filter({ hasText: 'Say why you need more time.' }).waitFor();
    expect((await sent.call('GET', `/api/v1/assessments/${sent.assessment.id}/extension-requests`)).data).toEqual([]);

    await page.getByLabel('Why you need more time').fill('Our SRO is on leave until the end of the month.');
    await page.getByRole('button', { name: 'Ask for more time' }).click();
    const status = page.getByTestId('extension-status');
    await status.filter({ hasText: 'has not decided yet' }).waitFor();
    // One pending request at a time: the form is gone until the customer decides.
    expect(await page.getByRole('button', { name: 'Ask for more time' }).count()).toBe(0);
    const [request] = (await sent.call('GET', `/api/v1/assessments/${sent.assessment.id}/extension-requests`)).data;
    expect(request).toMatchObject({ status: 'pending', requestedDueAt: `${wanted}T23:59:59.000Z`, reason: 'Our SRO is on leave until the end of the month.' });

    await sent.call('POST', `/api/v1/assessments/${sent.assessment.id}/extension-requests/${request.id}/decision`, { approve: true, comment: 'Granted.' });
    await page.reload();
    await status.filter({ hasText: 'was approved' }).waitFor();
    const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(`${wanted}T12:00:00Z`),
    );
    expect(await page.getByTestId('due').textContent()).toContain(longDate);
    expect(await status.textContent()).toContain('Granted.');
    // A further request is possible once the last one is decided.
    await page.getByRole('button', { name: 'Ask for more time' }).waitFor();
    expectClean(watch);
    await page.close();
  }, 180_000);

  it('opens a renewal link on the renewal view, which uploads the renewed document in place of the old one', async () => {
    const sent = await sentAssessment({ organisationName: 'Northwind Bank', supplierName: 'Acme Renewals Ltd', role: 'reseller' });
    const uploaded = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId: sent.supplier.id, kind: 'policy', validUntil: inDays(10), title: 'Security policy 2026' }, readFileSync(POLICY), 'SECURITY.md'),
      headers: bearer(sent.org.accessToken),
    });
    expect(uploaded.status).toBe(202);
    const link = await linkIn(sent.sro.email, 'Please renew');

    const { page, watch } = await openPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Renew Security policy 2026' }).waitFor();
    expect(await page.getByTestId('renewal-status').textContent()).toBe('Expiring soon');
    expect(new URL(page.url()).search).toBe('');
    await page.getByLabel('Renewed document').setInputFiles(SECURITY_TXT);
    await page.getByRole('button', { name: 'Upload the renewed document' }).click();
    await page.getByText('Received: the renewed document replaces the old one.').waitFor();
    expect(await page.getByTestId('renewal-status').textContent()).toBe('Renewed');
    await page.screenshot({ path: join(SCREENSHOTS, 'renewal.png') });
    const old = await sent.call('GET', `/api/v1/evidence/${uploaded.body.id}`);
    expect(old).toMatchObject({ status: 'superseded', supersededBy: expect.any(String) });
    expect(await sent.call('GET', `/api/v1/evidence/${old.supersededBy}`)).toMatchObject({ supersedes: uploaded.body.id, title: 'Security policy 2026' });
    expectClean(watch);
    await page.close();
  }, 180_000);

  it('opens a findings link on the findings view, which answers a finding after its assessment completed', async () => {
    const sent = await sentAssessment({ organisationName: 'Northwind Bank', supplierName: 'Acme Findings Ltd', role: 'reseller' });
    await answerAllAndSubmit(sent);
    const url = `/api/v1/assessments/${sent.assessment.id}`;
    const finding = await sent.call('POST', `${url}/findings`, {
      claimId: '3.2.1',
      severity: 'medium',
      title: 'Disclosure policy not linked',
      remediationDueAt: inDays(45),
    });
    await sent.call('POST', `${url}/complete`, { conclusion: 'Assured, with one finding' });
    const link = await linkIn(sent.sro.email, 'Disclosure policy not linked');

    const { page, watch } = await openPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Findings to answer' }).waitFor();
    const findingCard = page.locator(`[data-finding="${finding.id}"]`);
    await findingCard.getByRole('heading', { name: /Disclosure policy not linked/ }).waitFor();
    await findingCard.getByLabel('Remediation plan').fill('Link the policy from security.txt in the next release.');
    await findingCard.getByLabel('We agree with this finding').check();
    await findingCard.getByRole('button', { name: 'Save response' }).click();
    await findingCard.getByText('Your response is saved.').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'findings-link.png') });
    expect(await sent.call('GET', `/api/v1/findings/${finding.id}`)).toMatchObject({
      remediationPlan: 'Link the policy from security.txt in the next release.',
      supplierAgreed: true,
    });
    expect((await sent.call('GET', url)).status).toBe('completed');
    expectClean(watch);
    await page.close();
  }, 180_000);

  it('opens an inquiry link on the inquiry view, which answers the advisory in OpenVEX terms', async () => {
    const sent = await sentAssessment({ organisationName: 'Northwind Bank', supplierName: 'Acme Inquiries Ltd', role: 'reseller' });
    const sbom = await gateway('/api/v1/evidence', {
      method: 'POST',
      body: form({ supplierId: sent.supplier.id }, readFileSync(SBOM), 'bom.json'),
      headers: bearer(sent.org.accessToken),
    });
    expect(sbom.status).toBe(202);
    const submitted = await sent.call('POST', '/api/v1/advisories', JSON.parse(readFileSync(LOG4SHELL, 'utf8')));
    const advisoryId = await waitFor(async () => {
      const document = await sent.call('GET', `/api/v1/advisories/imports/${submitted.id}`);
      if (document.status !== 'processed') return null;
      const advisory = await sent.call('GET', `/api/v1/advisories/${document.outcome.advisoryIds[0]}`);
      return advisory.exposure.length ? (advisory.id as string) : null;
    }, 'the supplier exposed to the advisory');
    const created = await sent.call('POST', `/api/v1/advisories/${advisoryId}/inquiries`, { dueAt: inDays(14) });
    const link = await linkIn(sent.sro.email, 'Are you affected by CVE-2021-44228');

    const { page, watch } = await openPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Are your products affected by CVE-2021-44228?' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByTestId('inquiry-status').textContent()).toBe('Waiting for your answer');
    await page.getByText('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1').waitFor();
    // Not affected needs a reason: the page says so before sending anything.
    await page.getByLabel(/^Not affected/).check();
    await page.getByRole('button', { name: 'Send the answer' }).click();
    await page.getByText('Choose why your products are not affected.').waitFor();
    await page.getByLabel('Why not affected').selectOption('vulnerable_code_not_in_execute_path');
    await page.getByLabel('More detail (optional)').fill('Message lookups are disabled in every build we ship.');
    await page.getByRole('button', { name: 'Send the answer' }).click();
    await page.getByText('Thank you: your answer was sent.', { exact: false }).waitFor();
    expect(await page.getByTestId('inquiry-status').textContent()).toBe('Answered: Not affected');
    await page.screenshot({ path: join(SCREENSHOTS, 'inquiry-link.png') });
    expect(await sent.call('GET', `/api/v1/inquiries/${created.data[0].id}`)).toMatchObject({
      status: 'answered',
      answer: {
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        impactStatement: 'Message lookups are disabled in every build we ship.',
      },
    });

    // Or the supplier uploads a VEX: one about another vulnerability (Apache Commons Text's published CycloneDX VEX) answers nothing and the page says why.
    const vexFile = page.getByLabel('VEX document', { exact: true });
    await vexFile.setInputFiles(COMMONS_TEXT_VEX);
    await page.getByRole('button', { name: 'Upload the VEX' }).click();
    await page.getByText('has no statement about GHSA-jfh8-c2jp-5v3q, CVE-2021-44228', { exact: false }).waitFor();
    expect(await page.getByTestId('inquiry-status').textContent()).toBe('Answered: Not affected');
    // An OpenVEX document about Log4Shell covering log4j-core answers it.
    const openVex = {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://acme.example/vex/log4shell-1',
      author: 'Acme Inquiries Ltd',
      timestamp: '2021-12-14T10:00:00Z',
      version: 1,
      statements: [
        {
          vulnerability: { name: 'CVE-2021-44228' },
          products: [{ '@id': 'pkg:generic/acme-app@1.0.0', subcomponents: [{ '@id': 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }] }],
          status: 'affected',
          action_statement: 'Upgrade acme-app to 1.0.1, which ships log4j-core 2.17.1.',
        },
      ],
    };
    await vexFile.setInputFiles({ name: 'acme.openvex.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(openVex)) });
    await page.getByRole('button', { name: 'Upload the VEX' }).click();
    await page.getByText('Your VEX answered the inquiry.', { exact: false }).waitFor();
    await page.getByText('Answered: Affected').waitFor();
    expect(await sent.call('GET', `/api/v1/inquiries/${created.data[0].id}`)).toMatchObject({
      status: 'answered',
      answer: { status: 'affected', actionStatement: 'Upgrade acme-app to 1.0.1, which ships log4j-core 2.17.1.' },
    });
    expectClean(watch);
    await page.close();
  }, 180_000);

  it('shows an invalid, withdrawn or missing link as such, with whom to ask and nothing about the assessment', async () => {
    const sent = await sentAssessment({ organisationName: 'Northwind Bank', supplierName: 'Acme Withdrawn Ltd', role: 'reseller' });
    const links = await sent.call('GET', `/api/v1/assessments/${sent.assessment.id}/portal-links`);
    for (const link of links.data as { id: string }[]) {
      const revoked = await gateway(`/api/v1/assessments/${sent.assessment.id}/portal-links/${link.id}`, {
        method: 'DELETE',
        headers: bearer(sent.org.accessToken),
      });
      expect(revoked.status).toBe(204);
    }
    const forged = `assay_portal_${Buffer.alloc(48, 7).toString('base64url')}`;
    const origin = new URL(sent.link).origin;

    for (const [name, target] of [
      ['withdrawn', sent.link],
      ['forged', `${origin}/portal?token=${forged}`],
      ['malformed', `${origin}/portal?token=%3Cscript%3E`],
    ] as const) {
      const { page, watch } = await openPage();
      const response = await page.goto(target);
      expect((response?.headers()['content-security-policy'] ?? '').split('; ')).toEqual(CSP_DIRECTIVES);
      await page.getByRole('heading', { level: 1, name: 'This assessment link cannot be used' }).waitFor();
      await page.getByText('ask your contact at the organisation that requested the assessment').waitFor();
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).not.toContain('Northwind Bank');
      expect(text).not.toContain('Acme Withdrawn Ltd');
      expect(new URL(page.url()).search).toBe('');
      expect(await page.evaluate(() => sessionStorage.getItem('assay.portal.token'))).toBeNull();
      if (name === 'withdrawn') await page.screenshot({ path: join(SCREENSHOTS, 'invalid-link.png') });
      expectClean(watch);
      await page.close();
    }

    const { page, watch } = await openPage();
    await page.goto(`${origin}/portal`);
    await page.getByRole('heading', { level: 1, name: 'Open this page from your assessment email' }).waitFor();
    expectClean(watch);
    await page.close();
  });
});
