import { describe, expect, it } from 'vitest';
import {
  renderTemplate,
  replySubject,
  sanitizeSubject,
  scanTemplate,
  templateKeys,
  type MergeFields,
} from './mergeFields';

// The cases mirror src/render/merge_fields_test.cc, so preview and server agree.
const EMAIL = 'alice@acme.com';
const html = (t: string, f: MergeFields, s: MergeFields = {}) => renderTemplate(t, f, EMAIL, 'html', s);
const text = (t: string, f: MergeFields, s: MergeFields = {}) => renderTemplate(t, f, EMAIL, 'text', s);
const subject = (t: string, f: MergeFields, s: MergeFields = {}) =>
  renderTemplate(t, f, EMAIL, 'subject', s);

describe('renderTemplate', () => {
  it('replaces keys in every mode', () => {
    const f = { firstName: 'Alice', company: 'Acme' };
    for (const mode of ['html', 'text', 'subject'] as const) {
      expect(renderTemplate('Hi {{firstName}} from {{company}}', f, EMAIL, mode)).toBe(
        'Hi Alice from Acme',
      );
    }
  });

  it('allows blanks inside the braces and keeps keys case-sensitive', () => {
    const f = { firstName: 'Alice' };
    expect(text('{{ firstName }}|{{\tfirstName\t}}|{{firstName }}', f)).toBe('Alice|Alice|Alice');
    expect(text('{{firstname}} {{FirstName}} {{firstName}}', f)).toBe(
      '{{firstname}} {{FirstName}} Alice',
    );
  });

  it('accepts punctuation, inner spaces and non-ASCII in keys', () => {
    const f = { first_name: 'A', 'last-name': 'B', 'company.name': 'C', 'First Name': 'Jörg', Prénom: 'Zoé' };
    expect(text('{{first_name}}{{last-name}}{{company.name}}', f)).toBe('ABC');
    expect(text('{{ First Name }} {{First  Name}} {{Prénom}}', f)).toBe('Jörg {{First  Name}} Zoé');
  });

  it('leaves a missing key exactly as written, unescaped in html', () => {
    expect(text('Hi {{  firstName   }}!', {})).toBe('Hi {{  firstName   }}!');
    expect(html('<b>{{ name }}</b>', {})).toBe('<b>{{ name }}</b>');
  });

  it('uses the fallback when missing or empty, never when present', () => {
    expect(text('Hi {{ firstName | there }}', {})).toBe('Hi there');
    expect(text('Hi {{firstName|there}}', { firstName: '' })).toBe('Hi there');
    expect(text('Hi {{firstName|there}}', { firstName: 'Alice' })).toBe('Hi Alice');
    expect(text('[{{firstName|there}}]', { firstName: ' ' })).toBe('[ ]');
    expect(text('Hi{{ title |}}!', {})).toBe('Hi!');
    expect(text('{{a|b|c}}', {})).toBe('b|c');
  });

  it('renders a present empty value without fallback as nothing', () => {
    expect(text('Hi {{firstName}}!', { firstName: '' })).toBe('Hi !');
  });

  it('escapes values and fallbacks in html only', () => {
    expect(html('{{name|Tom & Jerry <3}}', {})).toBe('Tom &amp; Jerry &lt;3');
    expect(text('{{name|Tom & Jerry <3}}', {})).toBe('Tom & Jerry <3');
    expect(html('<a title="{{u}}" alt=\'{{v}}\'>', { u: '" onclick="x()', v: "' x" })).toBe(
      '<a title="&quot; onclick=&quot;x()" alt=\'&#39; x\'>',
    );
    expect(html('<p>Hi {{name}}</p>', { name: '</p><script>' })).toBe(
      '<p>Hi &lt;/p&gt;&lt;script&gt;</p>',
    );
  });

  it('knows the built-in email, which the fields override', () => {
    expect(text('To: {{email}}', {})).toBe('To: alice@acme.com');
    expect(text('{{email}}', { email: 'work@acme.com' })).toBe('work@acme.com');
    expect(text('{{Email}}', {})).toBe('{{Email}}');
    expect(renderTemplate('{{email|nobody}}', {}, '', 'text')).toBe('nobody');
  });

  it('lets system fields win over the contact and the built-in email', () => {
    const system = { unsubscribeUrl: 'https://m.example/u/abc' };
    expect(html('<a href="{{unsubscribeUrl}}">', { unsubscribeUrl: 'https://evil/' }, system)).toBe(
      '<a href="https://m.example/u/abc">',
    );
    expect(text('{{email}}', { email: 'b@x' }, { email: 'sys@x' })).toBe('sys@x');
  });

  it('does not see inherited object properties as fields', () => {
    expect(text('{{constructor}} {{toString}}', {})).toBe('{{constructor}} {{toString}}');
  });

  it('makes the subject one line', () => {
    expect(subject('Hi {{name}}', { name: '\r\nBcc: x@evil' })).toBe('Hi Bcc: x@evil');
    expect(subject('{{name}} there', { name: 'Al\n\nX-Evil: 1\r\n' })).toBe('Al X-Evil: 1 there');
    expect(subject('a{{x}}b', { x: '\u2028' })).toBe('a b');
    expect(subject('a{{x}}b', { x: '\u0000\u001b\u007f\t' })).toBe('ab');
    expect(subject('  Hello\r\n{{name|friend\nX: y}}  ', {})).toBe('Hello friend X: y');
    expect(subject('Re: {{x}}', { x: "<b>Tom & Jerry's</b>" })).toBe("Re: <b>Tom & Jerry's</b>");
  });

  it('treats malformed braces as literal text', () => {
    const f = { a: 'X', x: 'X', b: 'B' };
    for (const t of ['Hi {{a', '{{a}', '{{', '{', '{{}}', '{{ }}', '{{|x}}', '{{a/b}}', '{a} }', '}}{{']) {
      expect(text(t, f)).toBe(t);
    }
    expect(text('{{a}} then {{a', f)).toBe('X then {{a');
    expect(text('{{{{x}}}}', f)).toBe('{{X}}');
    expect(text('{{{x}}}', f)).toBe('{X}');
    expect(text('{{ {{x}} }}', f)).toBe('{{ X }}');
    expect(text('{{a{{x}}', f)).toBe('{{aX');
    expect(text('{{{{y}}}}', f)).toBe('{{{{y}}}}');
    expect(text('{{a{b}} {{b}}', f)).toBe('{{a{b}} B');
    expect(text('{{a|{b}}}', f)).toBe('{{a|{b}}}');
  });

  it('never rescans values', () => {
    const f = { a: '{{email}}', b: '{{', c: 'b}}' };
    expect(text('{{a}}', f)).toBe('{{email}}');
    expect(text('{{b}}{{c}}', f)).toBe('{{b}}');
    expect(text('{{x|{{email}}}}', f)).toBe('{{x|alice@acme.com}}');
  });

  it('reproduces every small template byte for byte when nothing is found', () => {
    const alphabet = ['{', '}', ' ', 'a', '\n'];
    const visit = (s: string, depth: number) => {
      expect(html(s, {})).toBe(s);
      if (depth === 6) return;
      for (const c of alphabet) visit(s + c, depth + 1);
    };
    visit('', 0);
  });
});

describe('scanTemplate and templateKeys', () => {
  it('tiles the template exactly', () => {
    const t = 'Hi {{ a }}, {{b|x}} {{{c}}} {{bad/key}}';
    expect(
      scanTemplate(t)
        .map((s) => s.raw)
        .join(''),
    ).toBe(t);
  });

  it('lists distinct keys in order of first use', () => {
    expect(templateKeys('{{b}} {{ a }} {{b|x}} {{email}} {{}}')).toEqual(['b', 'a', 'email']);
  });
});

describe('sanitizeSubject and replySubject', () => {
  it('collapses a break next to a space into that space', () => {
    expect(sanitizeSubject('a \nb')).toBe('a b');
    expect(sanitizeSubject('a\n b')).toBe('a b');
  });

  it('prefixes Re: once', () => {
    expect(replySubject('Hello')).toBe('Re: Hello');
    expect(replySubject('RE: Hello')).toBe('RE: Hello');
    expect(replySubject('  re:Hello')).toBe('  re:Hello');
  });
});
