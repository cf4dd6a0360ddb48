// Word lists for the offline sentiment scorer (nlu/sentiment.ts). Valences run from -3 (very negative) to +3 (very
// positive), the scale VADER uses, so the weights of the three languages are comparable. Keys are written the way
// customers type; the scorer passes them through normalizeText, so Arabic hamza/teh-marbuta forms and Simplified
// Chinese characters need not be listed twice. Domain words of retail service (queue, rude, refund, staff) are
// included because that is what survey reasons talk about.

/** Words and phrases with a sentiment of their own. */
export const VALENCE: Readonly<Record<string, number>> = {
  // ---- English ----
  good: 1.9, great: 3.1, excellent: 3.2, amazing: 2.8, awesome: 3.1, fantastic: 2.6, wonderful: 2.7, perfect: 2.7,
  nice: 1.8, love: 3.2, loved: 2.9, lovely: 2.8, like: 1.5, liked: 1.8, happy: 2.7, pleased: 2.2, satisfied: 1.8,
  friendly: 2.2, helpful: 1.9, kind: 2.0, polite: 1.8, fast: 1.2, quick: 1.2, quickly: 1.2, clean: 1.5, easy: 1.7,
  best: 3.2, better: 1.9, recommend: 1.8, recommended: 1.8, thanks: 1.9, thank: 1.5, enjoyed: 2.3, enjoy: 2.2,
  beautiful: 2.9, brilliant: 2.8, superb: 3.0, outstanding: 3.0, impressive: 2.3, smooth: 1.5, professional: 1.6,
  fine: 0.8, ok: 0.5, okay: 0.5, decent: 1.2, reasonable: 1.1, fair: 1.1, convenient: 1.6, welcoming: 2.1,
  attentive: 1.9, efficient: 1.8, fresh: 1.3, quality: 0.8, worth: 1.5, glad: 2.0, cool: 1.3, delicious: 2.7,
  bad: -2.5, terrible: -3.0, awful: -3.0, horrible: -3.0, poor: -2.1, worst: -3.1, worse: -2.1, hate: -2.7,
  hated: -2.7, rude: -2.4, slow: -1.5, dirty: -2.0, disappointed: -2.3, disappointing: -2.3, disappointment: -2.3,
  unhappy: -2.2, angry: -2.3, annoyed: -1.9, annoying: -2.0, frustrated: -2.1, frustrating: -2.1, useless: -2.4,
  broken: -1.8, damaged: -1.9, wrong: -1.8, problem: -1.6, problems: -1.6, issue: -1.2, issues: -1.2,
  complaint: -1.8, complain: -1.8, expensive: -1.3, overpriced: -1.9, unfriendly: -2.1, unprofessional: -2.2,
  ignored: -2.1, ignore: -1.6, waited: -1.2, waiting: -1.0, wait: -0.8, late: -1.3, never: -0.8, mess: -1.8,
  messy: -1.8, crowded: -1.2, careless: -1.9, incompetent: -2.5, horrendous: -3.0, pathetic: -2.6,
  unacceptable: -2.6, scam: -2.8, refund: -0.9, cold: -0.8, lost: -1.3, fail: -2.0, failed: -2.0, sucks: -2.5,
  sad: -2.1, upset: -2.0, confusing: -1.5, cancelled: -1.2, lack: -1.2, shame: -2.0, nothing: -0.6,
  // English phrases (matched before single words).
  'thank you': 2.0, 'not bad': 1.2, 'no problem': 1.0, 'no problems': 1.0, 'no issues': 1.0, 'waste of time': -2.5,
  'waste of money': -2.6, 'too long': -1.8, 'took forever': -2.3, 'never again': -2.6, 'five stars': 2.6,
  'well done': 2.3, 'on time': 1.2, 'ripped off': -2.7, 'fell apart': -2.2,

  // ---- Arabic (MSA, Gulf, Levantine) ----
  جيد: 1.9, جيده: 1.9, ممتاز: 3.0, ممتازه: 3.0, رائع: 3.0, رائعه: 3.0, جميل: 2.5, جميله: 2.5, حلو: 2.2, حلوه: 2.2,
  زين: 1.9, زينه: 1.9, كويس: 1.9, كويسه: 1.9, منيح: 1.9, منيحه: 1.9, مليح: 1.8, تمام: 1.6, ماشي: 0.3,
  احسن: 2.2, افضل: 2.2, الافضل: 2.8, احلى: 2.6, شكرا: 1.9, مشكور: 1.9, مشكورين: 1.9, يعطيك: 1.0, العافيه: 1.0,
  سعيد: 2.5, سعيده: 2.5, مبسوط: 2.5, مبسوطه: 2.5, مرتاح: 1.8, راضي: 1.8, راضيه: 1.8, لطيف: 2.0, لطيفه: 2.0,
  محترم: 2.0, محترمين: 2.0, سريع: 1.4, سريعه: 1.4, نظيف: 1.6, نظيفه: 1.6, انصح: 1.8, انصحكم: 1.8, احب: 2.5,
  حبيت: 2.5, عجبني: 2.3, عجبتني: 2.3, يجنن: 2.8, خرافي: 2.8, روعه: 3.0, فخم: 2.4, مميز: 2.3, مميزه: 2.3,
  متعاون: 2.0, متعاونين: 2.0, ودود: 2.0, بشوش: 2.1, مرتب: 1.5, سهل: 1.5, يستاهل: 1.8, شاطر: 1.9, ابدعتو: 2.8,
  تسلم: 1.8, تسلمو: 1.8, تحفه: 2.7, خيال: 2.5, ممتن: 2.3, رهيب: 2.5, اسطوري: 2.8,
  سيء: -2.5, سيئ: -2.5, سيئه: -2.5, سئ: -2.5, سيىء: -2.5, الاسوا: -3.0, اسوا: -3.0, زفت: -2.8, خايس: -2.6,
  خايسه: -2.6, بطال: -2.0, بطاله: -2.0, مقرف: -2.8, مقرفه: -2.8, فاشل: -2.6, فاشله: -2.6, سخيف: -2.0, سخيفه: -2.0,
  تعبان: -1.5, تعبانه: -1.5, بطيء: -1.6, بطيئه: -1.6, بطئ: -1.6, وسخ: -2.2, وسخه: -2.2, متسخ: -2.0, غالي: -1.3,
  غاليه: -1.3, مشكله: -1.6, مشاكل: -1.6, زعلان: -2.1, زعلانه: -2.1, معصب: -2.1, غاضب: -2.3, خيبه: -2.3,
  محبط: -2.1, مخيب: -2.3, للاسف: -1.6, وقح: -2.5, وقحه: -2.5, قليل: -0.6, انتظار: -1.0, انتظرت: -1.2,
  تاخير: -1.6, متاخر: -1.3, خربان: -2.0, خربانه: -2.0, مكسور: -1.8, تالف: -2.0, غلط: -1.8, خطا: -1.8,
  شكوي: -1.8, ازعاج: -2.0, مزعج: -2.0, مزعجه: -2.0, نصب: -2.8, حرامي: -2.8, تجاهل: -2.0, تجاهلوني: -2.3,
  كارثه: -3.0, كارثي: -3.0, ماعجبني: -2.3, ندمان: -2.3, ندمت: -2.3, ضعيف: -1.8, ضعيفه: -1.8, حزين: -2.1,
  يقهر: -2.4, قهر: -2.3,
  // Arabic phrases.
  'ما شاء الله': 2.3, 'الله يعطيك العافيه': 2.2, 'يعطيك العافيه': 2.2, 'يعطيكم العافيه': 2.2, 'الله يسعدكم': 2.2,
  'خدمه ممتازه': 3.0, 'مضيعه وقت': -2.5, 'ما في مشكله': 1.0, 'مافي مشكله': 1.0, 'لا تنصح': -2.0, 'ما انصح': -2.0,
  'ما احلى': 2.8, 'ما اجمل': 2.8, 'مو بطال': 1.2, 'مش بطال': 1.2, 'مب بطال': 1.2, 'مش وحش': 1.2, 'حسبي الله': -2.8, 'اخر مره': -2.0,

  // ---- Chinese (Traditional; Simplified folds to it) ----
  好: 1.9, 很好: 2.4, 讚: 2.7, 棒: 2.7, 很棒: 3.0, 優秀: 2.8, 完美: 3.0, 滿意: 2.2, 喜歡: 2.3, 愛: 2.6, 開心: 2.5,
  高興: 2.5, 親切: 2.4, 友善: 2.3, 熱情: 2.2, 專業: 1.8, 快: 1.2, 迅速: 1.6, 乾淨: 1.6, 方便: 1.6, 推薦: 2.0,
  謝謝: 1.9, 感謝: 2.1, 貼心: 2.5, 耐心: 1.9, 漂亮: 2.4, 舒服: 1.9, 划算: 1.8, 超值: 2.3, 好吃: 2.5, 優質: 2.3,
  不錯: 1.9, 很不錯: 2.3, 沒問題: 1.0, 禮貌: 1.8, 有禮貌: 2.0, 周到: 2.2, 細心: 2.1, 值得: 1.8, 順利: 1.6,
  好用: 1.9, 厲害: 2.3, 一流: 2.8, 驚喜: 2.5, 用心: 2.2, 合理: 1.2, 還可以: 0.7, 可以: 0.4, 普通: 0, 一般: 0,
  差: -2.4, 很差: -2.8, 爛: -2.6, 糟: -2.4, 糟糕: -2.7, 失望: -2.4, 生氣: -2.3, 憤怒: -2.7, 慢: -1.5, 太慢: -2.0,
  髒: -2.1, 貴: -1.2, 太貴: -1.9, 問題: -1.2, 麻煩: -1.3, 討厭: -2.5, 難吃: -2.5, 難用: -2.2, 態度差: -2.6,
  不耐煩: -2.2, 敷衍: -2.3, 冷淡: -1.8, 無禮: -2.5, 沒禮貌: -2.4, 壞: -2.2, 壞了: -2.1, 破: -1.5, 錯: -1.6,
  錯誤: -1.8, 抱怨: -1.9, 投訴: -1.9, 等很久: -2.0, 浪費: -2.0, 後悔: -2.3, 不滿: -2.3, 不爽: -2.3, 不行: -1.9,
  垃圾: -2.8, 騙: -2.6, 噁心: -2.6, 難過: -2.1, 遺憾: -1.6, 可惜: -1.4, 粗魯: -2.5, 兇: -2.0, 擁擠: -1.2,
  再也不: -2.4, 最差: -3.0, 最好: 2.8, 超好: 2.8, 好棒: 2.9, 好差: -2.8, 不好意思: 0, 好像: 0, 好的: 0.6,
};

