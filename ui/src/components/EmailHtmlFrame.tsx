// An email's html, isolated: sandbox="" (no scripts, forms, popups or navigation) and a CSP
// that blocks every network load (src/lib/srcdoc.ts).
import { emailSrcDoc } from '../lib/srcdoc';

interface Props {
  html: string;
  title: string;
  height?: number;
}

export function EmailHtmlFrame({ html, title, height = 420 }: Props) {
  return (
    <iframe
      title={title}
      sandbox=""
      referrerPolicy="no-referrer"
      srcDoc={emailSrcDoc(html)}
      style={{
        width: '100%',
        height,
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 'var(--mantine-radius-sm)',
        background: 'white',
      }}
    />
  );
}
