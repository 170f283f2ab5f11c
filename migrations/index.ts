import type { MigrationInterface } from 'typeorm';
import { ServiceSchemas1764028800000 } from './1764028800000-service-schemas';
import { AssessmentsCatalogue1764028800100 } from './1764028800100-assessments-catalogue';
import { AuditLog1764115200000 } from './1764115200000-audit-log';
import { Tenancy1764115200100 } from './1764115200100-tenancy';
import { Notifications1764115200200 } from './1764115200200-notifications';
import { Assessments1764115200300 } from './1764115200300-assessments';
import { Evidence1764115200400 } from './1764115200400-evidence';
import { AssessmentsReview1764115200500 } from './1764115200500-assessments-review';
import { AssessmentsReport1764115200600 } from './1764115200600-assessments-report';
import { EvidenceExpiry1764115200700 } from './1764115200700-evidence-expiry';
import { WebhookAttemptLease1764201600000 } from './1764201600000-webhook-attempt-lease';
import { AssessmentsMembers1764979200000 } from './1764979200000-assessments-members';
import { EvidenceComponentNameKey1764979200100 } from './1764979200100-evidence-component-name-key';
import { BusinessClock1765065600000 } from './1765065600000-business-clock';
import { AssessmentCyclesTime1765152000000 } from './1765152000000-assessment-cycles-time';
import { AssessmentCycles1765152000300 } from './1765152000300-assessment-cycles';
import { AssuranceRecord1765300500000 } from './1765300500000-assurance-record';
import { EvidenceValidity1765301000000 } from './1765301000000-evidence-validity';
import { EvidenceSigningKeys1765301500000 } from './1765301500000-evidence-signing-keys';
import { Advisories1765300000000 } from './1765300000000-advisories';
import { AdvisoryExposures1765300000100 } from './1765300000100-advisory-exposures';
import { AdvisoryVexStatements1765300000200 } from './1765300000200-advisory-vex-statements';
import { PortalLinkKinds1765302000000 } from './1765302000000-portal-link-kinds';
import { AdvisoryExposuresBySupplier1765302500000 } from './1765302500000-advisory-exposures-by-supplier';
import { AdvisoryFeeds1765302500100 } from './1765302500100-advisory-feeds';
import { Inquiries1765400000000 } from './1765400000000-inquiries';
import { ProductEndOfLifeStatements1765400100000 } from './1765400100000-product-end-of-life-statements';
import { ClaimResponsesImportedFrom1765400100100 } from './1765400100100-claim-responses-imported-from';
import { ApiKeysDistributable1765400300000 } from './1765400300000-api-keys-distributable';
import { SupersededEvidenceDigests1765400500000 } from './1765400500000-superseded-evidence-digests';
import { InquiryVexUploads1765500200000 } from './1765500200000-inquiry-vex-uploads';
import { EmailClaimLease1765500300000 } from './1765500300000-email-claim-lease';
import { AdvisoryMatchExposures1765500400000 } from './1765500400000-advisory-match-exposures';
import { AdvisoryMatchCandidates1765500500000 } from './1765500500000-advisory-match-candidates';
import { AdvisoryMatchUnchanged1765500500100 } from './1765500500100-advisory-match-unchanged';
import { AdvisoryMatchScoped1765500600000 } from './1765500600000-advisory-match-scoped';
import { AdvisoryMatchAnnounced1765500700000 } from './1765500700000-advisory-match-announced';
import { AdvisoryMatchOwnExposures1765500700100 } from './1765500700100-advisory-match-own-exposures';

export { COLOCATION_ANCHOR, REFERENCE_TABLES } from './distribution';

/** Every migration, in order. A landed migration is never edited: add a new one. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  ServiceSchemas1764028800000,
  AssessmentsCatalogue1764028800100,
  AuditLog1764115200000,
  Tenancy1764115200100,
  Notifications1764115200200,
  Assessments1764115200300,
  Evidence1764115200400,
  AssessmentsReview1764115200500,
  AssessmentsReport1764115200600,
  EvidenceExpiry1764115200700,
  WebhookAttemptLease1764201600000,
  AssessmentsMembers1764979200000,
  EvidenceComponentNameKey1764979200100,
  BusinessClock1765065600000,
  AssessmentCyclesTime1765152000000,
  AssessmentCycles1765152000300,
  AssuranceRecord1765300500000,
  EvidenceValidity1765301000000,
  EvidenceSigningKeys1765301500000,
  Advisories1765300000000,
  AdvisoryExposures1765300000100,
  AdvisoryVexStatements1765300000200,
  PortalLinkKinds1765302000000,
  AdvisoryExposuresBySupplier1765302500000,
  AdvisoryFeeds1765302500100,
  Inquiries1765400000000,
  ProductEndOfLifeStatements1765400100000,
  ClaimResponsesImportedFrom1765400100100,
  ApiKeysDistributable1765400300000,
  SupersededEvidenceDigests1765400500000,
  InquiryVexUploads1765500200000,
  EmailClaimLease1765500300000,
  AdvisoryMatchExposures1765500400000,
  AdvisoryMatchCandidates1765500500000,
  AdvisoryMatchUnchanged1765500500100,
  AdvisoryMatchScoped1765500600000,
  AdvisoryMatchAnnounced1765500700000,
  AdvisoryMatchOwnExposures1765500700100,
];
