// Loyalty Club web chat: plain browser JavaScript, no build step, no dependencies.
// Every piece of user or bot text goes into the DOM through textContent / text nodes, never innerHTML.

const API = (document.querySelector('meta[name="webchat-api"]')?.getAttribute('content') || '/api/webchat').replace(/\/+$/, '');
const MAX_LEN = 2000;
const SESSION_KEY = 'loyaltyClub.webchat.sessionId';
const REQUEST_TIMEOUT_MS = 20_000;
const AUTO_RETRY_DELAY_MS = 800;
// Messages sent outside the customer's own turns (an agent's reply, a survey) are picked up by polling the history.
const POLL_MS = 3_000;
const POLL_HIDDEN_MS = 30_000;
const POLL_MAX_MS = 60_000;
// What the server accepts as a session id (a UUID, or a demo member's id such as `demo-aisha` set by hand).
const SESSION_ID_RE = /^[A-Za-z0-9-]{8,64}$/;

const els = {
  scroller: document.getElementById('scroller'),
  log: document.getElementById('log'),
  typing: document.getElementById('typing'),
  typingText: document.querySelector('#typing .visually-hidden'),
  error: document.getElementById('error'),
  errorText: document.getElementById('error-text'),
  retry: document.getElementById('retry'),
  composer: document.getElementById('composer'),
  input: document.getElementById('input'),
  send: document.getElementById('send'),
  counter: document.getElementById('counter'),
  counterValue: document.getElementById('counter-value'),
  reset: document.getElementById('reset'),
};

// ---------------------------------------------------------------- UI strings

/** The few strings the page itself shows, in the conversation's language (taken from the bot's latest reply). */
const STRINGS = {
  en: {
    placeholder: 'Type a message…', typing: 'Loyalty Club is typing…', retry: 'Retry', notSent: 'Not sent',
    offline: 'Can’t reach Loyalty Club. Check your connection.', serverError: 'Something went wrong on our side.',
    rejected: 'That message couldn’t be sent.', historyFailed: 'Couldn’t load your conversation.',
    phoneLabel: 'Phone number', phoneHint: 'Include your country code, e.g. +971.', phoneSend: 'Send', cancel: 'Cancel',
    phoneInvalid: 'That doesn’t look like a phone number. Try +971 50 123 4567.', phonePlaceholder: '+971 50 123 4567',
    imageUnavailable: 'Image unavailable', quickReplies: 'Quick replies',
  },
  ar: {
    placeholder: 'اكتب رسالة…', typing: 'جارٍ الكتابة…', retry: 'إعادة المحاولة', notSent: 'لم تُرسَل',
    offline: 'تعذّر الاتصال. تحقّق من اتصالك بالإنترنت.', serverError: 'حدث خطأ من جهتنا.',
    rejected: 'تعذّر إرسال هذه الرسالة.', historyFailed: 'تعذّر تحميل المحادثة.',
    phoneLabel: 'رقم الهاتف', phoneHint: 'أدخل الرقم مع رمز الدولة، مثل \u2066+971\u2069.', phoneSend: 'إرسال', cancel: 'إلغاء',
    phoneInvalid: 'لا يبدو هذا رقم هاتف. جرّب \u2066+971 50 123 4567\u2069.', phonePlaceholder: '+971 50 123 4567',
    imageUnavailable: 'الصورة غير متاحة', quickReplies: 'ردود سريعة',
  },
  zh: {
    placeholder: '輸入訊息…', typing: '正在輸入…', retry: '重試', notSent: '未送出',
    offline: '無法連線，請檢查網路。', serverError: '系統發生錯誤，請稍後再試。',
    rejected: '這則訊息無法送出。', historyFailed: '無法載入對話紀錄。',
    phoneLabel: '電話號碼', phoneHint: '請包含國碼，例如 +886。', phoneSend: '送出', cancel: '取消',
    phoneInvalid: '這看起來不像電話號碼，例如 +886 912 345 678。', phonePlaceholder: '+886 912 345 678',
    imageUnavailable: '無法顯示圖片', quickReplies: '快速回覆',
  },
};

