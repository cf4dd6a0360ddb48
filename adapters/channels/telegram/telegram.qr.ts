// Draws a QR code as a PNG for Telegram. Telegram shows photos at up to ~1280 px and recompresses them, so the modules
// are drawn large with a quiet zone that survives cropping in the chat preview.
import QRCode from 'qrcode';

/** A PNG of `payload` as a QR code (error correction M: a cracked phone screen still scans). */
export function telegramQrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 512, color: { dark: '#000000', light: '#ffffff' } });
}
