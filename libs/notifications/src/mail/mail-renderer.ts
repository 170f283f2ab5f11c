import Handlebars from 'handlebars';
import { MAIL_LAYOUT, MAIL_TEMPLATES, TEMPLATE_NAMES, TemplateName } from './mail-templates';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Compiled = (context: object) => string;

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function createEngine(): typeof Handlebars {
  const engine = Handlebars.create();
  engine.registerHelper('date', (value: unknown) => {
    const date = new Date(String(value));
    return Number.isNaN(date.getTime()) ? '' : DATE.format(date);
  });
  engine.registerHelper('percent', (value: unknown) => (typeof value === 'number' ? `${Math.round(value * 1000) / 10}%` : ''));
  engine.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return engine;
}

/** Compiles every template once; rendering is then a function call per message. */
export class MailRenderer {
  private readonly templates = new Map<TemplateName, { subject: Compiled; text: Compiled; html: Compiled }>();
  private readonly layout: Compiled;

  constructor() {
    const engine = createEngine();
    const options = { strict: false, knownHelpersOnly: false };
    this.layout = engine.compile(MAIL_LAYOUT, options);
    for (const name of TEMPLATE_NAMES) {
      const template = MAIL_TEMPLATES[name];
      this.templates.set(name, {
        subject: engine.compile(template.subject, { ...options, noEscape: true }),
        text: engine.compile(template.text, { ...options, noEscape: true }),
        html: engine.compile(template.html, options),
      });
    }
  }

  render(name: TemplateName, tenantName: string, params: Record<string, unknown>): RenderedMail {
    const template = this.templates.get(name);
    if (!template) throw new Error(`unknown mail template ${name}`);
    const context = { ...params, tenantName };
    // Subjects are single lines whatever the data says.
    const subject = template
      .subject(context)
      .replace(/[\r\n]+/g, ' ')
      .trim();
    return {
      subject,
      text: `${template.text(context).trim()}\n`,
      html: this.layout({ subject, tenantName, content: template.html(context) }),
    };
  }
}

export function isTemplateName(value: string): value is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(value);
}
