// A memorial photo as uploaded → a JPEG of at most PHOTO_SIDE pixels without metadata (EXIF, GPS), or a refusal.
// The type is read from the bytes, never from the file's name or the browser's word.
import sharp from 'sharp';
import { PayloadTooLargeError, ValidationError } from '../http/errors.js';
import { MAX_PHOTO_BYTES, PHOTO_SIDE } from './kinds.js';

export type PhotoType = 'jpeg' | 'png' | 'webp';

export function sniffPhotoType(bytes: Buffer): PhotoType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'webp';
  return undefined;
}

export interface Photo {
  bytes: Buffer;
  width: number;
  height: number;
}

const refused = (key: string) => new ValidationError({ photo: { key } }, 'photo_refused');

/** Re-encodes an upload; an empty, oversized, foreign or undecodable file is refused with a message on the field. */
export async function reencodePhoto(upload: Buffer | undefined): Promise<Photo> {
  if (!upload || upload.length === 0) throw refused('errors.photo_required');
  if (upload.length > MAX_PHOTO_BYTES) throw new PayloadTooLargeError('photo_too_large');
  const type = sniffPhotoType(upload);
  if (!type) throw refused('errors.photo_type');
  try {
    // 40 megapixels at most: a small file that unpacks into a huge bitmap is refused rather than decoded.
    const image = sharp(upload, { limitInputPixels: 40_000_000, failOn: 'error' });
    const meta = await image.metadata();
    if (meta.format !== type) throw refused('errors.photo_type');
    const { data, info } = await image
      .rotate() // applies the EXIF orientation, which is then dropped with the rest of the metadata
      .resize({ width: PHOTO_SIDE, height: PHOTO_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' }) // a transparent PNG or WebP on white
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, width: info.width, height: info.height };
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw refused('errors.photo_unreadable');
  }
}
