import { Access } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { ProblemException, createValidationPipe } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { AcceptedEvidence, UploadEvidenceFieldsDto, UrlEvidenceDto } from '../evidence/evidence.dto';
import { BLOB_STORAGE, BlobStorage, StagedBlob } from '../storage/blob-storage';
import { EvidenceIntakeService } from './evidence-intake.service';

const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 4096;
const validation = createValidationPipe();

type MultipartPart =
  | { type: 'file'; fieldname: string; filename: string; file: NodeJS.ReadableStream & AsyncIterable<Buffer> }
  | { type: 'field'; fieldname: string; value: unknown };
type MultipartRequest = FastifyRequest & { isMultipart(): boolean; parts(options?: unknown): AsyncIterableIterator<MultipartPart> };

@ApiTags('Evidence')
@Controller('api/v1/evidence')
export class EvidenceIntakeController {
  constructor(
    private readonly intake: EvidenceIntakeService,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @Access('evidence:write')
  @ApiOperation({ summary: 'Submit evidence: a multipart `file` with fields, or JSON naming a URL the worker fetches' })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ type: UrlEvidenceDto })
  async submit(@Req() request: FastifyRequest): Promise<AcceptedEvidence> {
    const tenantId = RequestContext.tenantId;
    const multipart = request as MultipartRequest;
    if (typeof multipart.isMultipart === 'function' && multipart.isMultipart()) return this.upload(tenantId, multipart);
    const body = (await validation.transform(request.body ?? {}, { type: 'body', metatype: UrlEvidenceDto })) as UrlEvidenceDto;
    return this.intake.acceptUrl(tenantId, body);
  }

  /** Streams the `file` part to storage (hashing as it goes); the fields may come before or after it. */
  private async upload(tenantId: string, request: MultipartRequest): Promise<AcceptedEvidence> {
    const maxBytes = this.config.evidence.maxBytes;
    const fields: Record<string, string | string[]> = {};
    let staged: StagedBlob | null = null;
    let filename: string | null = null;
    try {
      for await (const part of request.parts({ limits: { files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, fileSize: maxBytes + 1 }, throwFileSizeLimit: false })) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file' || staged) throw new ProblemException(400, 'Send exactly one file, in the field "file"', { errors: [{ field: part.fieldname, message: 'unexpected file' }] });
          filename = part.filename ? part.filename.slice(0, 255) : null;
          staged = await this.storage.stage(part.file as unknown as Readable, maxBytes);
        } else {
          const value = typeof part.value === 'string' ? part.value : String(part.value);
          const previous = fields[part.fieldname];
          fields[part.fieldname] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
        }
      }
    } catch (error) {
      if (staged) await this.storage.discard(staged);
      if (error instanceof ProblemException) throw error;
      const code = (error as { code?: string }).code ?? '';
      if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') throw new ProblemException(413, 'Too many parts in the upload');
      if (code.startsWith('FST_')) throw new ProblemException(400, `Unreadable multipart body: ${(error as Error).message}`);
      throw error;
    }
    if (!staged) throw new ProblemException(400, 'A multipart upload needs a "file" part', { errors: [{ field: 'file', message: 'missing' }] });
    let body: UploadEvidenceFieldsDto;
    try {
      body = (await validation.transform(fields, { type: 'body', metatype: UploadEvidenceFieldsDto })) as UploadEvidenceFieldsDto;
    } catch (error) {
      await this.storage.discard(staged);
      throw error;
    }
    return this.intake.acceptUpload(tenantId, body, staged, filename, maxBytes);
  }
}
