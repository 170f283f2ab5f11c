/**
 * Email templates (Handlebars). Every message names the customer organisation (`tenantName`) in its
 * subject and body; the HTML part is wrapped in a layout that repeats it. Text parts are rendered
 * without HTML escaping, HTML parts with it.
 */
export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

export const TEMPLATE_NAMES = [
  'invitation',
  'assessment_sent',
  'reminder_before',
  'reminder_due',
  'reminder_overdue',
  'escalation_sro',
  'escalation_owner',
  'assessment_returned',
  'assessment_completed',
  'evidence_expiring',
  'finding_created',
  'finding_reminder',
  'webhook_endpoint_disabled',
  'assessment_due_date_changed',
  'extension_requested',
  'extension_declined',
  'assessment_sign_off_requested',
  'evidence_renewal_requested',
  'inquiry_sent',
  'inquiry_answered',
  'inquiry_overdue',
  'inquiry_reminder',
  'inquiry_escalation',
] as const;

export type TemplateName = (typeof TEMPLATE_NAMES)[number];

const ASSESSMENT = `{{supplierName}}{{#if productName}} ({{productName}}){{/if}}`;
const PORTAL_TEXT = `{{#if portalUrl}}Open your assessment: {{portalUrl}}{{/if}}`;
const FINDINGS_TEXT = `{{#if portalUrl}}Answer the findings (your remediation plan, and whether you agree): {{portalUrl}}{{/if}}`;
const FINDINGS_HTML = `{{#if portalUrl}}<p><a href="{{portalUrl}}" style="background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Answer the findings</a></p><p style="font-size:12px;color:#555">Or paste this link into your browser: {{portalUrl}}</p>{{/if}}`;
const PORTAL_HTML = `{{#if portalUrl}}<p><a href="{{portalUrl}}" style="background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Open the assessment</a></p><p style="font-size:12px;color:#555">Or paste this link into your browser: {{portalUrl}}</p>{{/if}}`;

export const MAIL_LAYOUT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{subject}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;line-height:1.5;color:#111;max-width:640px;margin:0 auto;padding:16px">
<p style="font-size:13px;color:#555;border-bottom:1px solid #ddd;padding-bottom:8px">{{tenantName}} &middot; supplier assurance with Assay</p>
{{{content}}}
<p style="font-size:12px;color:#777;border-top:1px solid #ddd;padding-top:8px;margin-top:24px">Sent by Assay on behalf of {{tenantName}}.</p>
</body></html>`;

export const MAIL_TEMPLATES: Readonly<Record<TemplateName, MailTemplate>> = {
  invitation: {
    subject: `{{invitedByName}} invited you to {{tenantName}} on Assay`,
    text: `Hello,

{{invitedByName}} invited you to join {{tenantName}} on Assay as {{role}}.

Accept the invitation: {{acceptUrl}}

The invitation expires on {{date expiresAt}}. If you did not expect it, ignore this email.`,
    html: `<p>Hello,</p><p>{{invitedByName}} invited you to join <strong>{{tenantName}}</strong> on Assay as <strong>{{role}}</strong>.</p>
<p><a href="{{acceptUrl}}">Accept the invitation</a></p><p>The invitation expires on {{date expiresAt}}. If you did not expect it, ignore this email.</p>`,
  },
  assessment_sent: {
    subject: `[{{tenantName}}] Software Security Code of Practice assessment for ${ASSESSMENT}`,
    text: `Hello {{recipientName}},

{{tenantName}} asks ${ASSESSMENT} to complete an assessment against the UK Software Security Code of Practice by {{date dueAt}}.

Answer each claim, attach evidence and have your Senior Responsible Owner sign the attestation.

