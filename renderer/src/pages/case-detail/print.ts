/**
 * Printing a stored case document. In Electron the core prints through the shell's hook
 * ('documents.print' → WorkstationOptions.printDocument, wired by electron/shell); in browser
 * mode (or when the shell has no printer) the PDF opens in a new tab with the browser's viewer
 * and its print dialog. The bytes always come from the core's stored copy.
 */
import { api } from '../../api/client';

function pdfUrl(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
}

/** Opens the stored PDF in a new tab (the browser's PDF viewer); returns false when pop-ups are blocked. */
export async function openDocument(documentId: string, print: boolean): Promise<boolean> {
  const doc = await api.call('documents.get', { documentId });
  const url = pdfUrl(doc.pdfBase64);
  const tab = window.open(url, '_blank');
  setTimeout(() => URL.revokeObjectURL(url), 120_000);
  if (!tab) return false;
  if (print) {
    // Same-origin blob: the viewer's window can be asked to print once it has loaded.
    tab.addEventListener('load', () => {
      try {
        tab.focus();
        tab.print();
      } catch {
        // The viewer offers its own print button.
      }
    });
  }
  return true;
}

/** Prints a stored document: the shell's printer in Electron, the browser's print otherwise. */
export async function printDocument(documentId: string, transport: 'electron' | 'browser'): Promise<'printed' | 'opened' | 'blocked'> {
  if (transport === 'electron') {
    const r = await api.call('documents.print', { documentId });
    if (r.printed) return 'printed';
  }
  return (await openDocument(documentId, true)) ? 'opened' : 'blocked';
}
