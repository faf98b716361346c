// An email's html shown in <iframe sandbox="" srcdoc=…>: the empty sandbox already forbids
// scripts, forms and navigation; the CSP meta also stops it loading anything from the
// network (tracking pixels, remote fonts), allowing only inline styles and data: images.
export const EMAIL_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

export function emailSrcDoc(html: string): string {
  return `<meta http-equiv="Content-Security-Policy" content="${EMAIL_CSP}"><meta charset="utf-8">${html}`;
}
