// Default message texts of the automations, in every language the bot speaks. {first_name}, {points}, {tier} and
// {member_code} are filled per recipient by core/campaigns at send time; {bonus}, {days} and {expires_by} belong to the
// automation and are filled here before the campaign is launched (they are the same for everyone in one period).
// Chinese is Traditional, as in the customer bot's catalog.
import type { LocalizedText } from '../../db/schema.js';
import type { SeasonalEventKey } from './seasonal-calendar.js';

/** Every text an automation sends by default. */
export const DEFAULT_TEXTS = {
  welcome: {
    en: 'Hi {first_name}, welcome to the club! 🎉 Your member number is {member_code}. Show it at checkout to earn points on every purchase, and message us here anytime to check your points and rewards.',
    ar: 'أهلاً {first_name}، يسعدنا انضمامك إلى النادي! 🎉 رقم عضويتك {member_code}. أبرزه عند الدفع لتكسب نقاطاً مع كل عملية شراء، وراسلنا هنا في أي وقت لمعرفة نقاطك ومكافآتك.',
    zh: '{first_name}您好，歡迎加入會員俱樂部！🎉 您的會員編號是 {member_code}。結帳時出示即可在每次消費累積點數，也歡迎隨時在這裡查詢點數與獎勵。',
  },
  welcomeFollowUp: {
    en: 'Hi {first_name}, you have {points} points so far, and every purchase brings you closer to your next reward. Ask us here about rewards anytime to see what your points can get you.',
    ar: 'مرحباً {first_name}، لديك الآن {points} نقطة، وكل عملية شراء تقرّبك من مكافأتك التالية. اسألنا هنا عن المكافآت في أي وقت لتعرف ما يمكنك الحصول عليه بنقاطك.',
    zh: '{first_name}您好，您目前有 {points} 點，每次消費都讓您離下一個獎勵更近一步。歡迎隨時在這裡詢問獎勵，看看您的點數可以兌換什麼。',
  },
  birthday: {
    en: "Happy birthday, {first_name}! 🎂 To celebrate, we've added {bonus} bonus points to your account, so you now have {points} points. Treat yourself this week!",
    ar: 'عيد ميلاد سعيد يا {first_name}! 🎂 احتفالاً بهذه المناسبة أضفنا {bonus} نقطة هدية إلى حسابك، ليصبح رصيدك {points} نقطة. دلّل نفسك هذا الأسبوع!',
    zh: '{first_name}，生日快樂！🎂 為了與您一起慶祝，我們已在您的帳戶加贈 {bonus} 點，您目前共有 {points} 點。這週好好犒賞自己吧！',
  },
  birthdayNoReward: {
    en: 'Happy birthday, {first_name}! 🎂 Wishing you a wonderful year ahead, and thank you for being part of our club.',
    ar: 'عيد ميلاد سعيد يا {first_name}! 🎂 نتمنى لك عاماً مليئاً بالفرح، وشكراً لكونك جزءاً من نادينا.',
    zh: '{first_name}，生日快樂！🎂 祝您新的一歲一切美好，謝謝您一直以來的支持。',
  },
  winBack: {
    en: "Hi {first_name}, we miss you! It's been a while since your last visit, and your {points} points are waiting for you. Come by and see what's new.",
    ar: 'مرحباً {first_name}، اشتقنا إليك! مرّ وقت منذ زيارتك الأخيرة، ولديك {points} نقطة بانتظارك. تفضّل بزيارتنا واكتشف كل جديد.',
    zh: '{first_name}您好，好久不見，我們很想念您！您還有 {points} 點等著使用，歡迎回來看看我們的新品。',
  },
  tierUpgrade: {
    en: "Congratulations, {first_name}! 🌟 You've reached {tier}. Enjoy your new benefits, and thank you for shopping with us.",
    ar: 'مبروك يا {first_name}! 🌟 لقد ارتقيت إلى فئة {tier}. استمتع بمزاياك الجديدة، وشكراً لتسوّقك معنا.',
    zh: '恭喜您，{first_name}！🌟 您已升級為{tier}會員，盡情享受全新禮遇，感謝您的支持。',
  },
  pointsExpiry: {
    en: 'Hi {first_name}, some of your points expire by {expires_by}. You have {points} points in all, so use them on a reward before they go.',
    ar: 'مرحباً {first_name}، تنتهي صلاحية بعض نقاطك بحلول {expires_by}. رصيدك الحالي {points} نقطة، فاستبدلها بمكافأة قبل أن تنتهي.',
    zh: '{first_name}您好，您有部分點數將於 {expires_by} 前到期。您目前共有 {points} 點，記得在到期前兌換獎勵喔。',
  },
} as const satisfies Record<string, Required<LocalizedText>>;

