import { describe, expect, it } from 'vitest';
import { renderReply, splitText, TELEGRAM_TEXT_LIMIT } from './telegram.render.js';
import { reply } from './telegram.test-support.js';

describe('renderReply', () => {
  it('sends plain text with no parse_mode, so customer-supplied text cannot inject markup', () => {
    const parts = renderReply(reply('Hi <b>Lina</b> *bold*'));
    expect(parts).toEqual([{ method: 'sendMessage', params: { text: 'Hi <b>Lina</b> *bold*' }, primary: true }]);
  });

  it('turns quick replies into an inline keyboard: short labels two to a row, long ones alone, order kept', () => {
    const [part] = renderReply(
      reply('What next?', {
        buttons: [
          { label: 'Balance', payload: 'menu:balance' },
          { label: 'Rewards', payload: 'menu:rewards' },
          { label: 'Talk to a person about my order', payload: 'menu:agent' },
          { label: 'Survey', payload: 'menu:survey' },
          { label: 'Help', payload: 'menu:help' },
          { label: 'Language', payload: 'menu:lang' },
        ],
      }),
    );
    expect(part?.params.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'Balance', callback_data: 'menu:balance' },
          { text: 'Rewards', callback_data: 'menu:rewards' },
        ],
        [{ text: 'Talk to a person about my order', callback_data: 'menu:agent' }],
        [
          { text: 'Survey', callback_data: 'menu:survey' },
          { text: 'Help', callback_data: 'menu:help' },
        ],
        [{ text: 'Language', callback_data: 'menu:lang' }],
      ],
    });
  });

  it('counts CJK characters double when deciding whether two labels fit on a row', () => {
    const [part] = renderReply(
      reply('選擇', {
        buttons: [
          { label: '查詢積分餘額及到期日', payload: 'a' }, // 10 wide characters = 20 columns: still short
          { label: '查詢我的會員等級與升級條件', payload: 'b' }, // 13 wide characters: long
        ],
      }),
    );
    expect(part?.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: '查詢積分餘額及到期日', callback_data: 'a' }], [{ text: '查詢我的會員等級與升級條件', callback_data: 'b' }]],
    });
  });

  it('accepts a 64-byte payload and rejects a longer one loudly, counting UTF-8 bytes', () => {
    expect(() => renderReply(reply('x', { buttons: [{ label: 'ok', payload: 'p'.repeat(64) }] }))).not.toThrow();
    expect(() => renderReply(reply('x', { buttons: [{ label: 'too long', payload: 'p'.repeat(65) }] }))).toThrow(
      /payload must be 1-64 bytes, got 65/,
    );
    // 33 Arabic letters are 33 characters but 66 bytes.
    expect(() => renderReply(reply('x', { buttons: [{ label: 'ar', payload: 'ب'.repeat(33) }] }))).toThrow(/got 66/);
    expect(() => renderReply(reply('x', { buttons: [{ label: 'empty', payload: '' }] }))).toThrow(/got 0/);
  });

  it('asks for the contact with a one-time reply keyboard', () => {
    expect(renderReply(reply('To link your card, share your number.', { requestContact: { label: '📱 Share my number' } }))).toEqual([
      {
        method: 'sendMessage',
        params: {
          text: 'To link your card, share your number.',
          reply_markup: {
            keyboard: [[{ text: '📱 Share my number', request_contact: true }]],
            one_time_keyboard: true,
            resize_keyboard: true,
          },
        },
        primary: true,
      },
    ]);
  });

  it('with buttons and a contact request, sends the text with the buttons, then the contact keyboard under its label', () => {
    const parts = renderReply(
      reply('Share your number, or skip for now.', {
        buttons: [{ label: 'Skip', payload: 'contact:skip' }],
        requestContact: { label: 'Share my number' },
      }),
    );
    expect(parts).toEqual([
      {
        method: 'sendMessage',
        params: {
          text: 'Share your number, or skip for now.',
          reply_markup: { inline_keyboard: [[{ text: 'Skip', callback_data: 'contact:skip' }]] },
        },
        primary: true,
      },
      {
        method: 'sendMessage',
        params: {
          text: 'Share my number',
          reply_markup: {
            keyboard: [[{ text: 'Share my number', request_contact: true }]],
            one_time_keyboard: true,
            resize_keyboard: true,
          },
        },
        primary: false,
      },
    ]);
  });

  it('splits text over 4096 characters at line boundaries, keyboard on the last part only', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `Line ${i}: you earned points at the Marina store.`);
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(2 * TELEGRAM_TEXT_LIMIT);
    const parts = renderReply(reply(text, { buttons: [{ label: 'More', payload: 'more' }] }));

    expect(parts.length).toBe(4);
    for (const part of parts) expect(part.method === 'sendMessage' && part.params.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(parts.map((p) => (p.method === 'sendMessage' ? p.params.text : '')).join('\n')).toBe(text);
    expect(parts.slice(0, -1).every((p) => p.params.reply_markup === undefined && !p.primary)).toBe(true);
    expect(parts.at(-1)).toMatchObject({ primary: true, params: { reply_markup: { inline_keyboard: [[{ text: 'More' }]] } } });
  });

  it('splits at a space when a paragraph has no line breaks, and never cuts a word', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `word${i}`);
    const chunks = splitText(words.join(' '));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join(' ')).toBe(words.join(' '));
  });

  it('splits Chinese text (no spaces) after a full stop, and never splits a surrogate pair', () => {
    const sentence = '感謝您光臨本店，您的積分已更新。';
    const chunks = splitText(sentence.repeat(400));
    expect(chunks.every((c) => c.length <= TELEGRAM_TEXT_LIMIT && c.endsWith('。'))).toBe(true);
    expect(chunks.join('')).toBe(sentence.repeat(400));

    const emoji = '🎁'.repeat(3000); // 6000 UTF-16 units, no break anywhere
    const hard = splitText(emoji);
    expect(hard.join('')).toBe(emoji);
    expect(hard.every((c) => c.length <= TELEGRAM_TEXT_LIMIT && !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(c))).toBe(true);
  });

  it('passes right-to-left Arabic text and labels through unchanged', () => {
    const text = 'مرحباً لينا! رصيدك ١٢٠ نقطة.\nاختر ما تريد:';
    const parts = renderReply({ text, dir: 'rtl', buttons: [{ label: 'المكافآت', payload: 'menu:rewards' }] });
    expect(parts).toEqual([
      {
        method: 'sendMessage',
        params: { text, reply_markup: { inline_keyboard: [[{ text: 'المكافآت', callback_data: 'menu:rewards' }]] } },
        primary: true,
      },
    ]);
  });

  it('sends an image as a photo captioned with the text, or the photo then the text when the caption would be too long', () => {
    const image = { url: 'https://cdn.example.com/reward.jpg', alt: 'Free coffee voucher' };
    expect(renderReply(reply('Your reward!', { image, buttons: [{ label: 'Redeem', payload: 'r:1' }] }))).toEqual([
      {
        method: 'sendPhoto',
        params: { photo: image.url, caption: 'Your reward!', reply_markup: { inline_keyboard: [[{ text: 'Redeem', callback_data: 'r:1' }]] } },
        primary: true,
      },
    ]);
    const long = 'Terms apply. '.repeat(100);
    const parts = renderReply(reply(long, { image }));
    expect(parts.map((p) => p.method)).toEqual(['sendPhoto', 'sendMessage']);
    expect(parts[0]?.params).toEqual({ photo: image.url });
    expect(parts[1]).toMatchObject({ primary: true, params: { text: long } });
  });

  it('turns a QR image into an upload the channel draws, with a safe file name and the caption', () => {
    const parts = renderReply(reply('Your voucher: K7Q4-X9MD-2P', { image: { qr: 'K7Q4-X9MD-2P', alt: 'QR code' }, buttons: [{ label: 'Menu', payload: 'intent:help' }] }));
    expect(parts).toEqual([
      {
        method: 'sendPhoto',
        params: {
          photo: { qr: 'K7Q4-X9MD-2P', filename: 'qr-K7Q4-X9MD-2P.png' },
          caption: 'Your voucher: K7Q4-X9MD-2P',
          reply_markup: { inline_keyboard: [[{ text: 'Menu', callback_data: 'intent:help' }]] },
        },
        primary: true,
      },
    ]);
    const [odd] = renderReply(reply('x', { image: { qr: '../../etc/passwd\n', alt: 'QR' } }));
    expect(odd?.params).toMatchObject({ photo: { filename: 'qr-etcpasswd.png' } });
    expect(() => renderReply(reply('x', { image: { qr: ' ', alt: 'QR' } }))).toThrow(/QR payload/);
    expect(() => renderReply(reply('x', { image: { qr: 'x'.repeat(513), alt: 'QR' } }))).toThrow(/QR payload/);
  });

  it('rejects a reply Telegram would refuse: no text and no image', () => {
    expect(() => renderReply(reply('  '))).toThrow(/no text/);
  });
});
