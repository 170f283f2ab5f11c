import { Access, AllowAnonymous } from '@assay/shared/auth';
import { ApiProblem, PageQueryDto, pageLimit } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client } from '../client-info';
import type { ClientInfo } from '../tenancy-writes';
import { AcceptInvitationDto, ChangeRoleDto, InviteDto } from '../tenancy.dto';
import { InvitationsService } from './invitations.service';
import { MembersService } from './members.service';

@ApiTags('Members')
@Controller('api/v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Access('members:read')
  @ApiOperation({ summary: 'Members of the organisation and their roles' })
  list(@Query() query: PageQueryDto) {
    return this.members.list(RequestContext.tenantId, pageLimit(query), query.cursor);
  }

  @Patch(':userId')
  @Access('members:manage')
  @ApiOperation({ summary: "Change a member's role (only owners change owners; one owner always remains)" })
  changeRole(@Param('userId', ParseUUIDPipe) userId: string, @Body() body: ChangeRoleDto) {
    return this.members.changeRole(RequestContext.tenantIdentity, userId, body.role);
  }

  @Delete(':userId')
  @HttpCode(204)
  @Access('members:manage')
  @ApiOperation({ summary: 'Remove a member (their sessions end at once; the last owner cannot be removed)' })
  async remove(@Param('userId', ParseUUIDPipe) userId: string): Promise<void> {
    await this.members.remove(RequestContext.tenantIdentity, userId);
  }
}

@ApiTags('Members')
@Controller('api/v1/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @Access('members:manage')
  @ApiOperation({ summary: 'Invite someone by email (single-use link, valid 7 days)' })
  invite(@Body() body: InviteDto) {
    return this.invitations.invite(RequestContext.tenantIdentity, body);
  }

  @Get()
  @Access('members:manage')
  @ApiOperation({ summary: 'Invitations, newest first' })
  async list() {
    return { data: await this.invitations.list(RequestContext.tenantId), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('members:manage')
  @ApiOperation({ summary: 'Withdraw a pending invitation' })
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.invitations.revoke(RequestContext.tenantIdentity, id);
  }

  @Post('accept')
  @HttpCode(200)
  @AllowAnonymous()
  @ApiOperation({ summary: 'Accept an invitation: new people set a name and password, existing users give their password' })
  @ApiProblem(401, 403, 404)
  accept(@Body() body: AcceptInvitationDto, @Client() client: ClientInfo) {
    return this.invitations.accept(body, client);
  }
}
