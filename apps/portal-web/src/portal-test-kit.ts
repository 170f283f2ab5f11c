import { bearer, gateway, mailText, signupTenant, waitForMail } from '@assay/shared/testing';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`), or CHROMIUM_PATH. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_AVAILABLE = existsSync(CHROMIUM);
export const SCREENSHOTS = join('test-results', 'portal-page');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium with a new, empty profile; `close` removes the profile too. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'assay-portal-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  context.setDefaultTimeout(30_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Records what a page does that it must not: requests to any host but this machine, Content
 * Security Policy violations (console reports and `securitypolicyviolation` events) and uncaught errors.
 */
export async function watchPage(page: Page) {
  const foreignRequests: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`));
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'data:' && url.protocol !== 'blob:' && !LOCAL_HOSTS.has(url.hostname)) foreignRequests.push(request.url());
  });
  page.on('console', (message) => {
    if (/content security policy|CSP violation/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { foreignRequests, cspViolations, pageErrors };
}

export type PageWatch = Awaited<ReturnType<typeof watchPage>>;

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A customer organisation with a supplier, its SRO, a product and a sent assessment; the portal link is read from the email the SRO received. */
export async function sentAssessment(options: { organisationName: string; supplierName: string; role: string }) {
  const org = await signupTenant({ organisationName: options.organisationName });
  const call = async (method: string, path: string, json?: unknown) => {
    const response = await gateway(path, { method, headers: bearer(org.accessToken), ...(json === undefined ? {} : { json }) });
    if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const unique = Math.random().toString(36).slice(2, 8);
  const supplier = await call('POST', '/api/v1/suppliers', { name: options.supplierName, tier: 'high', role: options.role });
  const product = await call('POST', `/api/v1/suppliers/${supplier.id}/products`, { name: 'Acme Cloud', deliveryModel: 'saas' });
  const sro = await call('POST', `/api/v1/suppliers/${supplier.id}/contacts`, {
    name: 'Robin Reyes',
    email: `robin-${unique}@acme.test`,
    isSeniorResponsibleOwner: true,
  });
  const assessment = await call('POST', '/api/v1/assessments', { supplierId: supplier.id, productId: product.id, dueAt: inDays(30) });
  await call('POST', `/api/v1/assessments/${assessment.id}/send`, {});
  const mail = await waitForMail((messages) => messages.some((message) => message.to.includes(sro.email)));
  const text = mailText((mail.find((message) => message.to.includes(sro.email)) as { raw: string }).raw);
  const link = /https?:\/\/\S+\/portal\?token=[A-Za-z0-9_.~%-]+/.exec(text)?.[0];
  if (!link) throw new Error('no portal link in the email');
  const claimIds = (assessment.claims as { id: string }[]).map((claim) => claim.id);
  return { org, call, supplier, sro, assessment, claimIds, link, token: decodeURIComponent(new URL(link).searchParams.get('token') as string) };
}
