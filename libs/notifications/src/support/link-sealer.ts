import { CredentialLinkSealer } from '@assay/shared/auth';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Inject, Injectable } from '@nestjs/common';

export { CREDENTIAL_LINK_FIELDS, withoutCredentialLinks } from '@assay/shared/auth';

/**
 * Links that carry credentials arrive sealed from the services that mint them and stay sealed in
 * the email log and reminder schedules until a message is rendered (a plain link from an older
 * event is sealed on the way in).
 */
@Injectable()
export class LinkSealer extends CredentialLinkSealer {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config.dataEncryptionKey);
  }
}
