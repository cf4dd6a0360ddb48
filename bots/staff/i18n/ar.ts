import type { Catalog, ConfirmSummary } from './catalog.js';

// Codes, commands and numbers are Latin: marked left-to-right so their punctuation never reorders inside Arabic text.
const ltr = (s: string) => `\u2066${s}\u2069`;

const confirmLine = (s: ConfirmSummary): string => {
  switch (s.kind) {
    case 'add':
      return `إضافة ${ltr(s.points)} نقطة إلى ${s.customer} (العضو ${ltr(s.memberCode)}): الرصيد ${ltr(`${s.before} → ${s.after}`)}.\nالسبب: ${s.reason}`;
    case 'deduct':
      return `خصم ${ltr(s.points)} نقطة من ${s.customer} (العضو ${ltr(s.memberCode)}): الرصيد ${ltr(`${s.before} → ${s.after}`)}.\nالسبب: ${s.reason}`;
    case 'tier':
      return `تعيين فئة ${s.customer} (العضو ${ltr(s.memberCode)}) إلى ${s.to} (حالياً ${s.from})؛ لن تنزل المراجعات عنها.`;
  }
};

/** Arabic (Modern Standard). */
export const ar: Catalog = {
  roleName: {
    admin: 'مسؤول نظام إدارة العملاء',
    marketing_manager: 'مدير التسويق',
    store_manager: 'مدير الفرع',
    customer_service: 'خدمة العملاء',
    data_analyst: 'محلل البيانات',
    franchise_owner: 'صاحب الامتياز',
  },
  pong: 'pong — مساحة عمل الفريق هذه متصلة بالبوت.',
  joinUsage: `أرسل ${ltr('/join')} متبوعاً برمز الدعوة، مثل ${ltr('/join K7Q2M-X9ABD')}.`,
  codeNotValid: 'هذا الرمز غير صالح. اطلب رمزاً جديداً من مسؤول النظام.',
  welcome: (name, role, stores) => `أهلاً بك في الفريق يا ${name}. دورك: ${role}.${stores ? `\nفروعك: ${ltr(stores)}.` : ''}\nاكتب ${ltr('/help')} في دردشة الفريق لرؤية أوامرك.`,
  alreadyStaff: (name, role) => `أنت عضو في الفريق بالفعل يا ${name} (${role}).`,
  helpTitle: (name, role) => `${name} · ${role}. أوامرك:`,
  help: {
    customer: `${ltr('/customer <phone | member code | name>')} — بطاقة العميل`,
    points: `${ltr('/points add|deduct <customer> <n> <reason>')} — تعديل النقاط (مع تأكيد)`,
    tier: `${ltr('/tier set <customer> <tier> [reason]')} — تعيين الفئة (مع تأكيد)`,
    segment_view: `${ltr('/segment list')} · ${ltr('/segment show NAME')} — العدد وعينة والتوزيع حسب الفئة والفرع`,
    segment_new: `${ltr('/segment new NAME <expression>')} — حفظ شريحة`,
    segment_export: `${ltr('/segment export NAME')} — الأعضاء في ملف CSV`,
    campaign_view: `${ltr('/campaign list')} · ${ltr('/campaign show ID')} · ${ltr('/campaign stats ID')}`,
    campaign_build: `${ltr('/campaign new NAME')} · ${ltr('variant ID A en|ar|zh TEXT')} · ${ltr('audience ID SEGMENT')} · ${ltr('channel ID CHANNEL')} · ${ltr('schedule ID <time|now>')} · ${ltr('holdout ID PERCENT')} · ${ltr('template ID NAME')} · ${ltr('test ID')} · ${ltr('submit ID')}`,
    campaign_approve: `${ltr('/campaign approve ID')} — اعتماد حملة أنشأها شخص آخر`,
    campaign_send: `${ltr('/campaign send|pause|resume|cancel ID')}`,
    stats: `${ltr('/stats [today|7d|30d|month|2026-10|ytd] [store]')} — الأرقام مع رسم بياني`,
    confirm: `${ltr('/confirm')} · ${ltr('/cancel')} — التغيير الذي ينتظر تأكيدك`,
    lang: `${ltr('/lang en|ar|zh')} — لغة الردود`,
    ping: `${ltr('/ping')} — التحقق من اتصال مساحة العمل`,
  },
  agentHelpNote: `للموظفين في المحادثات: ${ltr('/queue, /take, /done, /resolve, /note, /canned, /duty')}`,
  unknownCommand: (c) => `لا أعرف الأمر ${ltr(`/${c}`)}. الأمر ${ltr('/help')} يعرض أوامرك.`,
  deniedRole: (c, role) => `لا يمكن لـ${role} استخدام ${ltr(`/${c}`)}.`,
  deniedNoStores: 'لم تُخصَّص لك فروع بعد، لذا لا يوجد ما يُعرض. تواصل مع مسؤول النظام.',
  failed: 'حدث خطأ لدينا ولم يتغير شيء. حاول مرة أخرى بعد قليل.',
  langUsage: `الاستخدام: ${ltr('/lang en')} أو ${ltr('/lang ar')} أو ${ltr('/lang zh')}.`,
  langSet: 'سأرد عليك بالعربية.',
  customerUsage: `الاستخدام: ${ltr('/customer <phone | member code | name>')}، مثل ${ltr('/customer 0501234567')}.`,
  customerBadQuery: 'هذا ليس رقم هاتف أو رقم عضوية أو اسماً يمكنني البحث عنه (حرفان على الأقل).',
  customerNotFound: 'لم يُعثر على عميل.',
  customerMany: (lines, more) => `يوجد أكثر من عميل مطابق:\n${lines.join('\n')}${more ? '\n…وغيرهم: حدّد أكثر.' : ''}\nاستخدم ${ltr('/customer <member code>')} لأحدهم.`,
  customerCard: (c) =>
    [
      `👤 ${c.name}${c.memberCode ? ` · العضو ${ltr(c.memberCode)}` : ' · ليس عضواً'}`,
      ...(c.tier ? [`الفئة: ${c.tier} · الرصيد: ${ltr(c.balance ?? '0')} نقطة${c.pending ? ` (+${ltr(c.pending)} معلّقة)` : ''}`] : []),
      ...(c.lifetimeSpend ? [`إجمالي الإنفاق: ${ltr(c.lifetimeSpend)} · ${ltr(c.visits ?? '0')} عمليات شراء`] : []),
      c.purchases.length ? `آخر الزيارات:\n${c.purchases.map((p) => `  ${ltr(`${p.date} · ${p.store} · ${p.amount}`)}`).join('\n')}` : 'آخر الزيارات: لا يوجد',
      `القنوات: ${c.channels.map((ch) => `${ch.channel} ${ch.reachable ? '✓' : '✗ غير متاح'}`).join('، ') || 'لا يوجد'}`,
      `الموافقة التسويقية: ${c.consents.map((x) => `${x.channel} ${x.granted ? 'نعم' : 'لا'}`).join('، ') || 'غير مسجلة'}`,
      c.openTickets.length ? `التذاكر المفتوحة: ${c.openTickets.map((t) => `#${t.id} ${t.category} (${t.status})`).join('، ')}` : 'التذاكر المفتوحة: لا يوجد',
    ].join('\n'),
  notMember: (name) => `${name} ليس عضواً في برنامج الولاء.`,
  pointsUsage: `الاستخدام: ${ltr('/points add|deduct <customer> <n> <reason>')}، مثل ${ltr('/points add 1234567897 500 goodwill')}. ضع الاسم الذي فيه مسافات بين "علامتي تنصيص".`,
  pointsBadNumber: 'عدد النقاط يجب أن يكون عدداً صحيحاً من 1 إلى 1,000,000.',
  pointsReasonRequired: `اذكر السبب: ${ltr('/points add|deduct <customer> <n> <reason>')}.`,
  pointsInsufficient: (name, balance, points) => `رصيد ${name} هو ${ltr(balance)} نقطة: لا يمكن خصم ${ltr(points)}.`,
  tierUsage: `الاستخدام: ${ltr('/tier set <customer> <tier> [reason]')}، مثل ${ltr('/tier set 1234567897 gold')}.`,
  tierUnknown: (tier, known) => `لا توجد فئة "${tier}". الفئات: ${ltr(known)}.`,
  tierAlready: (name, tier) => `الحد الأدنى لفئة ${name} هو ${tier} بالفعل.`,
  confirmQuestion: (s) => `${confirmLine(s)}\nأرسل ${ltr('/confirm')} خلال 10 دقائق للتنفيذ، أو ${ltr('/cancel')}.`,
  confirmNothing: 'لا يوجد ما ينتظر تأكيدك (تنتهي الطلبات بعد 10 دقائق).',
  pointsDone: (code, points, balance, added) => `تم: ${added ? 'أُضيفت' : 'خُصمت'} ${ltr(points)} نقطة ${added ? 'إلى' : 'من'} العضو ${ltr(code)}. الرصيد الجديد: ${ltr(balance)}.`,
  tierDone: (code, floor, tier) => `تم: الحد الأدنى لفئة العضو ${ltr(code)} هو ${floor}، وفئته الآن ${tier}.`,
  cancelled: 'أُلغي الطلب؛ لم يتغير شيء.',
  segment: {
    usage: `الاستخدام: ${ltr('/segment new NAME <expression>')} · ${ltr('/segment show NAME')} · ${ltr('/segment list')} · ${ltr('/segment export NAME')}`,
    newUsage: `الاستخدام: ${ltr('/segment new NAME <expression>')}، مثل ${ltr('/segment new lapsed-gold tier = gold and days_since_last_purchase > 60')}`,
    saved: (name, created, count) => `${created ? 'حُفظت' : 'حُدّثت'} الشريحة ${ltr(name)}: ${ltr(count)} عضواً حالياً.`,
    invalid: (message, caret) => `في هذا التعبير مشكلة: ${message}\n${ltr(caret)}`,
    badName: (message) => `لا يمكن استخدام هذا الاسم: ${message}.`,
    notFound: (name) => `لا توجد شريحة "${name}". الأمر ${ltr('/segment list')} يعرض شرائحك.`,
    list: (lines) => `الشرائح:\n${lines.map(ltr).join('\n')}`,
    listEmpty: `لا توجد شرائح بعد. احفظ واحدة بالأمر ${ltr('/segment new NAME <expression>')}.`,
    show: (x) =>
      [
        `الشريحة ${ltr(x.name)}: ${ltr(x.count)} عضواً`,
        `القاعدة: ${ltr(x.expression)}`,
        x.byTier.length ? `حسب الفئة: ${x.byTier.map((t) => `${t.tier} ${ltr(t.count)}`).join(' · ')}` : '',
        x.byStore.length ? `حسب الفرع: ${x.byStore.map((b) => `${b.store ?? 'بلا فرع بعد'} ${ltr(b.count)}`).join(' · ')}` : '',
        x.sample.length ? `عينة:\n${x.sample.map((m) => `  ${ltr(m.memberCode)} ${m.name} · ${m.tier} · ${ltr(m.points)} نقطة${m.lastPurchase ? ` · آخر شراء ${ltr(m.lastPurchase)}` : ''}${m.store ? ` · ${m.store}` : ''}`).join('\n')}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    exported: (name, rows) => `الشريحة ${ltr(name)}: ${ltr(rows)} عضواً في ملف CSV المرفق.`,
  },
  campaign: {
    usage: `الاستخدام: ${ltr('/campaign new NAME · variant ID A en|ar|zh TEXT · audience ID SEGMENT · channel ID CHANNEL · schedule ID <time|now> · holdout ID PERCENT · template ID NAME · show ID · list · test ID · submit ID · approve ID · send ID · pause ID · resume ID · cancel ID · stats ID')}`,
    status: { draft: 'مسودة', pending_approval: 'بانتظار الاعتماد', approved: 'معتمدة', scheduled: 'مجدولة', sending: 'قيد الإرسال', paused: 'متوقفة مؤقتاً', completed: 'مكتملة', cancelled: 'ملغاة' },
    subUsage: {
      new: `الاستخدام: ${ltr('/campaign new NAME')}`,
      variant: `الاستخدام: ${ltr('/campaign variant ID A en|ar|zh TEXT')} — المتغيرات: ${ltr('{first_name} {name} {points} {tier} {member_code}')}`,
      audience: `الاستخدام: ${ltr('/campaign audience ID SEGMENT')}`,
      channel: `الاستخدام: ${ltr('/campaign channel ID preferred|telegram|line|whatsapp|wechat|webchat')}`,
      schedule: `الاستخدام: ${ltr('/campaign schedule ID 2026-12-01 09:00')} (بتوقيت العلامة)، أو وقت ISO مع المنطقة الزمنية، أو ${ltr('now')}`,
      holdout: `الاستخدام: ${ltr('/campaign holdout ID PERCENT')} (0–50)`,
      template: `الاستخدام: ${ltr('/campaign template ID WHATSAPP_TEMPLATE_NAME')} (أو ${ltr('none')})`,
      id: `اذكر رقم الحملة، مثل ${ltr('/campaign show 12')}.`,
    },
    created: (id, name) => `أُنشئت الحملة #${id} "${name}" كمسودة. التالي: ${ltr(`/campaign variant ${id} A ar …`)}، ${ltr(`/campaign audience ${id} SEGMENT`)}.`,
    badName: (m) => `لا يمكن استخدام هذا الاسم: ${m}.`,
    notFound: (id) => `لا توجد حملة ${ltr(id)}.`,
    wrongStatus: (id, status) => `الحملة #${id} ${status}: لا يمكن تنفيذ ذلك الآن.`,
    updated: (id, what) => `الحملة #${id}: ${what}.`,
    what: {
      variant: (key, language) => `حُفظ النص ${key} (${language})`,
      audience: (segment) => `الجمهور هو الشريحة ${ltr(segment)}`,
      channel: (channel) => `القناة ${channel}`,
      schedule: (at) => (at ? `مجدولة في ${ltr(at)}` : 'تُرسل فور الأمر بالإرسال'),
      holdout: (percent) => `مجموعة الضبط ${percent}%`,
      template: (name) => `قالب واتساب ${ltr(name)}`,
    },
    badKey: 'اسم النص حرف واحد من A إلى Z.',
    badLanguage: (l) => `"${l}" ليست من لغات البوت: استخدم en أو ar أو zh.`,
    emptyText: 'نص الرسالة فارغ.',
    textTooLong: (max) => `الرسالة أطول من ${max} حرفاً.`,
    unknownVariable: (v, known) => `متغير غير معروف {${v}}. المتغيرات: ${ltr(known)}.`,
    badWeight: 'الوزن عدد صحيح من 1 إلى 100.',
    unknownSegment: (name) => `لا توجد شريحة "${name}". الأمر ${ltr('/segment list')} يعرض شرائحك.`,
    badExpression: (m) => `في تعبير الشريحة مشكلة: ${m}.`,
    badChannel: (ch, known) => `"${ch}" ليست قناة حملات. القنوات: ${ltr(known)}.`,
    badTime: `لا أستطيع قراءة هذا الوقت. اكتب ${ltr('2026-12-01 09:00')} (بتوقيت العلامة) أو وقت ISO مع المنطقة الزمنية أو ${ltr('now')}.`,
    inThePast: 'هذا الوقت في الماضي.',
    badPercent: 'مجموعة الضبط نسبة مئوية صحيحة من 0 إلى 50.',
    badTemplate: 'هذا ليس اسم قالب واتساب صالحاً (أحرف لاتينية صغيرة وأرقام و _).',
    show: (c) =>
      [
        `الحملة #${c.id} "${c.name}" · ${c.status}`,
        `الجمهور: ${c.audience ? ltr(c.audience) : 'غير محدد'} · القناة: ${c.channel} · مجموعة الضبط: ${ltr(c.holdout)}`,
        `الموعد: ${c.schedule ? ltr(c.schedule) : 'عند الإرسال'}${c.template ? ` · قالب واتساب: ${ltr(c.template)}` : ''}`,
        ...(c.pausedBecause ? [`متوقفة: أُلغيت صلاحية ${c.pausedBecause}؛ يمكن لمسؤول النظام استئنافها.`] : []),
        ...(c.variants.length ? c.variants.flatMap((v) => [`النص ${v.key} (الوزن ${v.weight}):`, ...v.texts.map((t) => `  ${t.language}: ${t.text}`)]) : ['لا توجد نصوص بعد.']),
      ].join('\n'),
    list: (lines) => `الحملات:\n${lines.join('\n')}`,
    listEmpty: `لا توجد حملات بعد. ابدأ واحدة بالأمر ${ltr('/campaign new NAME')}.`,
    noPusher: 'تُرسل رسائل الاختبار إلى محادثتك الخاصة مع البوت على تيليجرام أو لاين؛ اكتب الأمر هناك في دردشة الفريق.',
    noVariants: `ليس للحملة رسالة بعد: ${ltr('/campaign variant ID A ar TEXT')}.`,
    testSent: (lines) => `أُرسل الاختبار إلى محادثتك الخاصة:\n${lines.join('\n')}`,
    testResult: (variant, language, result, code) =>
      `  ${variant} (${language}): ${result === 'sent' ? 'أُرسل' : result === 'window_closed' ? 'لم يُرسل — المنصة لا تسمح برسالة الآن' : `فشل (${code ?? 'غير معروف'})؛ ابدأ محادثة خاصة مع البوت أولاً`}`,
    requested: (id, audience, eligible) => `الحملة #${id} بانتظار الاعتماد: ${ltr(audience)} عضواً في الجمهور، ${ltr(eligible)} منهم يمكنهم استلامها الآن. يعتمدها مسؤول أو مدير تسويق غيرك بالأمر ${ltr(`/campaign approve ${id}`)}.`,
    incomplete: (missing) => `غير جاهزة للاعتماد؛ ينقصها: ${ltr(missing)}.`,
    noEligible: (audience) => `لا أحد يمكنه استلامها: من بين ${ltr(audience)} عضواً في الجمهور لا يوجد من لديه موافقة تسويقية على قناة متاحة.`,
    approvalRequest: (id, name, by, eligible) => `📣 يطلب ${by} اعتماد الحملة #${id} "${name}" (${ltr(eligible)} مستلماً). ${ltr(`/campaign show ${id} · /campaign approve ${id}`)}`,
    approved: (id) => `اعتُمدت الحملة #${id}. أرسلها بالأمر ${ltr(`/campaign send ${id}`)}.`,
    selfApproval: 'أنت من أنشأ هذه الحملة: يجب أن يعتمدها شخص آخر.',
    started: (id) => `الحملة #${id} قيد الإرسال؛ سيُنشر التقدم هنا. ${ltr(`/campaign stats ${id}`)} للأرقام.`,
    scheduled: (id, at) => `ستُرسل الحملة #${id} في ${ltr(at)}.`,
    paused: (id) => `أُوقفت الحملة #${id} مؤقتاً. ${ltr(`/campaign resume ${id}`)} لاستئنافها.`,
    resumed: (id) => `استُؤنفت الحملة #${id}.`,
    cancelled: (id) => `أُلغيت الحملة #${id}؛ لن يُرسل شيء آخر.`,
    adminRequired: 'وحده مسؤول النظام يستطيع استئناف حملة أُوقفت بسبب إلغاء صلاحية أحد الأشخاص.',
    stats: (x) =>
      [
        `الحملة #${x.id} · ${x.status} · ${ltr(x.total)} مستلماً`,
        ...x.variants.map(
          (v) =>
            `${v.key}: أُرسل ${ltr(`${v.sent}/${v.recipients}`)} · وصل ${ltr(v.delivered)} · قُرئ ${ltr(v.read)} · نقرات ${ltr(v.clicked)} · تحويلات ${ltr(v.converted)} (${ltr(v.conversion)}) · الإيراد ${ltr(v.revenue)}${v.incremental ? ` · الإيراد الإضافي ${ltr(v.incremental)}` : ''}${v.pValue ? ` · ${ltr(`p=${v.pValue}`)}` : ''}`,
        ),
        `قيد الانتظار ${ltr(x.pending)} · مؤجلة (ساعات الهدوء) ${ltr(x.held)} · فشلت ${ltr(x.failed)}`,
        ...(x.skipped.length ? [`تم تخطيها: ${x.skipped.map((k) => `${k.reason} ${ltr(k.count)}`).join('، ')}`] : []),
        ...(x.incremental ? [`الإيراد الإضافي مقارنة بمجموعة الضبط: ${ltr(x.incremental)}${x.pValue ? ` (${ltr(`p=${x.pValue}`)})` : ''}`] : []),
      ].join('\n'),
  },
  stats: {
    usage: `الاستخدام: ${ltr('/stats [today|7d|30d|month|2026-10|ytd] [store]')}`,
    badPeriod: (t) => `"${t}" ليست فترة: استخدم ${ltr('today, 7d, 30d, month, ytd')} أو شهراً مثل ${ltr('2026-10')}.`,
    unknownStore: (t) => `لا يوجد فرع "${t}" بين فروعك.`,
    periodName: (key, month) => ({ today: 'اليوم', '7d': 'آخر 7 أيام', '30d': 'آخر 30 يوماً', month: 'هذا الشهر', ytd: 'منذ بداية السنة', month_of: month ?? '' })[key],
    report: (x) =>
      [
        `📊 ${ltr(x.period)}${x.scope ? ` · ${x.scope}` : ''}`,
        `الأعضاء: ${ltr(x.members)} · جدد ${ltr(x.newMembers)} · نشطون ${ltr(x.activeMembers)}`,
        `النقاط الممنوحة ${ltr(x.pointsIssued)} · المستبدلة ${ltr(x.pointsRedeemed)} · نسبة الاستبدال ${ltr(x.redemptionRate ?? '—')}`,
        `النقاط القائمة (الالتزام): ${ltr(x.outstanding)}`,
        `NPS: ${ltr(x.nps ?? '—')} (${ltr(x.npsResponses)} إجابة)`,
        `التذاكر المفتوحة: ${ltr(x.openTickets)} · تجاوزات مستوى الخدمة: ${ltr(x.slaBreaches)}`,
        `المبيعات: ${ltr(x.transactions)} عملية · ${ltr(x.revenue)}`,
      ].join('\n'),
  },
};
