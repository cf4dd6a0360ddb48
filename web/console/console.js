// Loyalty Club agent console: plain browser JavaScript, no build step, no dependencies.
// Customer names, messages and notes are written by strangers: every piece of data goes into the page through
// textContent or createElement, never innerHTML. The API answers JSON; live updates come as server-sent events that
// only say what changed, and the page refetches that part.

const API = (document.querySelector('meta[name="console-api"]')?.getAttribute('content') || '/api/console').replace(/\/+$/, '');
const LANG_KEY = 'loyaltyClub.console.lang';
const MAX_REPLY = 4000;
const REQUEST_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------- UI strings

const STRINGS = {
  en: {
    title: 'Agent console', signInTitle: 'Sign in', login: 'Login', password: 'Password', signIn: 'Sign in', signOut: 'Sign out',
    queue: 'Queue', queueEmpty: 'No one is waiting.', pickConversation: 'Choose a conversation from the queue.',
    take: 'Take', handBack: 'Hand back', resolve: 'Resolve', send: 'Send', canned: 'Canned responses', cannedPick: 'Canned response…',
    replyLabel: 'Reply to the customer', replyPlaceholder: 'Write to the customer…', suggestions: 'Knowledge base',
    searchKb: 'Search the knowledge base', noSuggestions: 'Nothing found.', insert: 'Insert',
    customer: 'Customer', purchases: 'Last purchases', tickets: 'Open tickets', channels: 'Channels', notes: 'Private notes',
    noteLabel: 'New private note', notePlaceholder: 'Only agents see notes', addNote: 'Add note', none: 'None',
    noName: 'Customer without a name', tier: 'Tier', points: 'Points', memberCode: 'Member number', language: 'Language',
    notMember: 'Not a member', vip: 'VIP', personalShopper: 'Personal shopper', reachable: 'reachable', unreachable: 'unreachable',
    statusQueued: 'Waiting', statusMine: 'With you', statusWith: (n) => `With ${n}`, statusClosed: 'Back with the bot',
    waiting: (d) => `waiting ${d}`, reason: { asked: 'asked for a person', complaint: 'complaint', misunderstood: 'bot did not understand', sentiment: 'upset', rule: 'rule', staff: 'staff' },
    authorCustomer: 'Customer', authorBot: 'Bot', authorYou: 'You',
    msgFailed: 'Not delivered', msgPending: 'Sending…',
    takeFirst: 'Take this conversation to reply.', heldBy: (n) => `${n} has this conversation.`, closedHint: 'This conversation is back with the bot.',
    live: 'Live', offline: 'Reconnecting…', sent: 'Sent.',
    commands: 'Commands', conversations: 'Conversations', commandHint: 'Staff commands, as in the team chat. Type /help to see them.',
    commandLabel: 'Command', commandPlaceholder: '/stats 7d', run: 'Run', download: (name) => `Download ${name}`, noReply: 'No answer.',
    errors: {
      INVALID_LOGIN: 'Wrong login or password.', LOCKED: 'Too many failed sign-ins: this account is locked for 15 minutes.',
      RATE_LIMITED: 'Too many attempts; wait a few minutes and try again.', UNAUTHORIZED: 'Your session ended; sign in again.',
      CSRF: 'Security check failed; reload the page.', NETWORK: 'Can’t reach the server. Check your connection.', SERVER: 'Something went wrong on our side.',
      NOT_FOUND: 'This conversation does not exist.', FULL: 'You already have as many conversations as you can take; hand one back first.',
      NOT_AN_AGENT: 'Your agent account is not active; ask an administrator.', EMPTY: 'Write something first.', TOO_LONG: 'At most 4000 characters.',
      UNAVAILABLE: 'The command box is not connected on this server.',
    },
  },
  ar: {
    title: 'لوحة الموظفين', signInTitle: 'تسجيل الدخول', login: 'اسم الدخول', password: 'كلمة المرور', signIn: 'دخول', signOut: 'خروج',
    queue: 'قائمة الانتظار', queueEmpty: 'لا أحد ينتظر.', pickConversation: 'اختر محادثة من قائمة الانتظار.',
    take: 'استلام', handBack: 'إعادة إلى البوت', resolve: 'تم الحل', send: 'إرسال', canned: 'ردود جاهزة', cannedPick: 'رد جاهز…',
    replyLabel: 'الرد على العميل', replyPlaceholder: 'اكتب للعميل…', suggestions: 'قاعدة المعرفة',
    searchKb: 'ابحث في قاعدة المعرفة', noSuggestions: 'لا توجد نتائج.', insert: 'إدراج',
    customer: 'العميل', purchases: 'آخر المشتريات', tickets: 'التذاكر المفتوحة', channels: 'القنوات', notes: 'ملاحظات خاصة',
    noteLabel: 'ملاحظة خاصة جديدة', notePlaceholder: 'الملاحظات يراها الموظفون فقط', addNote: 'إضافة ملاحظة', none: 'لا يوجد',
    noName: 'عميل بلا اسم', tier: 'المستوى', points: 'النقاط', memberCode: 'رقم العضوية', language: 'اللغة',
    notMember: 'ليس عضوًا', vip: 'كبار العملاء', personalShopper: 'المتسوق الشخصي', reachable: 'متاح', unreachable: 'غير متاح',
    statusQueued: 'في الانتظار', statusMine: 'معك', statusWith: (n) => `مع ${n}`, statusClosed: 'عادت إلى البوت',
    waiting: (d) => `ينتظر منذ ${d}`, reason: { asked: 'طلب موظفًا', complaint: 'شكوى', misunderstood: 'لم يفهم البوت', sentiment: 'منزعج', rule: 'قاعدة', staff: 'الموظفون' },
    authorCustomer: 'العميل', authorBot: 'البوت', authorYou: 'أنت',
    msgFailed: 'لم تُسلَّم', msgPending: 'جارٍ الإرسال…',
    takeFirst: 'استلم هذه المحادثة لتتمكن من الرد.', heldBy: (n) => `المحادثة مع ${n}.`, closedHint: 'عادت هذه المحادثة إلى البوت.',
    live: 'مباشر', offline: 'جارٍ إعادة الاتصال…', sent: 'أُرسلت.',
    commands: 'الأوامر', conversations: 'المحادثات', commandHint: 'أوامر الموظفين كما في دردشة الفريق. اكتب ‎/help‎ لعرضها.',
    commandLabel: 'الأمر', commandPlaceholder: '/stats 7d', run: 'تنفيذ', download: (name) => `تنزيل ${name}`, noReply: 'لا يوجد رد.',
    errors: {
      INVALID_LOGIN: 'اسم الدخول أو كلمة المرور غير صحيحة.', LOCKED: 'محاولات فاشلة كثيرة: الحساب مقفل لمدة 15 دقيقة.',
      RATE_LIMITED: 'محاولات كثيرة؛ انتظر بضع دقائق ثم حاول مجددًا.', UNAUTHORIZED: 'انتهت جلستك؛ سجّل الدخول مجددًا.',
      CSRF: 'فشل التحقق الأمني؛ أعد تحميل الصفحة.', NETWORK: 'تعذّر الاتصال بالخادم. تحقّق من اتصالك.', SERVER: 'حدث خطأ من جهتنا.',
      NOT_FOUND: 'هذه المحادثة غير موجودة.', FULL: 'لديك أقصى عدد من المحادثات؛ أعد إحداها أولًا.',
      NOT_AN_AGENT: 'حسابك غير مفعّل؛ راجع المسؤول.', EMPTY: 'اكتب شيئًا أولًا.', TOO_LONG: '4000 حرف على الأكثر.',
      UNAVAILABLE: 'صندوق الأوامر غير متصل على هذا الخادم.', RATE_LIMITED_COMMAND: 'أوامر كثيرة في وقت قصير؛ انتظر قليلًا ثم حاول مجددًا.',
      CLOSED_REPLY: 'أُعيدت هذه المحادثة إلى البوت؛ لم تُرسَل رسالتك.', CLOSED: 'أُعيدت هذه المحادثة إلى البوت من قبل.',
      TAKEN_BY_OTHER: (n) => `استلم ${n} هذه المحادثة.`, TAKEN_BY_OTHER_REPLY: (n) => `استلم ${n} هذه المحادثة؛ لم تُرسَل رسالتك.`,
      NOT_TAKEN: 'استلم هذه المحادثة أولًا.', NOT_TAKEN_REPLY: 'استلم هذه المحادثة أولًا؛ لم تُرسَل رسالتك.',
    },
  },
};

