import { describe, expect, it } from 'vitest';
import { readWhatsAppWebConfig } from './whatsapp-web.config.js';

const TOKEN = 'admin-token-0123456789';

describe('WhatsApp Web config', () => {
  it('is off unless WHATSAPP_WEB_ENABLED=true', () => {
    expect(readWhatsAppWebConfig({})).toBeNull();
    expect(readWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'false', WHATSAPP_WEB_ADMIN_TOKEN: TOKEN })).toBeNull();
    expect(() => readWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'yes' })).toThrow(/WHATSAPP_WEB_ENABLED/);
  });

  it('defaults the session dir under DATA_DIR and chromium to Debian’s', () => {
    expect(readWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_ADMIN_TOKEN: TOKEN, DATA_DIR: '/srv/data' })).toEqual({
      sessionDir: '/srv/data/whatsapp-web',
      chromiumPath: '/usr/bin/chromium',
      adminToken: TOKEN,
    });
    expect(readWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_ADMIN_TOKEN: TOKEN, WHATSAPP_WEB_SESSION_DIR: '/s', WHATSAPP_WEB_CHROMIUM: '/c' })).toMatchObject({ sessionDir: '/s', chromiumPath: '/c' });
  });

  it('requires a long enough admin token, without echoing it', () => {
    expect(() => readWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'true' })).toThrow(/WHATSAPP_WEB_ADMIN_TOKEN/);
    let message = '';
    try {
      readWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_ADMIN_TOKEN: 'short-secret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/WHATSAPP_WEB_ADMIN_TOKEN/);
    expect(message).not.toContain('short-secret');
  });

  it('refuses to run beside the Cloud API channel', () => {
    expect(() => readWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_ADMIN_TOKEN: TOKEN, WHATSAPP_ACCESS_TOKEN: 'x' })).toThrow(/Cloud API.*WHATSAPP_ACCESS_TOKEN/);
  });
});
