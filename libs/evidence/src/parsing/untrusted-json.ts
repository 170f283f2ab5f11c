import { TokenParser, Tokenizer } from '@streamparser/json';
import { EvidenceParseError, UnsupportedEvidenceError } from './parse-result';

export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_VALUES = 2_000_000;

// Token types of @streamparser/json (its TokenType enum).
const LEFT_BRACE = 0;
const RIGHT_BRACE = 1;
const LEFT_BRACKET = 2;
const RIGHT_BRACKET = 3;
const COLON = 4;
const STRING = 9;
const NUMBER = 10;
const VALUE_TOKENS = new Set([LEFT_BRACE, LEFT_BRACKET, 6, 7, 8, STRING, NUMBER]);

/**
 * A tokenizer whose strings keep every U+FEFF they contain. @streamparser/json decodes string bytes
 * with a `TextDecoder` that drops a byte order mark at the start of each decode call, so a key or
 * value holding U+FEFF (raw or escaped) would come out changed. Its decoder is replaced by one that
 * keeps them (the document's own leading byte order mark is skipped by the tokenizer before any
 * string). Fails loudly if a new version of the library stops holding its decoder there.
 */
function bomPreservingTokenizer(): Tokenizer {
  const tokenizer = new Tokenizer();
  const strings = (tokenizer as unknown as { bufferedString?: { decoder?: unknown } }).bufferedString;
  if (!strings || !(strings.decoder instanceof TextDecoder)) throw new Error('@streamparser/json no longer keeps its string decoder where Assay replaces it');
  strings.decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return tokenizer;
}

export interface JsonReadOptions {
  /**
   * Top-level arrays whose elements are handed over one at a time as they are parsed and then
   * dropped: the document keeps them empty, so memory holds one element, never the whole array.
   */
  elements?: Readonly<Record<string, (element: unknown) => void>>;
  /** Assemble the document (false when only the elements matter: nothing else is kept). */
  keepDocument?: boolean;
}

/**
 * Reads one untrusted JSON document fed in chunks, with the guards every evidence document gets:
 * strict UTF-8 (the tokenizer decodes with a fatal decoder), nesting at most 64 deep, at most 2 million values, no `__proto__` key (so no later
 * spread or merge can reach a prototype), numbers a double can hold, a single object at the root and nothing after it.
 */
export class UntrustedJsonReader {
  private readonly tokenizer = bomPreservingTokenizer();
  private readonly parser: TokenParser;
  private document: Record<string, unknown> = {};
  private depth = 0;
  private values = 0;
  private started = false;
  private lastString: unknown;
  private previousToken = -1;
  /** The top-level key whose value comes next (between its colon and its value). */
  private topLevelKey: string | undefined;
  private readonly strings: Record<string, string> = Object.create(null) as Record<string, string>;

  constructor(private readonly options: JsonReadOptions = {}) {
    const elements = options.elements ?? {};
    const keys = Object.keys(elements);
    this.parser = new TokenParser({ paths: [...(options.keepDocument === false ? [] : ['$']), ...keys.map((key) => `$.${key}.*`)], keepStack: false });
    this.parser.onValue = ({ value, parent, stack }) => {
      const container = stack[1]?.key;
      if (stack.length === 2 && typeof container === 'string' && Array.isArray(parent) && Object.hasOwn(elements, container)) {
        parent.length = 0;
        elements[container]?.(value);
      } else if (stack.length === 0) {
        this.document = value as Record<string, unknown>;
      }
    };
    this.tokenizer.onToken = (token) => {
      this.guard(token.token, token.value);
      this.parser.write(token);
    };
  }

  /** Feeds the next chunk; elements completed by it are handed over before this returns. */
  write(chunk: Uint8Array): void {
    this.run(() => this.tokenizer.write(chunk));
  }

  /**
   * The top-level string members read so far (`bomFormat`, `specVersion`…), known before the
   * arrays that follow them are streamed. A key given twice is refused, so what is read here is
   * what the whole document says.
   */
  topLevelString(key: string): string | undefined {
    return this.strings[key];
  }

  /** Ends the document; returns it (its streamed arrays empty) or `{}` when it was not kept. */
  end(): Record<string, unknown> {
    this.run(() => this.tokenizer.end());
    if (!this.parser.isEnded) throw new EvidenceParseError('malformed JSON: the document ends before it is complete');
    for (const key of Object.keys(this.options.elements ?? {})) {
      const value = this.document[key];
      if (value !== undefined && !Array.isArray(value)) throw new EvidenceParseError(`"${key}" must be an array`);
    }
    return this.document;
  }

  private guard(token: number, value: unknown): void {
    if (!this.started) {
      this.started = true;
      if (token !== LEFT_BRACE) throw new UnsupportedEvidenceError('a JSON document that is not an object is not a known evidence format');
    }
    if (token === LEFT_BRACE || token === LEFT_BRACKET) {
      this.depth += 1;
      if (this.depth > MAX_JSON_DEPTH) throw new EvidenceParseError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (token === RIGHT_BRACE || token === RIGHT_BRACKET) {
      this.depth -= 1;
    } else if (token === COLON) {
      // The string before a colon is a key: it is not a value.
      this.values -= 1;
      if (this.previousToken === STRING && this.lastString === '__proto__') throw new EvidenceParseError('JSON key "__proto__" is not allowed');
      if (this.depth === 1 && typeof this.lastString === 'string') {
        if (Object.hasOwn(this.strings, this.lastString)) throw new EvidenceParseError(`JSON key "${this.lastString.slice(0, 64)}" appears twice`);
        this.topLevelKey = this.lastString;
      }
    } else if (this.topLevelKey !== undefined) {
      if (token === STRING && this.depth === 1 && this.previousToken === COLON) this.strings[this.topLevelKey] = value as string;
      this.topLevelKey = undefined;
    }
    // A number no double can hold (a thousand digits, 1e999) is not data any evidence format carries.
    if (token === NUMBER && !Number.isFinite(value)) throw new EvidenceParseError('JSON number out of range');
    if (VALUE_TOKENS.has(token)) {
      this.values += 1;
      if (this.values > MAX_JSON_VALUES) throw new EvidenceParseError(`JSON with more than ${MAX_JSON_VALUES} values`);
    }
    this.previousToken = token;
    this.lastString = value;
  }

  private run(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof EvidenceParseError || error instanceof UnsupportedEvidenceError) throw error;
      // The tokenizer decodes strings strictly: invalid, overlong or truncated sequences end up here.
      const message = (error as Error).message;
      if (/utf-8|INCOMPLETE_CHAR/i.test(message)) throw new EvidenceParseError('the document is not valid UTF-8');
      throw new EvidenceParseError(`malformed JSON: ${message.slice(0, 200)}`);
    }
  }
}

/** One whole untrusted JSON document (an object), with the guards of UntrustedJsonReader. */
export function parseUntrustedJson(source: string | Uint8Array): Record<string, unknown> {
  const reader = new UntrustedJsonReader();
  reader.write(typeof source === 'string' ? Buffer.from(source, 'utf8') : source);
  return reader.end();
}