let lang = pickLanguage();
const t = (key) => STRINGS[lang][key] ?? STRINGS.en[key];

function pickLanguage() {
  let saved = null;
  try {
    saved = localStorage.getItem(LANG_KEY);
  } catch {
    // Storage can be blocked; the browser's language decides then.
  }
  if (saved === 'ar' || saved === 'en') return saved;
  return (navigator.language || '').toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

// ---------------------------------------------------------------- elements and state

const $ = (id) => document.getElementById(id);
const els = {
  live: $('live'), liveText: $('live-text'), me: $('me'), lang: $('lang'), logout: $('logout'), banner: $('banner'),
  loginView: $('login-view'), loginForm: $('login-form'), loginName: $('login-name'), loginPassword: $('login-password'),
  loginError: $('login-error'), loginSubmit: $('login-submit'),
  deskView: $('desk-view'), queueList: $('queue-list'), queueEmpty: $('queue-empty'),
  convEmpty: $('conv-empty'), conv: $('conv'), convTitle: $('conv-title'), convStatus: $('conv-status'),
  take: $('take'), handBack: $('hand-back'), resolve: $('resolve'), messages: $('messages'), actionError: $('action-error'),
  replyForm: $('reply-form'), canned: $('canned'), replyHint: $('reply-hint'), replyText: $('reply-text'), replyCount: $('reply-count'), send: $('send'),
  suggestions: $('suggestions'), suggestionSearch: $('suggestion-search'), suggestionQ: $('suggestion-q'), suggestionList: $('suggestion-list'), suggestionEmpty: $('suggestion-empty'),
  customer: $('customer'), customerName: $('customer-name'), customerBadges: $('customer-badges'), customerFacts: $('customer-facts'),
  purchases: $('purchases'), tickets: $('tickets'), channels: $('channels'),
  notes: $('notes'), noteList: $('note-list'), noteForm: $('note-form'), noteText: $('note-text'), noteAdd: $('note-add'),
  commandsToggle: $('commands-toggle'), commandView: $('command-view'), commandLog: $('command-log'), commandForm: $('command-form'),
  commandText: $('command-text'), commandRun: $('command-run'), commandError: $('command-error'),
};

const state = {
  me: null,
  csrf: null,
  knowledge: false,
  queue: [],
  /** Server time minus browser time, so waiting times are right on a skewed clock. */
  skewMs: 0,
  selected: null,
  view: null,
  assignedTo: null,
  canned: [],
  cannedLang: undefined,
  /** The id of the reply being written: kept until it is sent, so a retried send is sent once. */
  clientRef: null,
  events: null,
  busy: false,
  /** Whether the server has a command box, and whether it is the view shown (instead of the conversations). */
  commandsOn: false,
  mode: 'desk',
};

// ---------------------------------------------------------------- helpers

/** Creates an element with a class and text (always text, never markup). */
function el(tag, opts = {}) {
  const node = document.createElement(tag);
  if (opts.className) node.className = opts.className;
  if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
  if (opts.dir) node.dir = opts.dir;
  if (opts.attrs) for (const [k, v] of Object.entries(opts.attrs)) node.setAttribute(k, String(v));
  return node;
}

function locale() {
  return lang === 'ar' ? 'ar-u-nu-latn' : 'en';
}

function formatTime(iso) {
  const d = new Date(iso);
  const sameDay = new Date().toDateString() === d.toDateString();
  return new Intl.DateTimeFormat(locale(), sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(d);
}

function formatDuration(ms) {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const [value, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

function formatMoney(minor, currency) {
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

/** A v4 UUID, also where crypto.randomUUID is missing (plain http on a LAN address). */
function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code || (status >= 500 ? 'SERVER' : 'ERROR');
    this.agentName = body?.error?.agentName;
  }
}

/** Calls the API; state changes carry the CSRF token. A 401 anywhere means the session ended: back to sign-in. */
async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    if (state.csrf) headers['x-csrf-token'] = state.csrf;
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let res;
  try {
    res = await fetch(API + path, { method, headers, credentials: 'same-origin', body: method === 'GET' ? undefined : JSON.stringify(body ?? {}), signal: controller.signal });
  } catch {
    throw new ApiError(0, { error: { code: 'NETWORK', message: t('errors').NETWORK } });
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && path !== '/login') signedOut();
    throw err;
  }
  return data;
}

/** The sentence to show for an error, in the UI language (the server's English sentence when there is no translation). */
function errorText(err, action) {
  const e = t('errors');
  if (!(err instanceof ApiError)) return e.SERVER;
  const reply = action === 'reply';
  if (lang === 'en') return err.code === 'NETWORK' ? e.NETWORK : err.message;
  switch (err.code) {
    case 'CLOSED':
      return reply ? e.CLOSED_REPLY : e.CLOSED;
    case 'TAKEN_BY_OTHER':
      return (reply ? e.TAKEN_BY_OTHER_REPLY : e.TAKEN_BY_OTHER)(err.agentName || '');
    case 'NOT_TAKEN':
      return reply ? e.NOT_TAKEN_REPLY : e.NOT_TAKEN;
    default:
      return e[err.code] || err.message;
  }
}

function showBanner(text, kind = 'error') {
  els.banner.textContent = text;
  els.banner.dataset.kind = kind;
  els.banner.hidden = !text;
}

function showActionError(text, kind = 'error') {
  els.actionError.textContent = text || '';
  els.actionError.dataset.kind = kind;
  els.actionError.hidden = !text;
}

// ---------------------------------------------------------------- language

function applyLanguage() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  document.title = `Loyalty Club · ${t('title')}`;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  // The switch names the other language in that language.
  els.lang.textContent = lang === 'ar' ? 'English' : 'العربية';
  els.lang.lang = lang === 'ar' ? 'en' : 'ar';
  setLive(els.live.dataset.state === 'on');
  els.commandsToggle.textContent = state.mode === 'commands' ? t('conversations') : t('commands');
  if (state.me) {
    els.me.textContent = state.me.name;
    renderQueue();
    renderCannedPicker();
    if (state.view) renderConversation();
  }
}

