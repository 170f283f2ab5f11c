import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceParseError } from '../parsing/parse-result';
import { parseUntrustedJson } from '../parsing/untrusted-json';
import { MAX_RANGES, osvPackagePurl, parseAdvisoryDocument } from './advisory-documents';

const read = (path: string) => parseUntrustedJson(readFileSync(path));
const FIXTURES = join(__dirname, '__fixtures__');
const LOG4SHELL = read(join(FIXTURES, 'GHSA-jfh8-c2jp-5v3q.osv.json'));

describe('advisory documents', () => {
  it('reads the real GitHub OSV record for Log4Shell: ids, times, severity and the Maven package with its three ranges', () => {
    const document = parseAdvisoryDocument(LOG4SHELL);
    expect(document.format).toBe('osv');
    const [advisory] = document.advisories;
    expect(advisory).toMatchObject({
      source: 'osv',
      externalId: 'GHSA-jfh8-c2jp-5v3q',
      externalIds: ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'],
      summary: 'Remote code injection in Log4j',
      severity: 'critical',
      published: '2021-12-10T00:40:56.000Z',
      modified: '2022-03-25T20:56:18.000Z',
    });
    expect(advisory?.affected).toHaveLength(3);
    expect(advisory?.affected.every((item) => item.purl === 'pkg:maven/org.apache.logging.log4j/log4j-core')).toBe(true);
    expect(advisory?.affected[0]?.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '2.13.0' }, { fixed: '2.15.0' }] }]);
  });

  it('reads a JSON array of OSV records, refusing the unreadable ones with their reason', () => {
    const document = parseAdvisoryDocument({ records: [LOG4SHELL, { id: 'X-1' }, 'nonsense'] });
    expect(document.advisories.map((advisory) => advisory.externalId)).toEqual(['GHSA-jfh8-c2jp-5v3q']);
    expect(document.rejected).toEqual([
      { ref: 'records[1]', reason: 'OSV record X-1 needs a valid "modified" time' },
      { ref: 'records[2]', reason: 'not an object' },
    ]);
  });

  it('reads the real OASIS CSAF VEX example: tracking id, CVE, release dates', () => {
    const csaf = read(join(__dirname, '../parsing/__fixtures__/real/csaf-2.0-2022-evd-uc-01-na-001.json'));
    const document = parseAdvisoryDocument(csaf);
    expect(document.format).toBe('csaf');
    expect(document.advisories[0]).toMatchObject({
      source: 'csaf',
      externalId: '2022-EVD-UC-01-NA-001',
      externalIds: ['2022-EVD-UC-01-NA-001', 'CVE-2021-44228'],
      modified: '2022-03-03T11:00:00.000Z',
      affected: [],
      notes: ['no product carries a purl: the advisory names no package Assay can match'],
    });
  });

  it('reads CSAF products by their purl, with the document’s own status and version', () => {
    const csaf = {
      document: { csaf_version: '2.0', title: 't', tracking: { id: 'T-1', current_release_date: '2024-01-01T00:00:00Z' } },
      product_tree: {
        full_product_names: [
          { product_id: 'A', name: 'a', product_identification_helper: { purl: 'pkg:npm/lodash@4.17.20' } },
          { product_id: 'B', name: 'b', product_identification_helper: { purl: 'pkg:npm/lodash@4.17.21' } },
        ],
      },
      vulnerabilities: [{ cve: 'CVE-2020-8203', product_status: { known_affected: ['A'], fixed: ['B'] } }],
    };
    expect(parseAdvisoryDocument(csaf).advisories[0]?.affected).toEqual([
      { purl: 'pkg:npm/lodash', ecosystem: null, name: null, ranges: [], versions: ['4.17.20'], status: 'affected' },
      { purl: 'pkg:npm/lodash', ecosystem: null, name: null, ranges: [], versions: ['4.17.21'], status: 'fixed' },
    ]);
  });

  it('reads the real CISA KEV catalogue excerpt', () => {
    const document = parseAdvisoryDocument(read(join(FIXTURES, 'kev-excerpt-2025.08.25.json')));
    expect(document.format).toBe('kev');
    expect(document.kev.map((entry) => entry.cve)).toEqual(['CVE-2025-48384', 'CVE-2024-8068', 'CVE-2024-8069', 'CVE-2021-45046', 'CVE-2021-44228']);
    expect(document.kev[4]).toMatchObject({ dateAdded: '2021-12-10', knownRansomwareCampaignUse: 'Known' });
  });

  it('maps OSV ecosystems to versionless purls, and keeps unknown ecosystems with a reason', () => {
    expect(osvPackagePurl('npm', '@babel/core')).toBe('pkg:npm/%40babel/core');
    expect(osvPackagePurl('PyPI', 'Django_REST.framework')).toBe('pkg:pypi/django-rest-framework');
    expect(osvPackagePurl('Go', 'github.com/gin-gonic/gin')).toBe('pkg:golang/github.com/gin-gonic/gin');
    expect(osvPackagePurl('crates.io', 'tokio')).toBe('pkg:cargo/tokio');
    expect(osvPackagePurl('Debian:12', 'openssl')).toBe('pkg:deb/debian/openssl');
    expect(osvPackagePurl('Maven', 'no-colon')).toBeNull();
    const unknown = parseAdvisoryDocument({ id: 'X-2', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Nonsense', name: 'n' } }] });
    expect(unknown.advisories[0]?.affected[0]).toMatchObject({ purl: null, reason: 'ecosystem Nonsense is not one Assay can match' });
  });

  it('caps hostile range lists and refuses what is no advisory at all', () => {
    const ranges = Array.from({ length: 10_000 }, () => ({ type: 'SEMVER', events: [{ introduced: '0' }] }));
    const huge = parseAdvisoryDocument({ id: 'X-3', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'a' }, ranges }] });
    expect(huge.advisories[0]?.affected[0]?.ranges).toHaveLength(MAX_RANGES);
    expect(huge.advisories[0]?.notes).toEqual([`affected[0]: 10000 ranges, only the first ${MAX_RANGES} kept`]);
    expect(() => parseAdvisoryDocument({ hello: 'world' })).toThrow(EvidenceParseError);
    expect(() => parseAdvisoryDocument({ records: [] })).toThrow(/no readable OSV record/);
  });
});