${PORTAL_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p><strong>{{tenantName}}</strong> asks ${ASSESSMENT} to complete an assessment against the UK Software Security Code of Practice by <strong>{{date dueAt}}</strong>.</p>
<p>Answer each claim, attach evidence and have your Senior Responsible Owner sign the attestation.</p>${PORTAL_HTML}`,
  },
  reminder_before: {
    subject: `[{{tenantName}}] Reminder: assessment for ${ASSESSMENT} due in {{daysLeft}} day{{#unless (eq daysLeft 1)}}s{{/unless}}`,
    text: `Hello {{recipientName}},

This is a reminder from {{tenantName}}: the Software Security Code of Practice assessment for ${ASSESSMENT} is due on {{date dueAt}}, in {{daysLeft}} day{{#unless (eq daysLeft 1)}}s{{/unless}}.

${PORTAL_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p>This is a reminder from <strong>{{tenantName}}</strong>: the Software Security Code of Practice assessment for ${ASSESSMENT} is due on <strong>{{date dueAt}}</strong>, in {{daysLeft}} day{{#unless (eq daysLeft 1)}}s{{/unless}}.</p>${PORTAL_HTML}`,
  },
  reminder_due: {
    subject: `[{{tenantName}}] Due today: assessment for ${ASSESSMENT}`,
    text: `Hello {{recipientName}},

The Software Security Code of Practice assessment {{tenantName}} sent for ${ASSESSMENT} is due today, {{date dueAt}}.

${PORTAL_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p>The Software Security Code of Practice assessment <strong>{{tenantName}}</strong> sent for ${ASSESSMENT} is due <strong>today, {{date dueAt}}</strong>.</p>${PORTAL_HTML}`,
  },
  reminder_overdue: {
    subject: `[{{tenantName}}] Overdue by {{daysOverdue}} days: assessment for ${ASSESSMENT}`,
    text: `Hello {{recipientName}},

The Software Security Code of Practice assessment {{tenantName}} sent for ${ASSESSMENT} was due on {{date dueAt}} and is {{daysOverdue}} days overdue. Please complete it as soon as you can.

${PORTAL_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p>The Software Security Code of Practice assessment <strong>{{tenantName}}</strong> sent for ${ASSESSMENT} was due on {{date dueAt}} and is <strong>{{daysOverdue}} days overdue</strong>. Please complete it as soon as you can.</p>${PORTAL_HTML}`,
  },
  escalation_sro: {
    subject: `[{{tenantName}}] Escalation: assessment for ${ASSESSMENT} is {{daysOverdue}} days overdue`,
    text: `Hello {{recipientName}},

You are the Senior Responsible Owner of ${ASSESSMENT} for {{tenantName}}. The Software Security Code of Practice assessment {{tenantName}} sent was due on {{date dueAt}} and is {{daysOverdue}} days overdue; reminders to your team have not been answered.

Please make sure it is completed and attested.

${PORTAL_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p>You are the Senior Responsible Owner of ${ASSESSMENT} for <strong>{{tenantName}}</strong>. The Software Security Code of Practice assessment was due on {{date dueAt}} and is <strong>{{daysOverdue}} days overdue</strong>; reminders to your team have not been answered.</p>
<p>Please make sure it is completed and attested.</p>${PORTAL_HTML}`,
  },
  escalation_owner: {
    subject: `[{{tenantName}}] Supplier escalation: ${ASSESSMENT} is {{daysOverdue}} days overdue`,
    text: `Hello {{recipientName}},

The Software Security Code of Practice assessment {{tenantName}} sent to ${ASSESSMENT} was due on {{date dueAt}} and is {{daysOverdue}} days overdue. Reminders and the escalation to the supplier have not been answered.

You own this supplier relationship at {{tenantName}}: please follow it up with the supplier.`,
    html: `<p>Hello {{recipientName}},</p><p>The Software Security Code of Practice assessment <strong>{{tenantName}}</strong> sent to ${ASSESSMENT} was due on {{date dueAt}} and is <strong>{{daysOverdue}} days overdue</strong>. Reminders and the escalation to the supplier have not been answered.</p>
<p>You own this supplier relationship at {{tenantName}}: please follow it up with the supplier.</p>`,
  },
  assessment_returned: {
    subject: `[{{tenantName}}] Changes requested: assessment for ${ASSESSMENT}`,
    text: `Hello {{recipientName}},

{{tenantName}} reviewed the assessment for ${ASSESSMENT} and returned it for changes.{{#if message}}

Their message:
{{message}}{{/if}}

Please update your answers by {{date dueAt}}.

${PORTAL_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p><strong>{{tenantName}}</strong> reviewed the assessment for ${ASSESSMENT} and returned it for changes.</p>{{#if message}}<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px;white-space:pre-wrap">{{message}}</blockquote>{{/if}}
<p>Please update your answers by <strong>{{date dueAt}}</strong>.</p>${PORTAL_HTML}`,
  },
  assessment_completed: {
    subject: `[{{tenantName}}] Assessment completed for ${ASSESSMENT}`,
    text: `Hello {{recipientName}},

{{tenantName}} completed its review of the Software Security Code of Practice assessment for ${ASSESSMENT}.{{#if score}} Score: {{percent score}}.{{/if}}{{#if message}}

Conclusion:
{{message}}{{/if}}

Thank you for your answers.`,
    html: `<p>Hello {{recipientName}},</p><p><strong>{{tenantName}}</strong> completed its review of the Software Security Code of Practice assessment for ${ASSESSMENT}.{{#if score}} Score: <strong>{{percent score}}</strong>.{{/if}}</p>{{#if message}}<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px;white-space:pre-wrap">{{message}}</blockquote>{{/if}}<p>Thank you for your answers.</p>`,
  },
  evidence_expiring: {
    subject: `[{{tenantName}}] Evidence from {{supplierName}} expires on {{date validUntil}}`,
    text: `Hello {{recipientName}},

A piece of {{kind}} evidence from {{supplierName}} held by {{tenantName}} stops being valid on {{date validUntil}}. Ask the supplier for a current version so the assurance stays fresh.`,
    html: `<p>Hello {{recipientName}},</p><p>A piece of <strong>{{kind}}</strong> evidence from {{supplierName}} held by <strong>{{tenantName}}</strong> stops being valid on <strong>{{date validUntil}}</strong>. Ask the supplier for a current version so the assurance stays fresh.</p>`,
  },
  finding_reminder: {
    subject: `[{{tenantName}}] {{#if overdue}}Remediation overdue{{else}}Remediation due {{date remediationDueAt}}{{/if}}: {{title}}`,
    text: `Hello {{recipientName}},

{{#if overdue}}The remediation of this {{severity}} finding raised by {{tenantName}} against {{supplierName}} was due on {{date remediationDueAt}} and is not resolved yet:{{else}}The remediation of this {{severity}} finding raised by {{tenantName}} against {{supplierName}} is due on {{date remediationDueAt}}:{{/if}}

{{title}}

Please send your remediation plan, or tell {{tenantName}} the finding is fixed.

${FINDINGS_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p>{{#if overdue}}The remediation of this <strong>{{severity}}</strong> finding raised by <strong>{{tenantName}}</strong> against {{supplierName}} was due on <strong>{{date remediationDueAt}}</strong> and is not resolved yet:{{else}}The remediation of this <strong>{{severity}}</strong> finding raised by <strong>{{tenantName}}</strong> against {{supplierName}} is due on <strong>{{date remediationDueAt}}</strong>:{{/if}}</p><p><strong>{{title}}</strong></p><p>Please send your remediation plan, or tell {{tenantName}} the finding is fixed.</p>${FINDINGS_HTML}`,
  },
  finding_created: {
    subject: `[{{tenantName}}] New {{severity}} finding for {{supplierName}}: {{title}}`,
    text: `Hello {{recipientName}},

{{tenantName}} raised a {{severity}} finding against claim {{claimId}} in the assessment of {{supplierName}}:

{{title}}
{{#if remediationDueAt}}
Remediation is due by {{date remediationDueAt}}.{{/if}}

${FINDINGS_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p><strong>{{tenantName}}</strong> raised a <strong>{{severity}}</strong> finding against claim {{claimId}} in the assessment of {{supplierName}}:</p><p><strong>{{title}}</strong></p>{{#if remediationDueAt}}<p>Remediation is due by {{date remediationDueAt}}.</p>{{/if}}${FINDINGS_HTML}`,
  },
  assessment_due_date_changed: {
    subject: `[{{tenantName}}] New due date {{date dueAt}}: assessment for ${ASSESSMENT}`,
    text: `Hello {{recipientName}},

{{tenantName}} moved the due date of the Software Security Code of Practice assessment for ${ASSESSMENT} from {{date previousDueAt}} to {{date dueAt}}.{{#if reason}}

Their reason:
{{reason}}{{/if}}

${PORTAL_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p><strong>{{tenantName}}</strong> moved the due date of the Software Security Code of Practice assessment for ${ASSESSMENT} from {{date previousDueAt}} to <strong>{{date dueAt}}</strong>.</p>{{#if reason}}<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px;white-space:pre-wrap">{{reason}}</blockquote>{{/if}}${PORTAL_HTML}`,
  },
  extension_requested: {
    subject: `[{{tenantName}}] {{supplierName}} asks to extend the due date to {{date requestedDueAt}}`,
    text: `Hello {{recipientName}},

${ASSESSMENT} asks {{tenantName}} for more time on its Software Security Code of Practice assessment: due on {{date dueAt}}, they ask for {{date requestedDueAt}}.

Their reason:
{{reason}}

Approve or reject the request in Assay (the assessment's extension requests).`,
    html: `<p>Hello {{recipientName}},</p><p>${ASSESSMENT} asks <strong>{{tenantName}}</strong> for more time on its Software Security Code of Practice assessment: due on {{date dueAt}}, they ask for <strong>{{date requestedDueAt}}</strong>.</p><blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px;white-space:pre-wrap">{{reason}}</blockquote>
<p>Approve or reject the request in Assay (the assessment's extension requests).</p>`,
  },
  extension_declined: {
    subject: `[{{tenantName}}] Extension not granted: assessment for ${ASSESSMENT} still due {{date dueAt}}`,
    text: `Hello {{recipientName}},

{{tenantName}} did not grant the extension to {{date requestedDueAt}} you asked for. The assessment for ${ASSESSMENT} is still due on {{date dueAt}}.{{#if comment}}

Their comment:
{{comment}}{{/if}}

${PORTAL_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p><strong>{{tenantName}}</strong> did not grant the extension to {{date requestedDueAt}} you asked for. The assessment for ${ASSESSMENT} is still due on <strong>{{date dueAt}}</strong>.</p>{{#if comment}}<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px;white-space:pre-wrap">{{comment}}</blockquote>{{/if}}${PORTAL_HTML}`,
  },
  assessment_sign_off_requested: {
    subject: `[{{tenantName}}] Your sign-off is requested: assessment for ${ASSESSMENT}`,
    text: `Hello {{recipientName}},

{{requestedByName}} has prepared the Software Security Code of Practice assessment {{tenantName}} sent for ${ASSESSMENT}, due {{date dueAt}}, and asks you, as Senior Responsible Owner, to review the answers and sign the attestation. Only you can submit it.{{#if message}}

Their note:
{{message}}{{/if}}

${PORTAL_TEXT}`,
    html: `<p>Hello {{recipientName}},</p><p>{{requestedByName}} has prepared the Software Security Code of Practice assessment <strong>{{tenantName}}</strong> sent for ${ASSESSMENT}, due <strong>{{date dueAt}}</strong>, and asks you, as Senior Responsible Owner, to review the answers and sign the attestation. Only you can submit it.</p>{{#if message}}<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px;white-space:pre-wrap">{{message}}</blockquote>{{/if}}${PORTAL_HTML}`,
  },
  evidence_renewal_requested: {
    subject: `[{{tenantName}}] Please renew {{#if title}}"{{title}}"{{else}}your {{kind}} evidence{{/if}} before {{date validUntil}}`,
    text: `Hello {{recipientName}},

{{#if title}}"{{title}}"{{else}}A piece of {{kind}} evidence{{/if}} that {{supplierName}} gave {{tenantName}} stops being valid on {{date validUntil}}. Upload its current version through the link below: it replaces the old one, with no new assessment to fill in.

{{#if portalUrl}}Renew it: {{portalUrl}}{{/if}}`,
    html: `<p>Hello {{recipientName}},</p><p>{{#if title}}<strong>{{title}}</strong>{{else}}A piece of <strong>{{kind}}</strong> evidence{{/if}} that {{supplierName}} gave <strong>{{tenantName}}</strong> stops being valid on <strong>{{date validUntil}}</strong>. Upload its current version through the link below: it replaces the old one, with no new assessment to fill in.</p>{{#if portalUrl}}<p><a href="{{portalUrl}}" style="background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Renew the evidence</a></p><p style="font-size:12px;color:#555">Or paste this link into your browser: {{portalUrl}}</p>{{/if}}`,
  },
  inquiry_sent: {
    subject: `[{{tenantName}}] Are you affected by {{vulnerability}}? Please answer by {{date dueAt}}`,
    text: `Hello {{recipientName}},

{{tenantName}} asks whether the software {{supplierName}} supplies to them is affected by {{vulnerability}}{{#if summary}} ({{summary}}){{/if}}: the SBOMs you gave them include a component it names. Please answer by {{date dueAt}}: affected, not affected (and why), fixed, or still under investigation.

{{#if portalUrl}}Answer the inquiry: {{portalUrl}}{{/if}}`,
    html: `<p>Hello {{recipientName}},</p><p><strong>{{tenantName}}</strong> asks whether the software {{supplierName}} supplies to them is affected by <strong>{{vulnerability}}</strong>{{#if summary}} ({{summary}}){{/if}}: the SBOMs you gave them include a component it names. Please answer by <strong>{{date dueAt}}</strong>: affected, not affected (and why), fixed, or still under investigation.</p>{{#if portalUrl}}<p><a href="{{portalUrl}}" style="background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Answer the inquiry</a></p><p style="font-size:12px;color:#555">Or paste this link into your browser: {{portalUrl}}</p>{{/if}}`,
  },
  inquiry_answered: {
    subject: `[{{tenantName}}] {{supplierName}} answered about {{vulnerability}}: {{status}}`,
    text: `Hello {{recipientName}},

{{supplierName}} answered {{tenantName}}'s inquiry about {{vulnerability}}: {{status}}.{{#if justification}}
Justification: {{justification}}{{/if}}{{#if impactStatement}}
Impact: {{impactStatement}}{{/if}}{{#if fixedIn}}
Fixed in: {{fixedIn}}{{/if}}{{#if actionStatement}}
Action: {{actionStatement}}{{/if}}`,
    html: `<p>Hello {{recipientName}},</p><p>{{supplierName}} answered {{tenantName}}'s inquiry about <strong>{{vulnerability}}</strong>: <strong>{{status}}</strong>.</p><ul>{{#if justification}}<li>Justification: {{justification}}</li>{{/if}}{{#if impactStatement}}<li>Impact: {{impactStatement}}</li>{{/if}}{{#if fixedIn}}<li>Fixed in: {{fixedIn}}</li>{{/if}}{{#if actionStatement}}<li>Action: {{actionStatement}}</li>{{/if}}</ul>`,
  },
  inquiry_overdue: {
    subject: `[{{tenantName}}] {{supplierName}} has not answered about {{vulnerability}} (due {{date dueAt}})`,
    text: `Hello {{recipientName}},

The inquiry {{tenantName}} sent to {{supplierName}} about {{vulnerability}} was due on {{date dueAt}} and has no answer yet. Contact them, or withdraw their links if you no longer need one.`,
    html: `<p>Hello {{recipientName}},</p><p>The inquiry {{tenantName}} sent to {{supplierName}} about <strong>{{vulnerability}}</strong> was due on <strong>{{date dueAt}}</strong> and has no answer yet. Contact them, or withdraw their links if you no longer need one.</p>`,
  },
  inquiry_reminder: {
    subject: `[{{tenantName}}] {{#if overdue}}Overdue{{else}}Reminder{{/if}}: are you affected by {{vulnerability}}? (due {{date dueAt}})`,
    text: `Hello {{recipientName}},

{{tenantName}} {{#if overdue}}is still waiting for{{else}}reminds you of{{/if}} {{supplierName}}'s answer about {{vulnerability}}, due on {{date dueAt}}: affected, not affected (and why), fixed, or still under investigation.

{{#if portalUrl}}Answer the inquiry: {{portalUrl}}{{/if}}`,
    html: `<p>Hello {{recipientName}},</p><p><strong>{{tenantName}}</strong> {{#if overdue}}is still waiting for{{else}}reminds you of{{/if}} {{supplierName}}'s answer about <strong>{{vulnerability}}</strong>, due on <strong>{{date dueAt}}</strong>: affected, not affected (and why), fixed, or still under investigation.</p>{{#if portalUrl}}<p><a href="{{portalUrl}}" style="background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Answer the inquiry</a></p><p style="font-size:12px;color:#555">Or paste this link into your browser: {{portalUrl}}</p>{{/if}}`,
  },
  inquiry_escalation: {
    subject: `[{{tenantName}}] Escalation: {{supplierName}} has not answered about {{vulnerability}}`,
    text: `Hello {{recipientName}},

{{supplierName}} has still not answered {{tenantName}}'s inquiry about {{vulnerability}}, due on {{date dueAt}}, after the reminders Assay sent them. You are the supplier's internal owner (or an administrator): please follow it up.`,
    html: `<p>Hello {{recipientName}},</p><p>{{supplierName}} has still not answered {{tenantName}}'s inquiry about <strong>{{vulnerability}}</strong>, due on <strong>{{date dueAt}}</strong>, after the reminders Assay sent them. You are the supplier's internal owner (or an administrator): please follow it up.</p>`,
  },
  webhook_endpoint_disabled: {
    subject: `[{{tenantName}}] Webhook endpoint disabled after repeated failures`,
    text: `Hello {{recipientName}},

Assay disabled the webhook endpoint {{url}} of {{tenantName}}: every delivery to it has failed since {{date failingSince}}.

Fix the receiver, then enable the endpoint again and redeliver what it missed from its delivery log.`,
    html: `<p>Hello {{recipientName}},</p><p>Assay disabled the webhook endpoint <code>{{url}}</code> of <strong>{{tenantName}}</strong>: every delivery to it has failed since {{date failingSince}}.</p>
<p>Fix the receiver, then enable the endpoint again and redeliver what it missed from its delivery log.</p>`,
  },
};
