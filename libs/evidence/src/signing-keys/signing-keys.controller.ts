import { Access } from '@assay/shared/auth';
import { ApiProblem } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateSigningKeyDto } from './signing-keys.dto';
import type { SigningKey } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

@ApiTags('Evidence')
@Access('tenant:manage')
@Controller('api/v1/signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Post()
  @ApiProblem(409)
  @ApiProblem(422)
  @ApiOperation({ summary: 'Register a public key DSSE envelopes are verified against' })
  create(@Body() body: CreateSigningKeyDto): Promise<SigningKey> {
    return this.keys.create(RequestContext.tenantId, body.name, body.publicKey);
  }

  @Get()
  @ApiOperation({ summary: 'The tenant’s signing keys, newest first' })
  async list(): Promise<{ items: SigningKey[] }> {
    return { items: await this.keys.list(RequestContext.tenantId) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiProblem(404)
  @ApiOperation({ summary: 'Remove a signing key: envelopes processed from now on are no longer verified against it' })
  async remove(@Param('id') id: string): Promise<void> {
    await this.keys.delete(RequestContext.tenantId, id);
  }
}