els.lang.addEventListener('click', () => {
  lang = lang === 'ar' ? 'en' : 'ar';
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // Not remembered, still switched.
  }
  applyLanguage();
});

// ---------------------------------------------------------------- sign in / out

function showLogin() {
  els.deskView.hidden = true;
  els.commandView.hidden = true;
  els.commandsToggle.hidden = true;
  els.loginView.hidden = false;
  els.logout.hidden = true;
  els.me.hidden = true;
  els.live.hidden = true;
  els.loginName.focus();
}

function signedOut() {
  const wasSignedIn = state.me !== null;
  state.me = null;
  state.csrf = null;
  state.selected = null;
  state.view = null;
  stopEvents();
  showLogin();
  if (wasSignedIn) showBanner(t('errors').UNAUTHORIZED);
}

els.loginForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const login = els.loginName.value.trim();
  const password = els.loginPassword.value;
  els.loginError.hidden = true;
  if (!login || !password) {
    els.loginError.textContent = t('errors').INVALID_LOGIN;
    els.loginError.hidden = false;
    return;
  }
  els.loginSubmit.disabled = true;
  try {
    const res = await api('/login', { method: 'POST', body: { login, password } });
    els.loginPassword.value = '';
    state.csrf = res.csrfToken;
    await startDesk();
  } catch (err) {
    els.loginError.textContent = errorText(err, 'login');
    els.loginError.hidden = false;
  } finally {
    els.loginSubmit.disabled = false;
  }
});

