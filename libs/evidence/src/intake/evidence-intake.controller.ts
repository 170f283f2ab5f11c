import { Access, PortalAccess } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { ApiProblem, ProblemException, createValidationPipe } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import {
  AcceptedEvidence,
  EvidenceValidityDto,
  PortalEvidenceFieldsDto,
  PortalUrlEvidenceDto,
  RenewalUrlEvidenceDto,
  UploadEvidenceFieldsDto,
  UrlEvidenceDto,
} from '../evidence/evidence.dto';
import { EvidenceService, RenewalView } from '../evidence/evidence.service';
import { BLOB_STORAGE, BlobStorage, StagedBlob } from '../storage/blob-storage';
import { EvidenceIntakeService, RenewalScope } from './evidence-intake.service';

const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 4096;
const validation = createValidationPipe();

type MultipartPart =
  | { type: 'file'; fieldname: string; filename: string; file: NodeJS.ReadableStream & AsyncIterable<Buffer> }
  | { type: 'field'; fieldname: string; value: unknown };
export type MultipartRequest = FastifyRequest & { isMultipart(): boolean; parts(options?: unknown): AsyncIterableIterator<MultipartPart> };

interface ParsedUpload<T> {
  staged: StagedBlob;
  filename: string | null;
  fields: T;
}

export function isMultipart(request: FastifyRequest): request is MultipartRequest {
  const multipart = request as MultipartRequest;
  return typeof multipart.isMultipart === 'function' && multipart.isMultipart();
}

const MULTIPART_SYNTAX = /multipart|boundary|part header|malformed/i;

/**
 * Streams the `file` part to storage (hashing as it goes) and validates the other fields as `metatype`;
 * the fields may come before or after the file. On any refusal the staged bytes are discarded.
 */
export async function readUpload<T extends object>(
  storage: BlobStorage,
  request: MultipartRequest,
  maxBytes: number,
  metatype: new () => T,
): Promise<ParsedUpload<T>> {
  const fields: Record<string, string | string[]> = {};
  let staged: StagedBlob | null = null;
  let filename: string | null = null;
  try {
    for await (const part of request.parts({
      limits: { files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, fileSize: maxBytes + 1 },
      throwFileSizeLimit: false,
    })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || staged)
          throw new ProblemException(400, 'Send exactly one file, in the field "file"', { errors: [{ field: part.fieldname, message: 'unexpected file' }] });
        filename = part.filename ? part.filename.slice(0, 255) : null;
        staged = await storage.stage(part.file as unknown as Readable, maxBytes);
      } else {
        const value = typeof part.value === 'string' ? part.value : String(part.value);
        const previous = fields[part.fieldname];
        fields[part.fieldname] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
      }
    }
  } catch (error) {
    if (staged) await storage.discard(staged);
    if (error instanceof ProblemException) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT')
      throw new ProblemException(413, 'Too many parts in the upload');
    // The multipart parser's own errors (a missing boundary, a body that ends mid-part) carry no code.
    if (code.startsWith('FST_') || MULTIPART_SYNTAX.test((error as Error).message ?? ''))
      throw new ProblemException(400, `Unreadable multipart body: ${(error as Error).message}`);
    throw error;
  }
  if (!staged) throw new ProblemException(400, 'A multipart upload needs a "file" part', { errors: [{ field: 'file', message: 'missing' }] });
  try {
    return { staged, filename, fields: (await validation.transform(fields, { type: 'body', metatype })) as T };
  } catch (error) {
    await storage.discard(staged);
    throw error;
  }
}

/** What every intake route needs: the service, storage for streamed uploads, and the size limit. */
abstract class EvidenceSubmission {
  constructor(
    protected readonly intake: EvidenceIntakeService,
    @Inject(BLOB_STORAGE) protected readonly storage: BlobStorage,
    @Inject(APP_CONFIG) protected readonly config: AppConfig,
  ) {}

