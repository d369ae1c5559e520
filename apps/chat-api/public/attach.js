// The image attachment of the next question: a file picked (or pasted) becomes a data: URL sent as
// the request's `image`; a chip shows it until it is sent or removed. Checked here only for type
// and size, so the user hears at once; the server checks it again in full.
const TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
const MAX_BYTES = 5 * 1024 * 1024;

export function createAttachment({ input, chip, preview, remove, onError }) {
  let current = null;

  function clear() {
    current = null;
    input.value = "";
    chip.hidden = true;
    preview.removeAttribute("src");
  }

  function read(file) {
    if (!file) return;
    if (!TYPES.includes(file.type)) {
      onError(`Not an image the model takes (${file.type || "unknown type"}): use PNG, JPEG, GIF or WebP.`);
      return;
    }
    if (file.size > MAX_BYTES) {
      onError(`The image is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB.`);
      return;
    }
    const reader = new FileReader();
    reader.addEventListener("load", () => {
      current = String(reader.result);
      preview.src = current;
      preview.alt = `Attached: ${file.name}`;
      chip.hidden = false;
    });
    reader.readAsDataURL(file);
  }

  input.addEventListener("change", () => read(input.files?.[0]));
  remove.addEventListener("click", clear);
  return {
    /** The data: URL to send, or null. */
    value: () => current,
    clear,
    read,
  };
}
