/** The schema this service owns; its outbox carries `reminder.sent`. */
export const NOTIFICATIONS_SCHEMA = 'notifications';

/** The audit log's name for this service. */
export const AUDIT_SERVICE = 'notifications';
