// Photos for a case, made ready on the phone before upload: the server takes JPEG, PNG or WebP of
// at most 2 MiB. A photo that is bigger, or in another format the browser can read (HEIC on
// iPhones is usually converted by the browser already), is redrawn on a canvas and saved as JPEG,
// smaller and smaller until it fits.
export const PHOTO_MAX_BYTES = 2 * 1024 * 1024
export const PHOTO_MAX_COUNT = 3
const SERVER_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp'])
// Longest side tried, then the JPEG qualities at each size.
const SIDES = [2560, 1920, 1600, 1280, 1024, 800]
const QUALITIES = [0.85, 0.7, 0.55]

/** The photo as the server will take it, or throws an Error with a Chinese message. */
export async function preparePhoto(file) {
  if (SERVER_TYPES.has(file.type) && file.size <= PHOTO_MAX_BYTES) return file
  const image = await decode(file)
  try {
    const w0 = image.width
    const h0 = image.height
    if (!w0 || !h0) throw new Error('无法读取这张照片，请换一张')
    for (const side of SIDES) {
      const scale = Math.min(1, side / Math.max(w0, h0))
      const w = Math.max(1, Math.round(w0 * scale))
      const h = Math.max(1, Math.round(h0 * scale))
      const canvas = document.createElement('canvas')
      canvas.width = w
      canvas.height = h
      const ctx = canvas.getContext('2d')
      ctx.fillStyle = '#fff' // transparent PNG areas become white, not black
      ctx.fillRect(0, 0, w, h)
      ctx.drawImage(image.source, 0, 0, w, h)
      for (const q of QUALITIES) {
        const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/jpeg', q))
        if (blob && blob.size <= PHOTO_MAX_BYTES) {
          const name = (file.name || 'photo').replace(/\.[^.]*$/, '') + '.jpg'
          return new File([blob], name, { type: 'image/jpeg', lastModified: Date.now() })
        }
      }
      canvas.width = canvas.height = 0 // free the memory at once (phones have little)
    }
  } finally {
    image.close()
  }
  throw new Error('照片过大，压缩后仍超过 2 MB，请换一张')
}

/** Decodes an image file: {source (drawable), width, height, close()}; EXIF rotation applied. */
async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
      return { source: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() }
    } catch {
      /* try an <img> below (older Safari) */
    }
  }
  const url = URL.createObjectURL(file)
  try {
    const img = await new Promise((ok, fail) => {
      const el = new Image()
      el.onload = () => ok(el)
      el.onerror = () => fail(new Error('无法读取这张照片，请换一张（支持 JPG、PNG 等常见格式）'))
      el.src = url
    })
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => URL.revokeObjectURL(url) }
  } catch (e) {
    URL.revokeObjectURL(url)
    throw e
  }
}
