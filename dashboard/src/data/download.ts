/**
 * Saves text as a file from the browser. A Blob URL stays on this page (no request to anyone), and
 * downloads are not restricted by the `default-src 'self'` policy.
 */
export function downloadText(fileName: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Chromium reads the blob asynchronously after the click; revoke once it has had the chance.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
