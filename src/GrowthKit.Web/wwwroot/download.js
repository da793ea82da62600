// Saves bytes the server streamed over the circuit as a file (the audit export): the API key stays on the server.
window.growthKitDownload = async (fileName, streamReference) => {
  const buffer = await streamReference.arrayBuffer();
  const url = URL.createObjectURL(new Blob([buffer], { type: "application/x-ndjson" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
};
