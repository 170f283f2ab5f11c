import { connectionType } from '@assay/shared/graphql';
import { Directive, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_DESCRIPTION_LENGTH, MAX_EVENT_FILTERS, MAX_WEBHOOK_URL_LENGTH, WEBHOOK_EVENT_FILTERS } from '../webhooks/webhook-endpoints.dto';
import { NotificationsSchemaModule } from './notifications-schema.module';

@ObjectType({ registerIn: NotificationsSchemaModule })
export class WebhookEndpoint {
  @Field(() => ID) id!: string;
  @Field() url!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [String]) events!: string[];
  @Field() enabled!: boolean;
  @Field(() => String, { nullable: true }) disabledReason!: string | null;
  @Field(() => String, { nullable: true }) disabledAt!: string | null;
  @Field(() => String, { nullable: true, description: 'Since when every delivery has failed' }) failingSince!: string | null;
  @Field(() => String, { nullable: true, description: 'Until when the previous secret still signs after a rotation' }) previousSecretExpiresAt!: string | null;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType({ registerIn: NotificationsSchemaModule })
export class WebhookAttempt {
  @Field(() => Int) attempt!: number;
  @Field() startedAt!: string;
  @Field(() => Int) durationMs!: number;
  @Field(() => Int, { nullable: true }) statusCode!: number | null;
  @Field(() => String, { nullable: true, description: 'The first bytes of the answer' }) responseSnippet!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field() succeeded!: boolean;
}

@ObjectType({ registerIn: NotificationsSchemaModule })
export class WebhookDelivery {
  @Field(() => ID) id!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => ID) eventId!: string;
  @Field() eventType!: string;
  @Field() status!: string;
  @Field(() => Int) attemptCount!: number;
  @Field(() => String, { nullable: true }) nextAttemptAt!: string | null;
  @Field(() => String, { nullable: true }) lastAttemptAt!: string | null;
  @Field(() => Int, { nullable: true }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => ID, { nullable: true }) redeliveryOf!: string | null;
  @Field() createdAt!: string;
  @Field(() => String, { nullable: true }) completedAt!: string | null;
  @Field(() => [WebhookAttempt]) attempts!: WebhookAttempt[];
}

@ObjectType({ registerIn: NotificationsSchemaModule })
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint) endpoint!: WebhookEndpoint;
  @Field({ description: 'The signing secret (whsec_…): shown only in this answer' }) secret!: string;
}

@ObjectType({ registerIn: NotificationsSchemaModule })
export class ReminderRecipient {
  @Field() name!: string;
  @Field() email!: string;
  @Field({ description: 'State of the email to this recipient' }) status!: string;
  @Field(() => String, { nullable: true }) sentAt!: string | null;
}

@ObjectType({ registerIn: NotificationsSchemaModule })
@Directive('@key(fields: "id")')
export class Assessment {
  @Field(() => ID) id!: string;
}

@ObjectType({ registerIn: NotificationsSchemaModule, description: 'A reminder or escalation that went out for an assessment' })
export class Reminder {
  @Field(() => ID) id!: string;
  @Field(() => ID) assessmentId!: string;
  @Field({ description: 'before_14, due, overdue_1, escalation_sro, escalation_owner, …' }) step!: string;
  @Field({ description: 'reminder, escalation_sro or escalation_owner' }) kind!: string;
  @Field(() => [ReminderRecipient]) recipients!: ReminderRecipient[];
  @Field() dueAt!: string;
  @Field() scheduledFor!: string;
  @Field() sentAt!: string;
  @Field(() => Assessment) assessment?: Assessment;
}

@ObjectType({ registerIn: NotificationsSchemaModule, description: 'An item of the signed-in user’s feed' })
export class Notification {
  @Field(() => ID) id!: string;
  @Field() type!: string;
  @Field() title!: string;
  @Field() body!: string;
  @Field(() => String, { nullable: true }) subjectType!: string | null;
  @Field(() => String, { nullable: true }) subjectId!: string | null;
  @Field(() => ID) eventId!: string;
  @Field() createdAt!: string;
  @Field(() => String, { nullable: true }) readAt!: string | null;
}

export const WebhookEndpointConnection = connectionType(WebhookEndpoint, NotificationsSchemaModule);
export const WebhookDeliveryConnection = connectionType(WebhookDelivery, NotificationsSchemaModule);
export const NotificationConnection = connectionType(Notification, NotificationsSchemaModule);

@InputType({ registerIn: NotificationsSchemaModule })
export class CreateWebhookEndpointInput {
  @Field() @IsString() @MaxLength(MAX_WEBHOOK_URL_LENGTH) url!: string;
  @Field(() => [String])
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENT_FILTERS)
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true, message: 'each event must be "*" or a public event type' })
  events!: string[];
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description?: string | null;
}

@InputType({ registerIn: NotificationsSchemaModule })
export class UpdateWebhookEndpointInput {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(MAX_WEBHOOK_URL_LENGTH) url?: string;
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENT_FILTERS)
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true, message: 'each event must be "*" or a public event type' })
  events?: string[];
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(MAX_DESCRIPTION_LENGTH) description?: string;
}