els.logout.addEventListener('click', async () => {
  try {
    await api('/logout', { method: 'POST' });
  } catch {
    // Signed out on the server or not, this page forgets the session.
  }
  state.me = null;
  signedOut();
  showBanner('');
});

async function startDesk() {
  const me = await api('/me');
  state.me = me.agent;
  state.csrf = me.csrfToken;
  state.knowledge = me.features?.knowledge === true;
  state.commandsOn = me.features?.commands === true;
  els.loginView.hidden = true;
  els.commandsToggle.hidden = !state.commandsOn;
  if (!state.commandsOn) state.mode = 'desk';
  showMode();
  els.logout.hidden = false;
  els.me.hidden = false;
  els.live.hidden = false;
  els.me.textContent = state.me.name;
  showBanner('');
  startEvents();
  await refreshQueue();
  if (state.selected) await refreshConversation();
}

// ---------------------------------------------------------------- live updates

let reconnectTimer = null;

function setLive(on) {
  els.live.dataset.state = on ? 'on' : 'off';
  els.liveText.textContent = on ? t('live') : t('offline');
}

function startEvents() {
  stopEvents();
  const source = new EventSource(`${API}/events`);
  state.events = source;
  source.onopen = () => {
    setLive(true);
    // Whatever happened while the stream was down is fetched again.
    scheduleRefresh({ queue: true, conversation: true });
  };
  source.onmessage = (msg) => {
    let event;
    try {
      event = JSON.parse(msg.data);
    } catch {
      return;
    }
    const mine = state.selected !== null && event.handoffId === state.selected;
    scheduleRefresh({
      queue: event.type === 'queue' || event.type === 'handoff' || event.type === 'message',
      conversation: mine,
      suggestions: mine && event.type === 'message',
    });
  };
  source.onerror = () => {
    setLive(false);
    if (source.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    // Closed for good (an error answer, e.g. the session ended): check who we are, then try again.
    reconnectTimer = setTimeout(async () => {
      try {
        await api('/me');
        if (state.me) startEvents();
      } catch {
        // api() already went back to sign-in on 401; on a network error try again later.
        if (state.me) reconnectTimer = setTimeout(startEvents, 5_000);
      }
    }, 3_000);
  };
}

function stopEvents() {
  clearTimeout(reconnectTimer);
  state.events?.close();
  state.events = null;
  setLive(false);
}

// Bursts of events (a take sends several) become one refetch.
const pending = { queue: false, conversation: false, suggestions: false };
let refreshTimer = null;
function scheduleRefresh(parts) {
  pending.queue ||= Boolean(parts.queue);
  pending.conversation ||= Boolean(parts.conversation);
  pending.suggestions ||= Boolean(parts.suggestions);
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    const todo = { ...pending };
    pending.queue = pending.conversation = pending.suggestions = false;
    if (!state.me) return;
    try {
      if (todo.queue) await refreshQueue();
      if (todo.conversation && state.selected) await refreshConversation();
      if (todo.suggestions && state.selected) await loadSuggestions();
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) showBanner(errorText(err));
    }
  }, 60);
}

