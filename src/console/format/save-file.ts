/** Hands bytes to the browser as a download with the service's suggested file name. */
export function saveFile(content: Uint8Array, contentType: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([content as BlobPart], { type: contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
