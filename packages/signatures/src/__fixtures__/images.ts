// A real 1×1 PNG and JPEG header bytes, for image input tests.
export const TINY_PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
export const TINY_PNG = Buffer.from(TINY_PNG_BASE64, "base64");
/** Starts like a JPEG (FF D8 FF); enough for the media type check. */
export const JPEG_BYTES = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
