import { formatDate, formatPoints, type Catalog, type MovementText, type RewardLine, type RewardNote, type TicketStatusLine } from './catalog.js';

// Codes are Latin letters and digits: marked left-to-right so their dashes never reorder inside Arabic text.
const ltr = (code: string) => `\u200e${code}\u200e`;

const TICKET_STATUS: Record<TicketStatusLine['status'], string> = { open: 'مفتوحة', pending_customer: 'بانتظار ردك', resolved: 'تم حلها', closed: 'مغلقة' };

/** Arabic (Modern Standard, friendly register understood across the Gulf and the Levant). */
export const ar: Catalog = {
  languageName: 'العربية',
  greeting: (name) => `أهلاً${name ? ` ${name}` : ''}! 👋 أنا مساعد نادي الولاء. أستطيع تسجيلك في البرنامج وعرض نقاطك والمزيد.`,
  menuPrompt: 'كيف أقدر أساعدك؟',
  skipWords: ['تخطي', 'تخطى', 'لاحقا', 'لاحقاً', 'بعدين', 'تجاوز'],
  buttons: {
    join: 'انضم إلى النادي',
    balance: 'نقاطي',
    language: 'اللغة',
    help: 'مساعدة',
    yes: 'نعم',
    no: 'لا',
    accept: 'أوافق',
    decline: 'لا، شكراً',
    skip: 'تخطي',
    cancel: 'إلغاء',
    shareContact: '📱 مشاركة رقمي',
    optIn: 'نعم، أرسلوا لي العروض',
    optOut: 'بدون عروض',
    rewards: 'المكافآت',
    vouchers: 'قسائمي',
    giftCard: 'رصيد بطاقة الهدية',
    redeemYes: 'نعم، استبدل',
    redeemNo: 'ليس الآن',
    history: 'سجل النقاط',
    human: 'التحدث مع موظف',
  },
  help:
    'هذا ما أستطيع فعله:\n• التسجيل في نادي الولاء — قل "اشتراك"\n• عرض نقاطك وفئتك والنقاط التي ستنتهي — قل "رصيدي"\n• عرض المكافآت التي تستطيع الحصول عليها بنقاطك واستبدالها — قل "المكافآت"\n• عرض قسائمك ورموز QR الخاصة بها — قل "قسائمي"\n• معرفة رصيد بطاقة الهدية — قل "رصيد بطاقة الهدية"\n• سجل نقاطك، فئات العضوية ومزاياها، دعوة صديق، فروعنا ومواعيد العمل\n• أسئلة عن منتجاتنا وسياساتنا — اسأل فقط\n• حدثت مشكلة؟ قل "شكوى" وسأفتح لك تذكرة؛ و"تذكرتي" تعرض حالتها\n• التحدث مع موظف — قل "موظف"\n• تغيير اللغة — قل "اللغة"\nيمكنك كتابة "إلغاء" في أي وقت لإيقاف ما نقوم به.',
  fromKnowledge: (answer, source) => `${answer}\n\n— من «${source}»`,
  notInKnowledge: 'لم أجد إجابة لذلك في معلوماتنا. هل تريد أن تسأل أحد موظفينا؟',
  fallback: 'عذراً، لم أفهم ذلك تماماً. هذا ما أستطيع مساعدتك فيه:',
  fallbackOfferHuman: 'عذراً، ما زلت لم أفهم. هل تريد التحدث مع أحد موظفينا؟',
  tooLong: 'رسالتك طويلة جداً. هل يمكنك كتابتها في جملة أو جملتين؟',
  media: 'شكراً! لا أستطيع قراءة الصور أو الملصقات أو الرسائل الصوتية بعد — هل يمكنك كتابة سؤالك؟',
  emojiOnly: '😊 كيف أقدر أساعدك اليوم؟',
  somethingWentWrong: 'عذراً، حدث خطأ من جهتي. حاول مرة أخرى بعد قليل.',
  thanks: 'العفو! هل هناك شيء آخر أستطيع مساعدتك فيه؟',
  goodbye: 'مع السلامة، نراك قريباً! 👋',
  chooseLanguage: 'اختر لغتك من فضلك:',
  languageSet: 'تمام، سأتحدث معك بالعربية من الآن.',
  enroll: {
    intro: 'رائع، لنسجلك في نادي الولاء! لن يستغرق الأمر أكثر من دقيقة.',
    askName: 'ما اسمك الكامل؟',
    invalidName: 'من فضلك اكتب اسمك بالحروف (حتى 80 حرفاً).',
    askBirthday: 'ما تاريخ ميلادك؟ مثلاً 1990-03-12 أو 12/03/1990.',
    birthdayError: (reason) =>
      ({
        unrecognized: 'لم أستطع قراءة هذا التاريخ. اكتبه هكذا: 1990-03-12 أو 12/03/1990.',
        impossible: 'هذا التاريخ غير موجود. تأكد من اليوم والشهر.',
        future: 'هذا التاريخ في المستقبل. أدخل تاريخ ميلادك من فضلك.',
        too_old: 'يبدو هذا التاريخ قديماً جداً. تأكد من السنة.',
        too_young: 'عذراً، يجب أن يكون عمرك 13 سنة على الأقل للانضمام.',
      })[reason],
    askPhone: 'ما رقم جوالك (مع رمز الدولة)؟ يمكنك الضغط على الزر لمشاركته، أو كتابته، أو التخطي.',
    invalidPhone: 'هذا لا يبدو رقم جوال صحيحاً. أضف رمز الدولة، مثلاً ‎+971 50 123 4567‎، أو اضغط تخطي.',
    phoneFromContact: (phone) => `شكراً، سجلت رقمك ‎${phone}‎.`,
    askTerms: (version) =>
      `هل توافق على شروط نادي الولاء (الإصدار ${version})؟ باختصار: تكسب نقاطاً على مشترياتك، وتنتهي صلاحية النقاط بعد 12 شهراً من كسبها، ونحتفظ ببياناتك لتشغيل البرنامج.`,
    termsDeclined: 'لا مشكلة. يجب الموافقة على الشروط للانضمام، لذلك توقفت هنا. يمكنك الانضمام في أي وقت بكتابة "اشتراك".',
    askMarketing: 'هل تود استلام العروض والأخبار منا في هذه المحادثة؟ هذا اختياري، ويمكنك الإيقاف في أي وقت بإرسال "إيقاف".',
    answerYesNo: 'من فضلك أجب بالأزرار، أو قل نعم أو لا.',
    earlierPurchases: (purchases, points) => `وجدنا ${purchases} عملية شراء سابقة برقمك: أضفنا ${formatPoints(points, 'ar')} نقطة.`,
    welcome: (name, code, tier) => `أهلاً بك في النادي يا ${name}! 🎉 رقم عضويتك ${code}. تبدأ بالفئة ${tier} ورصيدك 0 نقطة.`,
    marketingConfirmed: (optedIn) =>
      optedIn ? 'ستصلك عروضنا هنا. أرسل "إيقاف" في أي وقت لإلغاء الاشتراك.' : 'لن نرسل لك عروضاً. يمكنك تغيير ذلك في أي وقت.',
    alreadyMember: (code) => `أنت عضو بالفعل (رقم العضوية ${code}). هذا رصيدك:`,
    cancelled: 'تمام، ألغيت التسجيل. لم يتم حفظ أي شيء.',
    resume: 'والآن، لنكمل تسجيلك:',
  },
  nothingToCancel: 'لا يوجد شيء لإلغائه.',
  balance: (b) => {
    const lines = [`رصيدك ${formatPoints(b.points, 'ar')} نقطة.`, `الفئة: ${b.tierName}.`];
    if (b.pendingPoints > 0) lines.push(`+ ${formatPoints(b.pendingPoints, 'ar')} نقطة معلّقة حتى تنتهي فترة الإرجاع لمشترياتك الأخيرة.`);
    if (b.next) lines.push(`تحتاج ${formatPoints(b.next.pointsNeeded, 'ar')} نقطة إضافية للوصول إلى الفئة ${b.next.tierName}.`);
    else lines.push('أنت في أعلى فئة لدينا. شكراً لك!');
    if (b.expiring) lines.push(`⏳ ستنتهي صلاحية ${formatPoints(b.expiring.points, 'ar')} نقطة في ${formatDate(b.expiring.date, 'ar')}.`);
    lines.push(`رقم العضوية: ${b.memberCode}`);
    return lines.join('\n');
  },
  notMember: 'أنت لست عضواً بعد. هل تود الانضمام؟ لن يستغرق الأمر أكثر من دقيقة.',
  rewards: {
    membersOnly: 'المكافآت لأعضاء النادي. هل تود الانضمام؟ لن يستغرق الأمر أكثر من دقيقة.',
    list: (points, lines, canRedeem) =>
      [
        `رصيدك ${formatPoints(points, 'ar')} نقطة. هذه المكافآت المتاحة لك:`,
        ...lines.map(rewardLine),
        canRedeem ? 'اضغط على المكافأة لاستبدالها.' : 'واصل جمع النقاط، أنت قريب!',
      ].join('\n'),
    empty: 'لا توجد مكافآت للاستبدال حالياً. تابعنا قريباً!',
    button: (name, cost) => `${name} · ${formatPoints(cost, 'ar')}`,
    unavailable: (note) => unavailable(note),
    confirm: (name, cost, left) => `هل تريد استبدال «${name}» مقابل ${formatPoints(cost, 'ar')} نقطة؟ سيتبقى لك ${formatPoints(left, 'ar')} نقطة.`,
    declined: 'تمام، لم أستبدل شيئاً. نقاطك كما هي.',
    confirmExpired: 'مرّ وقت على ذلك، لذلك لم أستبدل شيئاً. اختر المكافأة مرة أخرى من فضلك:',
    resume: 'والآن، بخصوص المكافأة:',
    issued: (v) =>
      [
        `تم! 🎉 هذه قسيمتك لـ«${v.name}»:`,
        ltr(v.code),
        `صالحة حتى ${formatDate(v.expiresAt, 'ar')}. أظهر الرمز أو رمز QR عند الدفع.`,
        `رصيدك الآن ${formatPoints(v.balance, 'ar')} نقطة.`,
      ].join('\n'),
    qrAlt: (code) => `رمز QR للقسيمة ${ltr(code)}`,
  },
  vouchers: {
    list: (items) =>
      ['قسائمك:', ...items.map((v) => `• ${v.name} — ${ltr(v.code)} (صالحة حتى ${formatDate(v.expiresAt, 'ar')})`), 'اضغط على قسيمة لعرض رمز QR الخاص بها.'].join('\n'),
    empty: 'ليس لديك قسائم بعد. قل "المكافآت" لترى ما تستطيع الحصول عليه بنقاطك.',
    qrButton: (code) => `QR · ${code}`,
    show: (v) => `${v.name}\n${ltr(v.code)}\nصالحة حتى ${formatDate(v.expiresAt, 'ar')}. أظهرها عند الدفع.`,
    notUsable: (status) =>
      ({ redeemed: 'هذه القسيمة استُخدمت من قبل.', expired: 'انتهت صلاحية هذه القسيمة.', cancelled: 'أُلغيت هذه القسيمة.' })[status],
    notFound: 'لم أجد هذه القسيمة.',
  },
  giftCard: {
    askCode: `اكتب رمز بطاقة الهدية من فضلك (16 حرفاً ورقماً، مثل ${ltr('ABCD-EFGH-JKMN-PQRS')}).`,
    invalidCode: `هذا لا يبدو رمز بطاقة هدية. الرمز من 16 حرفاً ورقماً، مثل ${ltr('ABCD-EFGH-JKMN-PQRS')}.`,
    balance: (g) =>
      `بطاقة الهدية المنتهية بـ ${ltr(g.last4)}: الرصيد المتبقي ${g.amount}.${g.expiresAt ? ` صالحة حتى ${formatDate(g.expiresAt, 'ar')}.` : ''}`,
    notFound: 'لم أجد بطاقة هدية بهذا الرمز. تأكد منه وحاول مرة أخرى.',
    expired: 'انتهت صلاحية بطاقة الهدية هذه.',
    blocked: 'بطاقة الهدية هذه موقوفة. من فضلك راجع أي فرع من فروعنا.',
    rateLimited: 'تمت تجربة رموز كثيرة. لحمايتك، حاول مرة أخرى بعد ساعة أو راجع أي فرع من فروعنا.',
    cancelled: 'تمام، لا مشكلة.',
    resume: 'والآن، لنكمل بطاقة الهدية:',
    afterSignUp: 'لنكمل تسجيلك أولاً، ثم اسألني عن بطاقة الهدية.',
  },
  history: {
    list: (items, balance, held) =>
      [
        ...(items.length > 0 ? ['آخر حركات نقاطك:', ...items.map(movementLine)] : []),
        `رصيدك الآن: ${formatPoints(balance, 'ar')} نقطة.`,
        ...(held.length > 0 ? ['نقاط معلّقة حتى انتهاء فترة الإرجاع:', ...held.map((h) => `⏳ ${formatDate(h.at, 'ar')} شراء: +${formatPoints(h.points, 'ar')} (اعتباراً من ${formatDate(h.releaseAt, 'ar')})`)] : []),
      ].join('\n'),
    empty: 'لا توجد حركات نقاط بعد. تكسب النقاط مع كل عملية شراء عندما تعطي رقم عضويتك أو رقم هاتفك عند الدفع.',
  },
  tiers: {
    overview: (lines, rolling) =>
      [
        'فئات العضوية لدينا:',
        ...lines.map(
          (l) =>
            `• ${l.name} — من ${formatPoints(l.minPoints, 'ar')} نقطة${l.bonusPercent > 0 ? `، و‎+${l.bonusPercent}%‎ نقاط إضافية على كل عملية شراء` : ''}${l.current ? ' ← فئتك الحالية' : ''}`,
        ),
        rolling ? 'تُحدَّد فئتك حسب النقاط التي كسبتها في آخر 12 شهراً.' : 'تُحدَّد فئتك حسب كل النقاط التي كسبتها منذ انضمامك.',
      ].join('\n'),
  },
  referral: {
    invite: (code, referrerPoints, refereePoints) =>
      `ادعُ أصدقاءك! 🎁 اطلب منهم إرسال «اشتراك ${ltr(code)}» لنا في هذه المحادثة. عند أول عملية شراء لهم تحصل على ${formatPoints(referrerPoints, 'ar')} نقطة ويحصلون على ${formatPoints(refereePoints, 'ar')} نقطة.`,
    membersOnly: (refereePoints) =>
      `دعوة الأصدقاء متاحة للأعضاء. إذا أعطاك صديق رقم عضويته، اكتب «اشتراك» متبوعاً بالرقم، وستحصل على ${formatPoints(refereePoints, 'ar')} نقطة إضافية عند أول عملية شراء.`,
    applied: '🎁 سجّلنا دعوة صديقك: ستحصلان كلاكما على نقاط إضافية عند أول عملية شراء لك.',
  },
  stores: {
    hoursWords: /ساع|دوام|تفتح|يفتح|فاتح|تسكر|تقفل|تغلق|مسكر|متى|الوقت|وقت/,
    searchHint: 'ساعات العمل المتاجر',
    list: (items) => ['فروعنا:', ...items.map((s) => `• ${s.name} — ${s.city}`)].join('\n'),
    none: 'ليست لدي قائمة الفروع بعد. يرجى زيارة موقعنا أو التحدث مع أحد موظفينا.',
  },
  handoff: {
    assigned: 'حسناً، طلبت من أحد موظفينا الانضمام إلى هذه المحادثة. سيرد عليك هنا قريباً.',
    queued: (n) => `حسناً، طلبت من أحد موظفينا الانضمام إلى هذه المحادثة. ترتيبك في قائمة الانتظار رقم ${n}، وسيرد عليك هنا في أقرب وقت.`,
    noneFree: (n, h) =>
      `حسناً، أبلغت فريقنا. لا يوجد موظف متاح في هذه اللحظة (يرد الفريق من ${h.open} إلى ${h.close}، ${h.zone})؛ ترتيبك في قائمة الانتظار رقم ${n} وسيرد عليك أحد الموظفين هنا فور توفره.`,
    offHours: (h) =>
      `حسناً، أحلت طلبك إلى فريقنا. يرد الفريق في هذه المحادثة من ${h.open} إلى ${h.close} (${h.zone})، لذلك سيرد عليك أحد الموظفين ${h.next.day === 'today' ? `اليوم ابتداءً من ${h.next.time}` : h.next.day === 'tomorrow' ? `غداً ابتداءً من ${h.next.time}` : `يوم ${h.next.weekday} ابتداءً من ${h.next.time}`}. لا حاجة لأن تكتب مرة أخرى.`,
    alreadyQueued: (n) =>
      n === null ? 'أحد موظفينا يتابع محادثتك بالفعل؛ سيرد عليك هنا قريباً.' : `أنت في قائمة الانتظار بالفعل (رقم ${n})؛ سيرد عليك أحد الموظفين هنا في أقرب وقت.`,
    misunderstood: 'عذراً لأنني لم أستطع مساعدتك. سأحوّلك إلى أحد موظفينا.',
    upset: 'نأسف لذلك. 🙏 سأحوّلك إلى أحد موظفينا.',
  },
  tickets: {
    intro: 'نأسف لسماع ذلك. 🙏 سأفتح لك تذكرة حتى يتابعها فريقنا.',
    askCategory: 'بخصوص ماذا؟',
    category: { points: 'النقاط', voucher: 'قسيمة أو مكافأة', product: 'منتج', service: 'الخدمة في الفرع', delivery: 'التوصيل', other: 'أمر آخر' },
    pickCategory: 'من فضلك اختر أحد الأزرار.',
    askReference: 'في أي فرع حدث ذلك، أو ما رقم الطلب أو الإيصال؟ اضغط «تخطي» إذا لم يكن لديك.',
    askDescription: 'من فضلك صف ما حدث في بضع كلمات.',
    invalidDescription: 'هل يمكنك أن تخبرني بتفاصيل أكثر قليلاً (جملة أو جملتين)؟',
    cancelled: 'حسناً، لم أفتح أي تذكرة.',
    resume: 'والآن، نعود إلى تذكرتك:',
    afterSignUp: 'لننهِ تسجيلك أولاً؛ بعدها أخبرني بما حدث وسأفتح لك تذكرة.',
    created: ({ id, dueBy, store }) =>
      `شكراً لك. رقم تذكرتك ${ltr(`#${id}`)}${store ? ` (${store})` : ''}. سيرد عليك فريقنا في هذه المحادثة قبل ${dueBy}. اسألني «حالة تذكرتي» في أي وقت.`,
    createdFromMessage: (id) => `سجّلت ما كتبته في التذكرة رقم ${ltr(`#${id}`)}.`,
    status: (items) => ['تذاكرك:', ...items.map((t) => `• ${ltr(`#${t.id}`)} ${t.category} — ${TICKET_STATUS[t.status]} (فُتحت في ${formatDate(t.createdAt, 'ar')})`)].join('\n'),
    none: 'ليست لديك تذاكر مفتوحة. إذا حدثت مشكلة، أخبرني وسأفتح لك تذكرة.',
    notFound: (id) => `لم أجد التذكرة رقم ${ltr(`#${id}`)} ضمن تذاكرك.`,
  },
  csat: {
    question: 'كيف تقيّم المساعدة التي حصلت عليها من فريقنا؟ اختر من 1 (ضعيفة) إلى 5 (ممتازة).',
    askComment: 'شكراً لك! هل تريد إضافة أي ملاحظة؟ اكتبها هنا، أو اضغط «تخطي».',
    thanks: 'شكراً على ملاحظاتك! 🙏',
    invalid: 'من فضلك أجب برقم من 1 إلى 5.',
    alreadyNoted: 'شكراً لك، تقييمك مسجّل بالفعل. 🙏',
  },
  nps: {
    question: 'ما مدى احتمال أن توصي بنا لصديق؟ اختر رقماً من 0 (غير محتمل إطلاقاً) إلى 10 (محتمل جداً).',
    invalid: 'من فضلك أجب برقم صحيح من 0 إلى 10.',
    askReason: 'شكراً لك! ما السبب الرئيسي لتقييمك؟ اكتبه هنا، أو اضغط «تخطي».',
    detractor: (id) => `شكراً لإخبارنا، ونأسف لأننا خيّبنا ظنك. 🙏 سيتابع فريقنا الأمر (التذكرة رقم ${ltr(`#${id}`)}) ويعود إليك في هذه المحادثة.`,
    passive: 'شكراً على ملاحظاتك! 🙏',
    promoter: (url) => (url ? `شكراً لك، هذا يعني لنا الكثير! 🎉 هل تشاركنا رأيك في تقييم؟ ${ltr(url)}` : 'شكراً لك، هذا يعني لنا الكثير! 🎉'),
    late: 'شكراً لك! انتهت مدة هذا الاستبيان فلم نسجّل إجابتك، لكننا نقدّرها. 🙏',
    alreadyNoted: 'شكراً لك، إجابتك مسجّلة بالفعل. 🙏',
  },
  link: {
    codeByWhatsApp: (code, minutes) => `رمزك لربط تطبيق محادثة آخر بحساب نادي الولاء: ${ltr(code)} (صالح ${minutes} دقائق). أرسل «ربط ${ltr(code)}» في ذلك التطبيق. إذا لم تطلبه، تجاهل هذه الرسالة.`,
    codeSentIfKnown: 'إذا كان هذا الرقم لعضو نستطيع مراسلته على واتساب، فسيصله رمز. أرسل «ربط» والرمز هنا.',
    badPhone: 'هذا لا يبدو رقم هاتف. اكتبه مع رمز الدولة، مثل: ربط ‎+971 50 123 4567‎',
    code: (code, minutes) => `رمز الربط الخاص بك هو ${ltr(code)}. في التطبيق الآخر الذي تراسلنا منه، أرسل: ربط ${ltr(code)}\nيعمل مرة واحدة، لمدة ${minutes} دقائق.`,
    linked: 'تم الربط! هذه المحادثة تشارك الآن عضويتك ونقاطك وقسائمك.',
    invalid: 'هذا الرمز لا يعمل: ربما انتهت صلاحيته أو استُخدم. أرسل «ربط» في التطبيق الذي أنت عضو فيه للحصول على رمز جديد.',
    already: 'هذه المحادثة مرتبطة بهذا الحساب مسبقاً.',
    conflict: 'لم أتمكن من ربط الحسابين تلقائياً لأن لكل منهما رقم هاتف موثّقاً مختلفاً. سيتحقق فريقنا ويعود إليك.',
    rateLimited: 'تمت تجربة رموز كثيرة. لحمايتك، حاول مرة أخرى بعد ساعة.',
  },
  npsThanks: (score) => (score === null ? 'شكراً على ملاحظاتك! 🙏' : `شكراً على تقييمك ${score}! 🙏`),
  unsubscribe: {
    confirm: 'هل تريد إيقاف استلام العروض والأخبار منا في هذه المحادثة؟',
    kept: 'حسناً، لم يتغير شيء.',
    resubscribed: 'تم: ستصلك عروضنا وأخبارنا في هذه المحادثة مجدداً. أرسل STOP في أي وقت لإيقافها.',
    done: 'تم: لن تصلك عروض أو أخبار منا في هذه المحادثة بعد الآن. وسنظل نرد عليك عندما تراسلنا. أرسل START لاستلامها مجدداً.',
    notSubscribed: 'أنت غير مشترك في العروض في هذه المحادثة، لذلك لن تصلك أي عروض.',
  },
  privacy: {
    confirmExport: 'هل تريد أن تطلب نسخة من كل بياناتك الشخصية المحفوظة لدينا؟',
    confirmDelete: 'هل تريد أن تطلب حذف كل بياناتك الشخصية؟ ستفقد عضويتك ونقاطك وقسائمك.',
    notRequested: 'حسناً، لم أقدّم أي طلب.',
    resume: 'والآن، بخصوص طلب بياناتك:',
    exportRequested: 'سجّلنا طلبك للحصول على نسخة من بياناتك الشخصية. سيرسلها لك فريق الخصوصية خلال 30 يوماً بعد التحقق من هويتك.',
    deleteRequested: 'سجّلنا طلبك لحذف بياناتك الشخصية. سيتواصل معك فريق الخصوصية للتأكيد ويُتم الحذف خلال 30 يوماً. تُفقد النقاط والقسائم عند حذف الحساب.',
  },
};

function movementLine(m: MovementText): string {
  const label = { earn: 'شراء', redeem: 'استبدال مكافأة', adjust: 'تعديل', expire: 'انتهاء صلاحية', reverse: 'استرجاع', transfer_in: 'تحويل وارد', transfer_out: 'تحويل صادر', bonus: 'مكافأة إضافية' }[m.kind];
  return `• ${formatDate(m.at, 'ar')} ${label}: ${m.points > 0 ? '+' : ''}${formatPoints(m.points, 'ar')}`;
}

function rewardLine(l: RewardLine): string {
  const note = l.note ? ` (${noteText(l.note)})` : l.left !== null ? ` (باقي ${formatPoints(l.left, 'ar')} فقط)` : '';
  return `• ${l.name} — ${formatPoints(l.cost, 'ar')} نقطة${note}`;
}

function noteText(note: RewardNote): string {
  switch (note.kind) {
    case 'points':
      return `تحتاج ${formatPoints(note.missing, 'ar')} نقطة إضافية`;
    case 'tier':
      return `لأعضاء الفئة ${note.tierName} وما فوق`;
    case 'stock':
      return 'نفدت الكمية';
    case 'limit':
      return 'استبدلتها من قبل';
    case 'unavailable':
      return 'غير متاحة';
  }
}

function unavailable(note: RewardNote): string {
  switch (note.kind) {
    case 'points':
      return `تحتاج ${formatPoints(note.missing, 'ar')} نقطة إضافية لهذه المكافأة. واصل جمع النقاط!`;
    case 'tier':
      return `هذه المكافأة لأعضاء الفئة ${note.tierName} وما فوق.`;
    case 'stock':
      return 'عذراً، نفدت كمية هذه المكافأة.';
    case 'limit':
      return 'استبدلت هذه المكافأة بالعدد المسموح به.';
    case 'unavailable':
      return 'هذه المكافأة لم تعد متاحة.';
  }
}