let uiLang = 'en';
const t = (key) => STRINGS[uiLang][key] ?? STRINGS.en[key];

/** Guesses the conversation language from a bot message: rtl → Arabic, mostly Han → Chinese, Latin → English. */
function detectLang(text, dir) {
  if (dir === 'rtl') return 'ar';
  const han = (text.match(/\p{Script=Han}/gu) || []).length;
  const latin = (text.match(/\p{Script=Latin}/gu) || []).length;
  if (han && han >= latin) return 'zh';
  if (latin) return 'en';
  return null;
}

function setUiLang(lang) {
  if (!lang || lang === uiLang || !STRINGS[lang]) return;
  uiLang = lang;
  els.input.placeholder = t('placeholder');
  els.typingText.textContent = t('typing');
  els.retry.textContent = t('retry');
  els.error.dir = lang === 'ar' ? 'rtl' : 'ltr';
}

// ---------------------------------------------------------------- session

/** crypto.randomUUID only exists in secure contexts (https, localhost); fall back for plain-http LAN testing. */
function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** localStorage can throw (privacy modes, blocked storage); the chat still works for this page view. */
const store = {
  get(key) { try { return window.localStorage.getItem(key); } catch { return null; } },
  set(key, value) { try { window.localStorage.setItem(key, value); } catch { /* session-only */ } },
  remove(key) { try { window.localStorage.removeItem(key); } catch { /* nothing stored */ } },
};

function loadSessionId() {
  let id = store.get(SESSION_KEY);
  if (!id || !SESSION_ID_RE.test(id)) {
    id = uuid();
    store.set(SESSION_KEY, id);
  }
  return id;
}

const sessionId = loadSessionId();

// ---------------------------------------------------------------- network

/**
 * One POST/GET with a timeout. Resolves to
 *   { ok: true, data } or { ok: false, retryable, message }.
 * Network errors, timeouts, 408, 429 and 5xx are retryable (the server dedupes on messageId).
 */
async function request(url, init) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let res;
  try {
    res = await fetch(url, { ...init, signal: controller.signal, cache: 'no-store' });
  } catch {
    clearTimeout(timer);
    return { ok: false, retryable: true, message: t('offline') };
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  } finally {
    clearTimeout(timer);
  }
  if (res.ok && body && typeof body === 'object') return { ok: true, status: res.status, data: body };
  const retryable = res.ok || res.status === 408 || res.status === 429 || res.status >= 500;
  const serverMessage = body && body.error && typeof body.error.message === 'string' ? body.error.message : '';
  // Transient failures get our own (localized) wording; a rejection keeps the server's specific reason.
  const message = retryable ? t('serverError') : serverMessage || t('rejected');
  return { ok: false, status: res.status, retryable, message };
}

