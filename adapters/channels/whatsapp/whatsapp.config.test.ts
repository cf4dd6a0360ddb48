import { describe, expect, it } from 'vitest';
import { DEFAULT_GRAPH_API_URL, readWhatsAppConfig } from './whatsapp.config.js';

const full = { WHATSAPP_APP_SECRET: 'app-secret', WHATSAPP_VERIFY_TOKEN: 'verify', WHATSAPP_ACCESS_TOKEN: 'EAAG-token', WHATSAPP_PHONE_NUMBER_ID: '106540352242922' };

describe('readWhatsAppConfig', () => {
  it('is off when nothing is set', () => {
    expect(readWhatsAppConfig({})).toBeNull();
  });

  it('reads a full configuration with the default Graph URL and no templates', () => {
    expect(readWhatsAppConfig(full)).toEqual({ appSecret: 'app-secret', verifyToken: 'verify', accessToken: 'EAAG-token', phoneNumberId: '106540352242922', graphApiUrl: DEFAULT_GRAPH_API_URL, templates: {} });
  });

  it('names the missing variables when half-configured, without echoing values', () => {
    expect(() => readWhatsAppConfig({ WHATSAPP_ACCESS_TOKEN: 'EAAG-secret-value' })).toThrow(/WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, WHATSAPP_PHONE_NUMBER_ID/);
    expect(() => readWhatsAppConfig({ WHATSAPP_ACCESS_TOKEN: 'EAAG-secret-value' })).not.toThrow(/EAAG-secret-value/);
  });

  it('refuses invalid values by name', () => {
    expect(() => readWhatsAppConfig({ ...full, WHATSAPP_PHONE_NUMBER_ID: 'my-number' })).toThrow(/WHATSAPP_PHONE_NUMBER_ID/);
    expect(() => readWhatsAppConfig({ ...full, WHATSAPP_GRAPH_API_URL: 'ftp://x' })).toThrow(/WHATSAPP_GRAPH_API_URL/);
    expect(() => readWhatsAppConfig({ ...full, WHATSAPP_TEMPLATES: '{' })).toThrow(/WHATSAPP_TEMPLATES/);
    expect(() => readWhatsAppConfig({ ...full, WHATSAPP_TEMPLATES: '{"fr":{"name":"x","language":"fr"}}' })).toThrow(/WHATSAPP_TEMPLATES/);
  });

  it('reads templates per language and a custom Graph URL without its trailing slash', () => {
    const config = readWhatsAppConfig({ ...full, WHATSAPP_GRAPH_API_URL: 'http://127.0.0.1:9/v21.0/', WHATSAPP_TEMPLATES: '{"en":{"name":"reopen_chat","language":"en_US"},"ar":{"name":"reopen_chat","language":"ar"}}' });
    expect(config?.graphApiUrl).toBe('http://127.0.0.1:9/v21.0');
    expect(config?.templates).toEqual({ en: { name: 'reopen_chat', language: 'en_US' }, ar: { name: 'reopen_chat', language: 'ar' } });
  });
});