/** The default greeting of each seasonal event. */
export const DEFAULT_SEASONAL_TEXTS: Record<SeasonalEventKey, Required<LocalizedText>> = {
  ramadan: {
    en: 'Ramadan Kareem, {first_name}! 🌙 Wishing you and your family a blessed month. Look out for our Ramadan offers in store.',
    ar: 'رمضان كريم يا {first_name}! 🌙 نتمنى لك ولعائلتك شهراً مباركاً. ترقّب عروضنا الخاصة بشهر رمضان في متاجرنا.',
    zh: '{first_name}，齋月吉祥！🌙 祝您與家人度過平安喜樂的齋月，敬請留意門市的齋月優惠。',
  },
  'eid-al-fitr': {
    en: 'Eid Mubarak, {first_name}! 🌙 Wishing you joy and happiness with your loved ones.',
    ar: 'عيد فطر مبارك يا {first_name}! 🌙 كل عام وأنت بخير، ونتمنى لك أياماً سعيدة مع أحبّائك.',
    zh: '{first_name}，開齋節快樂！🌙 祝您與親友共度歡樂時光。',
  },
  'eid-al-adha': {
    en: 'Eid al-Adha Mubarak, {first_name}! Wishing you and your family peace and happiness.',
    ar: 'عيد أضحى مبارك يا {first_name}! كل عام وأنتم بخير، ونتمنى لك ولعائلتك السعادة والسلام.',
    zh: '{first_name}，宰牲節快樂！祝您與家人平安喜樂。',
  },
  'chinese-new-year': {
    en: 'Happy Chinese New Year, {first_name}! 🧧 Wishing you health, happiness and prosperity in the year ahead.',
    ar: 'سنة صينية جديدة سعيدة يا {first_name}! 🧧 نتمنى لك عاماً مليئاً بالصحة والسعادة والازدهار.',
    zh: '{first_name}，新年快樂！🧧 恭喜發財，祝您新的一年身體健康、萬事如意。',
  },
  'uae-national-day': {
    en: 'Happy UAE National Day, {first_name}! 🇦🇪 Celebrating the spirit of the union with you.',
    ar: 'كل عام والإمارات بخير يا {first_name}! 🇦🇪 نحتفل معك بعيد الاتحاد.',
    zh: '{first_name}，阿聯酋國慶日快樂！🇦🇪 與您一同慶祝這個團結的日子。',
  },
};

/** Locales for the dates written into texts ({expires_by}); Latin digits in Arabic, as the customer bot writes them. */
const DATE_LOCALES = { en: 'en-GB', ar: 'ar-AE-u-nu-latn', zh: 'zh-Hant-TW' } as const;

/** A calendar date (`YYYY-MM-DD`) as each language writes it: "29 November", "29 نوفمبر", "11月29日". */
export function localizedDate(date: string): Required<LocalizedText> {
  const at = Date.parse(`${date}T12:00:00Z`);
  const format = (locale: string) => new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'long' }).format(at);
  return { en: format(DATE_LOCALES.en), ar: format(DATE_LOCALES.ar), zh: format(DATE_LOCALES.zh) };
}

/**
 * Fills the automation's own variables (`values`, per language or the same in all) in every language of `texts`;
 * the per-recipient variables are left for the campaign engine.
 */
export function fillAutomationVariables(texts: LocalizedText, values: Record<string, string | LocalizedText>): LocalizedText {
  const out: LocalizedText = {};
  for (const [lang, text] of Object.entries(texts) as Array<[keyof LocalizedText, string | undefined]>) {
    if (text === undefined) continue;
    out[lang] = text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
      const value = values[name];
      if (value === undefined) return whole;
      return typeof value === 'string' ? value : (value[lang] ?? value.en ?? whole);
    });
  }
  return out;
}
