// Merge-field rendering, mirroring the server (src/render/template_scanner.cc,
// src/render/merge_fields.cc, src/render/text_escape.cc) so the builder's preview shows what
// a contact will receive.
//
// Grammar: "{{" blanks? key blanks? ( "|" fallback )? "}}", blanks = spaces or tabs.
// - found, non-empty           -> the value
// - missing or empty, fallback -> the fallback
// - found empty, no fallback   -> empty
// - missing, no fallback       -> the placeholder exactly as written
// System fields (unsubscribeUrl) win over the contact's fields, which win over the built-in
// "email". Values are HTML-escaped in html, and the whole subject is made one clean line.

export type MergeFields = Readonly<Record<string, string>>;
export type EscapeMode = 'html' | 'text' | 'subject';

export type Segment =
  | { kind: 'text'; raw: string }
  | { kind: 'placeholder'; raw: string; key: string; fallback: string | null };

// The fields every template can use besides the contact's own.
export const SYSTEM_FIELDS = ['unsubscribeUrl'] as const;
export const BUILT_IN_FIELDS = ['email'] as const;

function trimBlanks(s: string): string {
  return s.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
}

function isAsciiKeyChar(c: string): boolean {
  return /^[A-Za-z0-9_.\- ]$/.test(c);
}

export function isValidMergeKey(key: string): boolean {
  if (key === '' || key.startsWith(' ') || key.endsWith(' ')) return false;
  for (const ch of key) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) {
      if (!isAsciiKeyChar(ch)) return false;
      continue;
    }
    // A lone surrogate is JavaScript's form of ill-formed UTF-8.
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    if (cp <= 0x9f || cp === 0x2028 || cp === 0x2029) return false;
  }
  return true;
}

function parseBody(body: string, raw: string): Segment | null {
  const bar = body.indexOf('|');
  const key = trimBlanks(bar < 0 ? body : body.slice(0, bar));
  if (!isValidMergeKey(key)) return null;
  return {
    kind: 'placeholder',
    raw,
    key,
    fallback: bar < 0 ? null : trimBlanks(body.slice(bar + 1)),
  };
}

function firstBrace(s: string, from: number): number {
  for (let i = from; i < s.length; ++i) {
    if (s[i] === '{' || s[i] === '}') return i;
  }
  return -1;
}

// Splits a template into literal text and placeholders; the segments' raw texts tile it.
export function scanTemplate(tmpl: string): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  while (pos < tmpl.length) {
    const textStart = pos;
    let search = pos;
    let found: { open: number; end: number; seg: Segment } | null = null;
    for (;;) {
      const openRun = tmpl.indexOf('{{', search);
      if (openRun < 0) break;
      // In a run of braces only the last two open the placeholder.
      let bodyStart = openRun;
      while (bodyStart < tmpl.length && tmpl[bodyStart] === '{') ++bodyStart;
      const open = bodyStart - 2;
      const stop = firstBrace(tmpl, bodyStart);
      if (stop < 0) break; // unterminated: the rest is literal
      if (tmpl[stop] === '{') {
        search = stop; // that brace may open the next placeholder
        continue;
      }
      if (tmpl[stop + 1] !== '}') {
        search = stop + 1; // a lone '}'
        continue;
      }
      const end = stop + 2;
      const seg = parseBody(tmpl.slice(bodyStart, stop), tmpl.slice(open, end));
      if (!seg) {
        search = end;
        continue;
      }
      found = { open, end, seg };
      break;
    }
    if (!found) {
      out.push({ kind: 'text', raw: tmpl.slice(textStart) });
      break;
    }
    if (found.open > textStart) out.push({ kind: 'text', raw: tmpl.slice(textStart, found.open) });
    out.push(found.seg);
    pos = found.end;
  }
  return out;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

// One clean line: line breaks become a single space, other control characters go, and the
// result is trimmed of spaces.
export function sanitizeSubject(subject: string): string {
  let out = '';
  let pendingSpace = false;
  for (const ch of subject) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0x0d || cp === 0x0a || cp === 0x85 || cp === 0x2028 || cp === 0x2029) {
      pendingSpace = true;
    } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      // dropped
    } else {
      if (pendingSpace && out !== '' && !out.endsWith(' ') && ch !== ' ') out += ' ';
      pendingSpace = false;
      out += ch;
    }
  }
  return out.replace(/^ +/, '').replace(/ +$/, '');
}

function has(fields: MergeFields, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(fields, key);
}

function lookup(
  key: string,
  fields: MergeFields,
  contactEmail: string,
  system: MergeFields,
): string | null {
  if (has(system, key)) return system[key] ?? '';
  if (has(fields, key)) return fields[key] ?? '';
  if (key === 'email') return contactEmail;
  return null;
}

export function renderTemplate(
  tmpl: string,
  fields: MergeFields,
  contactEmail: string,
  mode: EscapeMode,
  system: MergeFields = {},
): string {
  let out = '';
  for (const seg of scanTemplate(tmpl)) {
    if (seg.kind === 'text') {
      out += seg.raw;
      continue;
    }
    const value = lookup(seg.key, fields, contactEmail, system);
    let insert: string;
    if (value !== null && value !== '') {
      insert = value;
    } else if (seg.fallback !== null) {
      insert = seg.fallback;
    } else if (value !== null) {
      continue; // present but empty
    } else {
      out += seg.raw; // template text: never escaped
      continue;
    }
    out += mode === 'html' ? escapeHtml(insert) : insert;
  }
  return mode === 'subject' ? sanitizeSubject(out) : out;
}

// The distinct keys a template's placeholders use, in order of first appearance.
export function templateKeys(tmpl: string): string[] {
  const keys: string[] = [];
  for (const seg of scanTemplate(tmpl)) {
    if (seg.kind === 'placeholder' && !keys.includes(seg.key)) keys.push(seg.key);
  }
  return keys;
}

// The subject a follow-up with an empty subject goes out with (src/mail/threading.cc).
export function replySubject(previous: string): string {
  if (/^[ \t]*re:/i.test(previous)) return previous;
  return `Re: ${previous}`;
}
