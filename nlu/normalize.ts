// Text normalization shared by training, prediction and the entity parsers, so that the
// many ways customers type the same word (full-width Latin, Arabic with or without harakat,
// hamza forms, Simplified Chinese typed on a mainland keyboard) reach the model as one form.

// Harakat and other Arabic combining marks, plus the superscript alef; customers rarely type
// them, so a text with them must match a text without.
const ARABIC_MARKS = /[\u064B-\u065F\u0670]/g;
const TATWEEL = /\u0640/g;
const ALEF_VARIANTS = /[\u0622\u0623\u0625\u0671]/g; // آ أ إ ٱ
const ALEF_MAKSURA = /\u0649/g; // ى, often typed for ي at the end of a word
const TEH_MARBUTA = /\u0629/g; // ة, often typed as ه
const ARABIC_INDIC_DIGITS = /[\u0660-\u0669]/g;
const EASTERN_ARABIC_DIGITS = /[\u06F0-\u06F9]/g; // Persian/Urdu keyboards
const WHITESPACE = /\s+/gu;
// Zero-width and bidi control characters ride along when Arabic text (and numbers inside it)
// is copied between apps; they are invisible to the customer, so they must be to us.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

// Simplified → Traditional for characters our customers' phrasing uses. Deliberately a small
// one-to-one table: characters with several Traditional forms (发 → 發/髮, 干 → 乾/幹) are
// left out because a wrong fold is worse than none.
const SIMPLIFIED_TO_TRADITIONAL: Readonly<Record<string, string>> = {
  会: '會', 员: '員', 点: '點', 数: '數', 积: '積', 语: '語', 帮: '幫', 说: '說', 么: '麼',
  号: '號', 码: '碼', 们: '們', 个: '個', 这: '這', 问: '問', 题: '題', 谢: '謝', 册: '冊',
  吗: '嗎', 余: '餘', 额: '額', 询: '詢', 级: '級', 礼: '禮', 优: '優', 换: '換', 兑: '兌',
  账: '賬', 户: '戶', 还: '還', 没: '沒', 见: '見', 时: '時', 间: '間', 欢: '歡', 请: '請',
  让: '讓', 开: '開', 关: '關', 对: '對', 错: '錯', 样: '樣', 为: '為', 机: '機', 电: '電',
  话: '話', 变: '變', 选: '選', 单: '單', 务: '務', 实: '實', 现: '現', 设: '設', 签: '簽',
  办: '辦', 报: '報', 记: '記', 录: '錄', 体: '體', 简: '簡', 汉: '漢', 国: '國', 种: '種',
  从: '從', 别: '別', 终: '終', 结: '結', 进: '進', 几: '幾', 应: '應', 该: '該', 确: '確',
  认: '認', 当: '當', 钱: '錢', 买: '買', 购: '購', 给: '給', 讲: '講', 听: '聽', 门: '門',
  动: '動', 态: '態', 获: '獲', 续: '續', 东: '東', 写: '寫', 过: '過', 边: '邊', 啰: '囉',
  内: '內', 绍: '紹', 统: '統', 显: '顯', 总: '總', 计: '計', 专: '專', 属: '屬', 页: '頁',
  项: '項', 细: '細', 详: '詳', 帐: '帳', 劳: '勞', 烦: '煩', 喽: '嘍', 乐: '樂', 满: '滿',
  尔: '爾', 无: '無', 气: '氣',
};

const SIMPLIFIED_CHARS = new RegExp(`[${Object.keys(SIMPLIFIED_TO_TRADITIONAL).join('')}]`, 'gu');

/** Digits from Arabic-Indic (٠-٩) and Eastern Arabic (۰-۹) keyboards as ASCII digits; nothing else changes. */
export function toLatinDigits(text: string): string {
  return text
    .replace(ARABIC_INDIC_DIGITS, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(EASTERN_ARABIC_DIGITS, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/** Folds a message to the one form the NLU matches on: NFKC, lower case, Arabic and digit folding, Simplified → Traditional, no invisible marks, single spaces. */
export function normalizeText(text: string): string {
  const folded = toLatinDigits(text.normalize('NFKC').toLowerCase())
    .replace(INVISIBLE, '')
    .replace(ARABIC_MARKS, '')
    .replace(TATWEEL, '')
    .replace(ALEF_VARIANTS, '\u0627')
    .replace(ALEF_MAKSURA, '\u064A')
    .replace(TEH_MARBUTA, '\u0647')
    .replace(SIMPLIFIED_CHARS, (ch) => SIMPLIFIED_TO_TRADITIONAL[ch] ?? ch);
  return folded.replace(WHITESPACE, ' ').trim();
}
