/**
 * The renderer's Content Security Policy, one string for both transports: the Electron shell
 * and browser mode send it as a header, and renderer/index.html carries it as a meta tag
 * (a test keeps the two equal). 'unsafe-inline' for styles only: antd and AG Grid inject styles.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob: mediastream:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