  /** A multipart upload (its fields validated as `fields`) or a JSON body naming a URL (validated as `url`), each to its own acceptance. */
  protected async receive<F extends object, U extends object>(
    request: FastifyRequest,
    fields: new () => F,
    url: new () => U,
    accept: { upload(upload: ParsedUpload<F>, maxBytes: number): Promise<AcceptedEvidence>; url(body: U): Promise<AcceptedEvidence> },
  ): Promise<AcceptedEvidence> {
    const maxBytes = this.config.evidence.maxBytes;
    if (isMultipart(request)) return accept.upload(await readUpload(this.storage, request, maxBytes, fields), maxBytes);
    return accept.url((await validation.transform(request.body ?? {}, { type: 'body', metatype: url })) as U);
  }
}

@ApiTags('Evidence')
@Controller('api/v1/evidence')
export class EvidenceIntakeController extends EvidenceSubmission {
  @Post()
  @HttpCode(202)
  @Access('evidence:write')
  @ApiOperation({ summary: 'Submit evidence: a multipart `file` with fields, or JSON naming a URL the worker fetches' })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: UrlEvidenceDto })
  async submit(@Req() request: FastifyRequest): Promise<AcceptedEvidence> {
    const tenantId = RequestContext.tenantId;
    return this.receive(request, UploadEvidenceFieldsDto, UrlEvidenceDto, {
      upload: (upload, maxBytes) => this.intake.acceptUpload(tenantId, upload.fields, upload.staged, upload.filename, maxBytes),
      url: (body) => this.intake.acceptUrl(tenantId, body),
    });
  }
}

@ApiTags('Supplier portal')
@Controller('api/v1/portal/assessment/evidence')
@PortalAccess()
export class PortalEvidenceController extends EvidenceSubmission {
  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: "Evidence for the portal token's assessment (open assessments only): a multipart `file`, or JSON naming a URL" })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: PortalUrlEvidenceDto })
  async submit(@Req() request: FastifyRequest): Promise<AcceptedEvidence> {
    const identity = RequestContext.identity;
    const tenantId = RequestContext.tenantId;
    if (!identity.portal) throw new ProblemException(403, 'This route needs a supplier portal token');
    const { assessmentId } = identity.portal;
    return this.receive(request, PortalEvidenceFieldsDto, PortalUrlEvidenceDto, {
      upload: (upload, maxBytes) => this.intake.acceptPortalUpload(tenantId, assessmentId, upload.fields, upload.staged, upload.filename, maxBytes),
      url: (body) => this.intake.acceptPortalUrl(tenantId, assessmentId, body),
    });
  }
}

/** The evidence and contact of the calling renewal link. */
function renewalScope(): RenewalScope {
  const portal = RequestContext.identity.portal;
  if (!portal?.evidenceId || portal.link !== 'renewal') throw new ProblemException(403, 'This route needs a renewal link');
  return { evidenceId: portal.evidenceId, contactId: portal.contactId };
}

@ApiTags('Supplier portal')
@Controller('api/v1/portal/renewal')
@PortalAccess('renewal')
export class PortalRenewalController extends EvidenceSubmission {
  constructor(
    intake: EvidenceIntakeService,
    @Inject(BLOB_STORAGE) storage: BlobStorage,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly evidence: EvidenceService,
  ) {
    super(intake, storage, config);
  }

  @Get()
  @ApiOperation({ summary: "What the renewal link's evidence is and whether it can be renewed (`renewal`: expiring, expired, renewed or current)" })
  view(): Promise<RenewalView> {
    return this.evidence.forRenewal(RequestContext.tenantId, renewalScope().evidenceId);
  }

  @Post('evidence')
  @HttpCode(202)
  @ApiOperation({
    summary:
      "The replacement for the renewal link's evidence (a multipart `file`, or JSON naming a URL): it supersedes the old piece, and open assessments follow it. 409 when the evidence is not expiring or expired, or was renewed already",
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: RenewalUrlEvidenceDto })
  @ApiProblem(409)
  async submit(@Req() request: FastifyRequest): Promise<AcceptedEvidence> {
    const scope = renewalScope();
    const tenantId = RequestContext.tenantId;
    return this.receive(request, EvidenceValidityDto, RenewalUrlEvidenceDto, {
      upload: (upload, maxBytes) => this.intake.acceptRenewalUpload(tenantId, scope, upload.fields, upload.staged, upload.filename, maxBytes),
      url: (body) => this.intake.acceptRenewalUrl(tenantId, scope, body),
    });
  }
}