/** Words that turn the sentiment of the next few words around ("not good", "مو زين", "不好"). */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', "n't", 'never', 'nor', 'neither', 'without', 'hardly', 'barely', 'dont', "don't", 'didnt', "didn't",
  'isnt', "isn't", 'wasnt', "wasn't", 'arent', "aren't", 'werent', "weren't", 'cant', "can't", 'cannot', 'couldnt',
  "couldn't", 'wont', "won't", 'wouldnt', "wouldn't", 'doesnt', "doesn't", 'aint', "ain't", 'nobody', 'none',
  'لا', 'لم', 'لن', 'ليس', 'ليست', 'مو', 'مب', 'مش', 'ما', 'مهو', 'مهي', 'موب', 'غير', 'بدون', 'ولا', 'مافي',
  '不', '沒', '沒有', '無', '別', '未', '不是', '不太', '不會', '不夠',
]);

/** Words that make the next (or, in Arabic, the previous) sentiment word stronger or weaker, with their factor. */
export const INTENSIFIERS: Readonly<Record<string, number>> = {
  very: 1.3, really: 1.3, so: 1.25, extremely: 1.5, super: 1.4, too: 1.2, absolutely: 1.4, totally: 1.3,
  incredibly: 1.5, truly: 1.3, quite: 1.1, highly: 1.3, most: 1.2, completely: 1.4, utterly: 1.5,
  'a bit': 0.6, 'a little': 0.6, slightly: 0.6, somewhat: 0.7, kinda: 0.7, fairly: 0.8, rather: 0.9,
  جدا: 1.4, وايد: 1.4, مره: 1.3, مرا: 1.3, كثير: 1.3, كتير: 1.3, بزاف: 1.4, كتييير: 1.5, للغايه: 1.5, تماما: 1.3,
  اكثر: 1.2, شوي: 0.6, شويه: 0.6, نوعا: 0.7, قليلا: 0.6, حيل: 1.4, بالمره: 1.4,
  很: 1.3, 非常: 1.5, 超: 1.4, 太: 1.3, 真: 1.3, 真的: 1.3, 特別: 1.4, 十分: 1.4, 極: 1.5, 蠻: 1.1,
  挺: 1.1, 有點: 0.6, 有一點: 0.6, 稍微: 0.6, 比較: 0.9, 相當: 1.3, 最: 1.5,
};