function postMessage(body) {
  return request(`${API}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

function getHistory() {
  return request(`${API}/history?sessionId=${encodeURIComponent(sessionId)}`, {
    method: 'GET',
    headers: { Accept: 'application/json' },
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- rendering helpers

function el(tag, className, attrs) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (attrs) for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  return node;
}

/** A language hint helps the browser pick Arabic / Traditional Chinese glyphs. */
function langFor(text, dir) {
  if (dir === 'rtl') return 'ar';
  if (/\p{Script=Han}/u.test(text)) return 'zh-Hant';
  return undefined;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"'）」]+/giu;

/** Appends text to `parent` as text nodes, turning http(s) URLs into links (built with textContent, never HTML). */
function appendLinkified(parent, text) {
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    const trailing = /[.,!?;:)\]}،。！？]+$/u.exec(url);
    if (trailing) url = url.slice(0, -trailing[0].length);
    const start = match.index;
    if (start > last) parent.append(document.createTextNode(text.slice(last, start)));
    const a = el('a', 'link', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow' });
    a.textContent = url;
    parent.append(a);
    last = start + url.length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

/** Only http(s) or same-origin relative image URLs. */
function safeImageUrl(raw) {
  if (typeof raw !== 'string' || !raw) return null;
  try {
    const url = new URL(raw, window.location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The server names its own images (QR codes) under /api/webchat; follow the page's API base if it is mounted elsewhere. */
function rebaseApiUrl(raw) {
  if (typeof raw !== 'string') return raw;
  return raw.startsWith('/api/webchat/') && API !== '/api/webchat' ? API + raw.slice('/api/webchat'.length) : raw;
}

function formatTime(at) {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? undefined : d.toLocaleString();
}

// ---------------------------------------------------------------- scrolling

function isNearBottom() {
  const s = els.scroller;
  return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
}

function scrollToBottom() {
  const s = els.scroller;
  s.scrollTop = s.scrollHeight;
}

// ---------------------------------------------------------------- messages

/** Chip groups that are currently clickable: those of the latest bot turn. */
let activeChipGroups = [];

function setChipsEnabled(groups, enabled) {
  for (const group of groups) {
    group.classList.toggle('is-stale', !enabled);
    for (const button of group.querySelectorAll('button')) button.disabled = !enabled;
    if (!enabled) group.querySelector('.contact-form')?.remove();
  }
}

/** Disables every chip (a new customer turn has started). */
function retireChips() {
  setChipsEnabled(activeChipGroups, false);
}

function addCustomerBubble(text, at) {
  const row = el('div', 'msg msg--me');
  const bubble = el('div', 'bubble bubble--me', { dir: 'auto', lang: langFor(text), title: at ? formatTime(at) : undefined });
  bubble.textContent = text;
  row.append(bubble);
  els.log.append(row);
  scrollToBottom(); // the customer just acted: always follow
  return row;
}

function setRowState(row, state) {
  if (!row) return;
  row.classList.toggle('is-pending', state === 'pending');
  row.classList.toggle('is-failed', state === 'failed');
  row.querySelector('.msg-status')?.remove();
  if (state === 'failed') {
    const status = el('div', 'msg-status');
    status.textContent = t('notSent');
    row.append(status);
  }
}

/**
 * Renders one bot message. `reply` is a Reply ({text, dir, buttons?, requestContact?, image?}) or a
 * history item with the same fields. Returns the chip group element, if any.
 */
function addBotMessage(reply, at) {
  const dir = reply.dir === 'rtl' ? 'rtl' : 'ltr';
  const text = typeof reply.text === 'string' ? reply.text : '';
  const lang = langFor(text, dir);
  setUiLang(detectLang(text, dir));
  const row = el('div', 'msg msg--bot');
  const stick = isNearBottom();

  if (text) {
    const bubble = el('div', 'bubble bubble--bot', { dir, lang, title: at ? formatTime(at) : undefined });
    appendLinkified(bubble, text);
    row.append(bubble);
  }

  const src = safeImageUrl(rebaseApiUrl(reply.image?.url));
  if (src) {
    const alt = typeof reply.image.alt === 'string' ? reply.image.alt : '';
    // A QR code (a voucher to scan at the till) is drawn on white whatever the theme, so scanners can read it.
    const qr = reply.image.kind === 'qr';
    const figure = el('figure', qr ? 'media media--qr' : 'media', { dir, lang });
    const img = el('img', qr ? 'media-img media-img--qr' : 'media-img', { src, alt, loading: 'lazy', decoding: 'async' });
    img.addEventListener('load', () => { if (stick) scrollToBottom(); }, { once: true });
    img.addEventListener('error', () => {
      const fallback = el('div', 'media-fallback');
      fallback.textContent = alt || t('imageUnavailable');
      img.replaceWith(fallback);
    }, { once: true });
    figure.append(img);
    row.append(figure);
  }

  let group = null;
  const buttons = Array.isArray(reply.buttons) ? reply.buttons.filter((b) => b && typeof b.label === 'string' && typeof b.payload === 'string') : [];
  const contact = reply.requestContact && typeof reply.requestContact.label === 'string' ? reply.requestContact : null;
  if (buttons.length || contact) {
    group = el('div', 'chips', { dir, lang, role: 'group', 'aria-label': t('quickReplies') });
    for (const b of buttons) {
      const chip = el('button', 'chip', { type: 'button' });
      chip.textContent = b.label;
      chip.addEventListener('click', () => { void sendMessage({ payload: b.payload }, b.label); });
      group.append(chip);
    }
    if (contact) {
      const chip = el('button', 'chip chip--contact', { type: 'button', 'aria-expanded': 'false' });
      chip.textContent = contact.label;
      chip.addEventListener('click', () => toggleContactForm(group, chip));
      group.append(chip);
    }
    row.append(group);
  }

  if (!row.childElementCount) return null;
  els.log.append(row);
  if (stick) scrollToBottom();
  return group;
}

/** Normalizes a typed phone number to +digits; returns null when it does not look like one. */
function normalizePhone(raw) {
  let s = raw.trim().replace(/[\s().\-\u00a0]/g, '');
  // Arabic-Indic and Eastern Arabic-Indic digits → ASCII.
  s = s.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  return /^\+?\d{6,15}$/.test(s) ? s : null;
}

function toggleContactForm(group, chip) {
  const existing = group.querySelector('.contact-form');
  if (existing) {
    existing.remove();
    chip.setAttribute('aria-expanded', 'false');
    return;
  }
  const form = el('form', 'contact-form', { novalidate: '', dir: 'ltr' });
  const inputId = `phone-${uuid().slice(0, 8)}`;
  const hintId = `${inputId}-hint`;
  const label = el('label', 'visually-hidden', { for: inputId });
  label.textContent = t('phoneLabel');
  const input = el('input', 'contact-input', {
    id: inputId, type: 'tel', inputmode: 'tel', autocomplete: 'tel', placeholder: t('phonePlaceholder'),
    maxlength: '24', 'aria-describedby': hintId, dir: 'ltr',
  });
  const submit = el('button', 'contact-send', { type: 'submit' });
  submit.textContent = t('phoneSend');
  const cancel = el('button', 'contact-cancel', { type: 'button', 'aria-label': t('cancel') });
  cancel.textContent = '×';
  const hint = el('div', 'contact-hint', { id: hintId, dir: uiLang === 'ar' ? 'rtl' : 'ltr' });
  hint.textContent = t('phoneHint');

  cancel.addEventListener('click', () => {
    form.remove();
    chip.setAttribute('aria-expanded', 'false');
    chip.focus();
  });
  input.addEventListener('input', () => {
    input.removeAttribute('aria-invalid');
    hint.classList.remove('is-error');
    hint.textContent = t('phoneHint');
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    const phone = normalizePhone(input.value);
    if (!phone) {
      input.setAttribute('aria-invalid', 'true');
      hint.classList.add('is-error');
      hint.textContent = t('phoneInvalid');
      input.focus();
      return;
    }
    void sendMessage({ contact: phone }, input.value.trim());
  });

  form.append(label, input, submit, cancel, hint);
  group.append(form);
  chip.setAttribute('aria-expanded', 'true');
  input.focus();
  form.scrollIntoView({ block: 'nearest' });
}

// ---------------------------------------------------------------- busy / error state

let busy = false;

function setBusy(value, { typing = value } = {}) {
  busy = value;
  els.typing.hidden = !typing;
  if (typing) {
    // Keep the indicator in view if the reader is at the bottom.
    scrollToBottom();
  }
  els.retry.disabled = value;
  updateComposer();
}

function showError(message, retry) {
  els.errorText.textContent = message;
  els.retry.hidden = !retry;
  els.retry.onclick = retry ? () => { clearError(); void retry(); } : null;
  els.error.hidden = false;
  scrollToBottom(); // the error line shrinks the list; keep the failed message in view
}

function clearError() {
  els.error.hidden = true;
  els.errorText.textContent = '';
  els.retry.onclick = null;
}

// ---------------------------------------------------------------- sending

/**
 * Sends one customer message. `body` is {text} | {payload} | {contact}; `echo` is what to show as the
 * customer's bubble (null for the silent "start").
 */
async function sendMessage(body, echo) {
  if (busy) return false;
  clearError();
  const previousChips = activeChipGroups;
  retireChips();
  const row = echo ? addCustomerBubble(echo) : null;
  await deliver({ sessionId, messageId: uuid(), ...body }, row, previousChips);
  return true;
}

async function deliver(req, row, previousChips) {
  turnsStarted += 1; // a history poll already under way may or may not contain this turn: it is discarded
  setRowState(row, 'pending');
  setBusy(true);
  let result = await postMessage(req);
  if (!result.ok && result.retryable) {
    // One automatic retry with the same messageId: the server dedupes, so this never double-sends.
    await sleep(AUTO_RETRY_DELAY_MS);
    result = await postMessage(req);
  }
  setBusy(false);

  if (result.ok) {
    setRowState(row, 'sent');
    const replies = Array.isArray(result.data.replies) ? result.data.replies : [];
    const groups = [];
    for (const reply of replies) {
      if (!reply || typeof reply !== 'object') continue;
      markShown(reply);
      const group = addBotMessage(reply);
      if (group) groups.push(group);
    }
    // Only this turn's chips are live; earlier ones stay disabled.
    activeChipGroups = groups;
    if (row) restoreFocus(); // only after the customer's own action, not the silent "start"
    return;
  }

  setRowState(row, 'failed');
  scrollToBottom();
  // Let the customer pick a chip again instead of retrying.
  activeChipGroups = previousChips;
  setChipsEnabled(previousChips, true);
  showError(result.message, result.retryable ? () => {
    retireChips();
    return deliver(req, row, previousChips);
  } : null);
}

/**
 * After a turn, if focus was lost (it sat on a chip that is now disabled), move it somewhere useful: the text box
 * on pointer devices, else the first new chip (focusing the text box on a phone would pop up the keyboard).
 */
function restoreFocus() {
  const active = document.activeElement;
  const lost = !active || active === document.body || active.disabled || !document.contains(active);
  if (!lost) return;
  const firstChip = activeChipGroups[0]?.querySelector('button:not(:disabled)');
  if (window.matchMedia('(pointer: fine)').matches) els.input.focus({ preventScroll: true });
  else if (firstChip) firstChip.focus({ preventScroll: true });
}

// ---------------------------------------------------------------- composer

function updateComposer() {
  const len = els.input.value.length;
  els.counterValue.textContent = String(len);
  els.counter.classList.toggle('is-near', len >= MAX_LEN * 0.9);
  els.counter.classList.toggle('is-full', len >= MAX_LEN);
  els.send.disabled = busy || els.input.value.trim() === '';
}

function autosize() {
  const input = els.input;
  input.style.height = 'auto';
  const borders = input.offsetHeight - input.clientHeight;
  const wanted = input.scrollHeight + borders;
  input.style.height = `${Math.min(wanted, 140)}px`;
  input.style.overflowY = wanted > 140 ? 'auto' : 'hidden';
}

function submitComposer() {
  const text = els.input.value.trim();
  if (!text || busy) return;
  if (text.length > MAX_LEN) return; // maxlength already stops this; belt and braces.
  els.input.value = '';
  autosize();
  updateComposer();
  void sendMessage({ text }, text);
}

els.input.addEventListener('input', () => {
  if (els.input.value.length > MAX_LEN) els.input.value = els.input.value.slice(0, MAX_LEN);
  autosize();
  updateComposer();
});

els.input.addEventListener('keydown', (event) => {
  // Enter sends, Shift+Enter is a newline; never send while an IME (Chinese/Arabic input) is composing.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    submitComposer();
  }
});

els.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  submitComposer();
});

els.reset.addEventListener('click', (event) => {
  event.preventDefault();
  store.remove(SESSION_KEY);
  window.location.reload();
});

// ---------------------------------------------------------------- start-up

async function start() {
  setBusy(true);
  const result = await getHistory();
  setBusy(false);

  let messages;
  if (result.ok) {
    messages = Array.isArray(result.data.messages) ? result.data.messages : [];
  } else if (result.status === 404) {
    messages = []; // unknown session: treat as a fresh conversation
  } else {
    showError(result.retryable ? t('historyFailed') : result.message, start);
    return;
  }

  for (const m of messages) if (m) markShown(m);
  if (messages.length === 0) {
    await sendMessage({ payload: 'start' }, null);
  } else {
    let trailingGroups = [];
    let lastButtons = new Map(); // payload -> label of the latest bot buttons
    for (const m of messages) {
      if (!m || typeof m.text !== 'string') continue;
      if (m.direction === 'in') {
        // If the server stored a button press as its payload, show the label the customer actually tapped.
        const shown = lastButtons.get(m.text) ?? m.text;
        if (shown.trim()) addCustomerBubble(shown, m.at);
        trailingGroups = [];
        lastButtons = new Map();
      } else {
        const group = addBotMessage(m, m.at);
        if (group) trailingGroups.push(group);
        if (Array.isArray(m.buttons)) {
          lastButtons = new Map();
          for (const b of m.buttons) if (b && typeof b.payload === 'string' && typeof b.label === 'string') lastButtons.set(b.payload, b.label);
        }
      }
    }
    // Only the chips of the latest bot turn stay clickable.
    const all = Array.from(els.log.querySelectorAll('.chips'));
    setChipsEnabled(all, false);
    activeChipGroups = trailingGroups;
    setChipsEnabled(trailingGroups, true);
    scrollToBottom();
  }
  if (window.matchMedia('(pointer: fine)').matches) els.input.focus({ preventScroll: true });
  startPolling();
}

// ---------------------------------------------------------------- messages from outside a turn (polling)

/** Ids of the stored messages already on the page (history items and the replies of the customer's own turns). */
const shownIds = new Set();
/** Counts the customer's turns, so a poll that overlapped one is dropped (that turn's replies come in its response). */
let turnsStarted = 0;
let pollTimer = null;
let pollFailures = 0;
let polling = false;

function markShown(m) {
  if (m && typeof m.id === 'string') shownIds.add(m.id);
}

function schedulePoll(ms) {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(() => { void poll(); }, ms);
}

/** The next wait: every few seconds while visible, rarely while hidden, doubling (to a minute) after failures. */
function nextPollDelay() {
  const base = document.hidden ? POLL_HIDDEN_MS : POLL_MS;
  return pollFailures ? Math.min(base * 2 ** pollFailures, POLL_MAX_MS) : base;
}

async function poll() {
  pollTimer = null;
  if (polling) return;
  if (busy) { schedulePoll(nextPollDelay()); return; }
  polling = true;
  const turn = turnsStarted;
  const result = await getHistory();
  polling = false;
  if (turn === turnsStarted && !busy) {
    if (result.ok) {
      pollFailures = 0;
      showPushed(Array.isArray(result.data.messages) ? result.data.messages : []);
    } else {
      pollFailures += 1; // quietly: the customer's own sends still report their errors
    }
  }
  schedulePoll(nextPollDelay());
}

/**
 * Shows the bot's (or an agent's) messages the page has not shown yet, as the replies of a turn are shown. When they
 * bring buttons (a CSAT question), those become the live chips; a plain message leaves the current ones (and a phone
 * form being filled in) alone. The customer's own messages are on the page already (or in another tab): never re-shown.
 */
function showPushed(messages) {
  const groups = [];
  for (const m of messages) {
    if (!m || typeof m.id !== 'string' || shownIds.has(m.id)) continue;
    shownIds.add(m.id);
    if (m.direction !== 'out' || typeof m.text !== 'string') continue;
    const group = addBotMessage(m, m.at);
    if (group) groups.push(group);
  }
  if (groups.length) {
    retireChips();
    activeChipGroups = groups;
  }
}

function startPolling() {
  if (pollTimer || polling) return;
  schedulePoll(nextPollDelay());
}

// Back from another tab or an unlocked phone: look at once instead of waiting out the slow hidden interval.
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && (pollTimer || polling)) schedulePoll(0);
});

updateComposer();
void start();