// ---------------------------------------------------------------- queue

async function refreshQueue() {
  const res = await api('/queue');
  state.queue = res.items;
  state.skewMs = new Date(res.now).getTime() - Date.now();
  renderQueue();
}

function statusText(status, agentId, agentName) {
  if (status === 'closed') return t('statusClosed');
  if (status === 'queued') return t('statusQueued');
  if (agentId && state.me && agentId === state.me.id) return t('statusMine');
  return t('statusWith')(agentName || '?');
}

function renderQueue() {
  els.queueList.replaceChildren();
  const now = Date.now() + state.skewMs;
  for (const item of state.queue) {
    const li = el('li', { className: 'queue-item', attrs: { 'data-handoff-id': item.handoffId, 'data-status': item.status } });
    const mine = item.agentId && state.me && item.agentId === state.me.id;
    if (mine) li.dataset.mine = 'true';
    const button = el('button', { className: 'queue-button', attrs: { type: 'button' } });
    if (item.handoffId === state.selected) button.setAttribute('aria-current', 'true');
    const top = el('span', { className: 'queue-top' });
    top.append(el('span', { className: 'queue-name', text: item.customerName || t('noName'), dir: 'auto' }), el('span', { className: `status status--${mine ? 'mine' : item.status}`, text: statusText(item.status, item.agentId, item.agentName) }));
    const meta = el('span', { className: 'queue-meta muted' });
    const reason = t('reason')[item.reason] || item.reason;
    meta.append(el('span', { text: `#${item.handoffId}` }), el('span', { text: item.channel }), el('span', { text: reason }), el('span', { className: 'queue-wait', text: t('waiting')(formatDuration(now - new Date(item.requestedAt).getTime())) }));
    button.append(top, meta);
    if (item.lastMessage) button.append(el('span', { className: 'queue-preview', text: item.lastMessage, dir: 'auto' }));
    button.addEventListener('click', () => select(item.handoffId));
    li.append(button);
    els.queueList.append(li);
  }
  els.queueEmpty.hidden = state.queue.length > 0;
}

// Waiting times move on without events; and a refetch now and then catches anything an event did not bring (events
// come from the web process the page is connected to: with several processes, changes made on another one).
setInterval(() => {
  if (!state.me) return;
  if (document.hidden) renderQueue();
  else scheduleRefresh({ queue: true, conversation: true });
}, 30_000);

// ---------------------------------------------------------------- conversation

async function select(handoffId) {
  if (state.selected !== handoffId) {
    state.selected = handoffId;
    state.view = null;
    state.clientRef = null;
    els.replyText.value = '';
    els.suggestionQ.value = '';
    showActionError('');
    updateCount();
  }
  renderQueue();
  await refreshConversation();
  await loadSuggestions();
}

async function refreshConversation() {
  const id = state.selected;
  if (id === null) return;
  try {
    const res = await api(`/handoffs/${id}`);
    if (state.selected !== id) return;
    state.view = res.view;
    state.assignedTo = res.assignedTo;
    renderConversation();
    await loadCanned(res.view.language);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    showActionError(errorText(err, 'view'));
  }
}

function relation() {
  const h = state.view.handoff;
  if (h.status === 'closed') return 'closed';
  if (h.status === 'queued') return 'queued';
  return h.agentId === state.me.id ? 'mine' : 'other';
}