/** Words after which the rest of the sentence counts more ("ok, but the staff were rude"). */
export const CONTRASTS: ReadonlySet<string> = new Set(['but', 'however', 'although', 'though', 'لكن', 'بس', 'الا', 'بينما', 'ولكن', '但', '但是', '可是', '不過', '只是']);

/** Emoji and emoticons with their valence. */
export const EMOJI: Readonly<Record<string, number>> = {
  '😀': 2.2, '😃': 2.2, '😄': 2.3, '😁': 2.1, '😊': 2.3, '🙂': 1.4, '😍': 2.9, '🥰': 2.9, '😘': 2.2, '🤩': 2.8,
  '👍': 2.0, '👌': 1.8, '👏': 2.1, '🙏': 1.5, '❤': 2.7, '❤️': 2.7, '💕': 2.6, '💯': 2.4, '⭐': 1.8, '🌟': 2.0,
  '🎉': 2.2, '😎': 1.5, '🤗': 2.2, '😇': 2.0, '✨': 1.5, '🔥': 1.5, '🥳': 2.5,
  '😞': -2.1, '😔': -1.9, '😢': -2.2, '😭': -2.5, '😡': -2.8, '😠': -2.6, '🤬': -3.0, '👎': -2.2, '💔': -2.5,
  '😤': -2.0, '😒': -1.8, '🙄': -1.6, '😩': -2.1, '😫': -2.1, '😑': -0.8, '😐': -0.3, '🤮': -2.8, '🤢': -2.3,
  '😕': -1.3, '🙁': -1.6, '☹': -2.0, '☹️': -2.0, '😖': -2.1, '😣': -1.8,
  ':)': 1.8, ':-)': 1.8, ':d': 2.2, ':(': -1.9, ':-(': -1.9, ":'(": -2.2, ':/': -1.0, '<3': 2.6,
};