function renderConversation() {
  const v = state.view;
  if (!v) {
    els.conv.hidden = true;
    els.convEmpty.hidden = false;
    els.customer.hidden = true;
    els.notes.hidden = true;
    return;
  }
  els.convEmpty.hidden = true;
  els.conv.hidden = false;
  els.customer.hidden = false;
  els.notes.hidden = false;
  const rel = relation();
  const holder = state.assignedTo?.name || '?';
  els.convTitle.textContent = v.customer.name || t('noName');
  els.convStatus.textContent = `#${v.handoff.id} · ${v.channel} · ${statusText(v.handoff.status, v.handoff.agentId, holder)}`;
  els.conv.dataset.relation = rel;
  els.take.hidden = rel !== 'queued';
  els.handBack.disabled = rel !== 'mine';
  els.resolve.disabled = rel !== 'mine';
  els.handBack.hidden = rel === 'closed' || rel === 'queued';
  els.resolve.hidden = rel === 'closed' || rel === 'queued';
  const canReply = rel === 'mine';
  els.replyText.disabled = !canReply;
  els.send.disabled = !canReply || state.busy;
  els.canned.disabled = !canReply;
  els.replyHint.textContent = rel === 'queued' ? t('takeFirst') : rel === 'other' ? t('heldBy')(holder) : rel === 'closed' ? t('closedHint') : '';
  renderMessages(v.messages);
  renderCustomer(v.customer);
  renderNotes(v.notes);
  els.suggestions.hidden = !state.knowledge;
}

function renderMessages(messages) {
  const atBottom = els.messages.scrollHeight - els.messages.scrollTop - els.messages.clientHeight < 40;
  els.messages.replaceChildren();
  for (const m of messages) {
    const author = m.author.type;
    const li = el('li', { className: `msg msg--${author}`, attrs: { 'data-author': author, 'data-status': m.status, 'data-message-id': m.id } });
    const head = el('span', { className: 'msg-head muted' });
    const who = author === 'customer' ? t('authorCustomer') : author === 'bot' ? t('authorBot') : m.author.id === state.me.id ? t('authorYou') : m.author.name;
    head.append(el('span', { className: 'msg-author', text: who, dir: 'auto' }), el('time', { text: formatTime(m.at), attrs: { datetime: m.at } }));
    li.append(head, el('p', { className: 'msg-text', text: m.text ?? '[media]', dir: 'auto' }));
    if (m.direction === 'out' && m.status === 'failed') {
      li.append(el('span', { className: 'msg-status msg-status--failed', text: `${t('msgFailed')}${m.error ? ` (${m.error})` : ''}` }));
    } else if (m.direction === 'out' && m.status === 'pending') {
      li.append(el('span', { className: 'msg-status muted', text: t('msgPending') }));
    }
    els.messages.append(li);
  }
  if (atBottom || messages.length < 8) els.messages.scrollTop = els.messages.scrollHeight;
}

function renderCustomer(c) {
  els.customerName.textContent = c.name || t('noName');
  els.customerBadges.replaceChildren();
  if (c.vip) els.customerBadges.append(el('span', { className: 'badge badge--vip', text: t('vip') }));
  const facts = [
    [t('tier'), c.tier ?? t('notMember')],
    [t('points'), c.points === null ? '—' : new Intl.NumberFormat(locale()).format(c.points)],
    [t('memberCode'), c.memberCode ?? '—'],
    [t('language'), c.language ?? '—'],
  ];
  if (c.personalShopper) facts.push([t('personalShopper'), c.personalShopper]);
  els.customerFacts.replaceChildren();
  for (const [k, v] of facts) {
    // <bdi>: a Latin value keeps its own direction without pulling the cell out of the page's alignment.
    const dd = el('dd');
    dd.append(el('bdi', { text: v }));
    els.customerFacts.append(el('dt', { text: k }), dd);
  }
  fillList(els.purchases, c.purchases, (p) => `${formatTime(p.at)} · ${formatMoney(p.amountMinor, p.currency)}${p.store ? ` · ${p.store}` : ''}`);
  fillList(els.tickets, c.openTickets, (x) => `#${x.id} ${x.category} · ${x.status} · ${x.priority}`);
  fillList(els.channels, c.channels, (x) => `${x.channel} · ${x.reachable ? t('reachable') : t('unreachable')}`);
}

function fillList(list, items, text) {
  list.replaceChildren();
  if (items.length === 0) list.append(el('li', { className: 'muted', text: t('none') }));
  for (const item of items) list.append(el('li', { text: text(item) }));
}

function renderNotes(notes) {
  els.noteList.replaceChildren();
  if (notes.length === 0) els.noteList.append(el('li', { className: 'muted', text: t('none') }));
  for (const n of notes) {
    const li = el('li', { className: 'note', attrs: { 'data-note-id': n.id } });
    const head = el('span', { className: 'note-head muted' });
    head.append(el('span', { text: n.agentName ?? '—', dir: 'auto' }), el('time', { text: formatTime(n.at), attrs: { datetime: n.at } }));
    li.append(head, el('p', { className: 'note-text', text: n.text, dir: 'auto' }));
    els.noteList.append(li);
  }
}

// ---------------------------------------------------------------- actions

async function act(path, action, button) {
  if (state.selected === null) return;
  const id = state.selected;
  showActionError('');
  button.disabled = true;
  try {
    await api(`/handoffs/${id}/${path}`, { method: 'POST' });
  } catch (err) {
    showActionError(errorText(err, action));
  } finally {
    button.disabled = false;
    await Promise.allSettled([refreshConversation(), refreshQueue()]);
  }
}

els.take.addEventListener('click', () => act('take', 'take', els.take));
els.handBack.addEventListener('click', () => act('hand-back', 'hand_back', els.handBack));
els.resolve.addEventListener('click', () => act('resolve', 'resolve', els.resolve));

function updateCount() {
  els.replyCount.textContent = `${els.replyText.value.length} / ${MAX_REPLY}`;
}
els.replyText.addEventListener('input', updateCount);
els.replyText.addEventListener('keydown', (ev) => {
  // Enter sends, Shift+Enter is a new line (as in the chat apps agents know).
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    els.replyForm.requestSubmit();
  }
});

els.replyForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (state.selected === null || state.busy) return;
  const text = els.replyText.value;
  if (!text.trim()) return showActionError(t('errors').EMPTY);
  if (text.length > MAX_REPLY) return showActionError(t('errors').TOO_LONG);
  // The same reference until the server has it: a retry after a timeout is not sent twice.
  state.clientRef ??= uuid();
  state.busy = true;
  els.send.disabled = true;
  showActionError('');
  try {
    const res = await api(`/handoffs/${state.selected}/reply`, { method: 'POST', body: { text, clientRef: state.clientRef } });
    els.replyText.value = '';
    state.clientRef = null;
    updateCount();
    if (res.status === 'undelivered') showActionError(res.message, 'warning');
  } catch (err) {
    // Refused by the desk: nothing was sent, and the text stays in the box.
    if (err instanceof ApiError && err.status >= 400 && err.status < 500) state.clientRef = null;
    showActionError(errorText(err, 'reply'));
  } finally {
    state.busy = false;
    await refreshConversation();
    els.send.disabled = state.view ? relation() !== 'mine' : true;
  }
});

// A new text is a new message: a different reference.
els.replyText.addEventListener('input', () => {
  if (!els.replyText.value) state.clientRef = null;
});

/** Puts text into the reply box at the cursor. */
function insertIntoReply(text) {
  const box = els.replyText;
  if (box.disabled) return;
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? box.value.length;
  box.value = (box.value.slice(0, start) + text + box.value.slice(end)).slice(0, MAX_REPLY);
  box.focus();
  box.selectionStart = box.selectionEnd = Math.min(start + text.length, box.value.length);
  state.clientRef = null;
  updateCount();
}

// ---------------------------------------------------------------- canned responses

async function loadCanned(language) {
  const wanted = language || 'en';
  if (state.cannedLang === wanted) return;
  try {
    const res = await api(`/canned?lang=${encodeURIComponent(wanted)}`);
    state.canned = res.canned;
    state.cannedLang = wanted;
    renderCannedPicker();
  } catch {
    // The picker stays as it was.
  }
}

function renderCannedPicker() {
  els.canned.replaceChildren(el('option', { text: t('cannedPick'), attrs: { value: '' } }));
  for (const c of state.canned) {
    const preview = c.text.length > 60 ? `${c.text.slice(0, 60)}…` : c.text;
    els.canned.append(el('option', { text: `${c.name} — ${preview}`, attrs: { value: c.name } }));
  }
}

els.canned.addEventListener('change', async () => {
  const name = els.canned.value;
  els.canned.value = '';
  if (!name || state.selected === null) return;
  try {
    const res = await api(`/handoffs/${state.selected}/canned/${encodeURIComponent(name)}`);
    insertIntoReply(res.text);
  } catch (err) {
    showActionError(errorText(err, 'canned'));
  }
});

// ---------------------------------------------------------------- knowledge-base suggestions

async function loadSuggestions() {
  if (!state.knowledge || state.selected === null) return;
  const q = els.suggestionQ.value.trim();
  try {
    const res = await api(`/handoffs/${state.selected}/suggestions${q ? `?q=${encodeURIComponent(q)}` : ''}`);
    renderSuggestions(res.suggestions);
  } catch {
    renderSuggestions([]);
  }
}

function renderSuggestions(items) {
  els.suggestionList.replaceChildren();
  for (const s of items) {
    const li = el('li', { className: 'suggestion' });
    const button = el('button', { className: 'suggestion-button', attrs: { type: 'button', title: t('insert') } });
    button.append(el('strong', { className: 'suggestion-title', text: s.title, dir: 'auto' }), el('span', { className: 'suggestion-text', text: s.text, dir: 'auto' }));
    button.addEventListener('click', () => insertIntoReply(s.text));
    li.append(button);
    els.suggestionList.append(li);
  }
  els.suggestionEmpty.hidden = items.length > 0;
}

els.suggestionSearch.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void loadSuggestions();
});

// ---------------------------------------------------------------- notes

els.noteForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  if (state.selected === null) return;
  const text = els.noteText.value;
  if (!text.trim()) return showActionError(t('errors').EMPTY);
  els.noteAdd.disabled = true;
  try {
    await api(`/handoffs/${state.selected}/note`, { method: 'POST', body: { text } });
    els.noteText.value = '';
  } catch (err) {
    showActionError(errorText(err, 'note'));
  } finally {
    els.noteAdd.disabled = false;
    await refreshConversation();
  }
});

// ---------------------------------------------------------------- command box

/** Shows the conversations or the command box. */
function showMode() {
  const commands = state.mode === 'commands';
  els.deskView.hidden = commands;
  els.commandView.hidden = !commands;
  els.commandsToggle.setAttribute('aria-pressed', String(commands));
  els.commandsToggle.textContent = commands ? t('conversations') : t('commands');
  if (commands) els.commandText.focus();
}

els.commandsToggle.addEventListener('click', () => {
  state.mode = state.mode === 'commands' ? 'desk' : 'commands';
  showMode();
});

function showCommandError(text) {
  els.commandError.textContent = text || '';
  els.commandError.hidden = !text;
}

/** One command and the staff bot's answers: text as text (line breaks kept by CSS), files as same-origin links. */
function renderCommandEntry(command, replies) {
  const li = el('li', { className: 'command-entry' });
  li.append(el('p', { className: 'command-typed', text: `> ${command}`, dir: 'ltr' }));
  if (replies.length === 0) li.append(el('p', { className: 'command-reply muted', text: t('noReply') }));
  for (const r of replies) {
    const box = el('div', { className: 'command-reply', text: r.text, dir: r.dir === 'rtl' ? 'rtl' : 'auto' });
    const file = r.attachment;
    // Only our own /files/ links: the URL comes from our server, but a page never follows an address it did not expect.
    if (file && typeof file.url === 'string' && file.url.startsWith('/files/')) {
      if (file.mimeType === 'image/png') {
        const img = el('img', { attrs: { src: file.url, alt: file.fileName } });
        // The picture gets its height only once loaded: keep the newest answer in view.
        img.addEventListener('load', () => {
          els.commandLog.scrollTop = els.commandLog.scrollHeight;
        });
        box.append(img);
      }
      const link = el('a', { className: 'command-file', text: t('download')(file.fileName), attrs: { href: file.url, download: file.fileName } });
      box.append(el('br'), link);
    }
    li.append(box);
  }
  els.commandLog.append(li);
  els.commandLog.scrollTop = els.commandLog.scrollHeight;
}

els.commandForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = els.commandText.value.trim();
  if (!text) return showCommandError(t('errors').EMPTY);
  if (text.length > MAX_REPLY) return showCommandError(t('errors').TOO_LONG);
  showCommandError('');
  els.commandRun.disabled = true;
  try {
    const res = await api('/command', { method: 'POST', body: { text } });
    renderCommandEntry(text, Array.isArray(res.replies) ? res.replies : []);
    els.commandText.value = '';
  } catch (err) {
    // The command stays in the box to run again.
    showCommandError(err instanceof ApiError && err.code === 'RATE_LIMITED' && lang === 'ar' ? t('errors').RATE_LIMITED_COMMAND : errorText(err, 'command'));
  } finally {
    els.commandRun.disabled = false;
    els.commandText.focus();
  }
});

// ---------------------------------------------------------------- start

applyLanguage();
(async () => {
  try {
    await startDesk();
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) showBanner(errorText(err));
    showLogin();
  }
})();
