// What the customer reads when a person joins, leaves or times out, in the conversation's language. The rest of the
// customer's texts are in bots/customer/i18n; these belong to the agents' side because only the desk sends them.
import type { Language } from '../../core/conversation/index.js';

/** Customer-facing texts of the desk. */
export interface DeskTexts {
  agentJoined: (agentName: string) => string;
  handedBack: string;
  timedOut: string;
  queueTimedOut: string;
}

/** The desk's texts per language. */
export const deskTexts: Record<Language, DeskTexts> = {
  en: {
    agentJoined: (name) => `${name} from our team has joined the chat.`,
    handedBack: 'You are chatting with our assistant again. Type "menu" for what I can do, or "agent" to reach the team.',
    timedOut: 'Our team member has stepped away, so our assistant is back with you. Type "agent" if you still need a person.',
    queueTimedOut: 'Sorry, nobody from our team could answer in time. Our assistant is back with you; type "agent" to ask for a person again.',
  },
  ar: {
    agentJoined: (name) => `انضم ${name} من فريقنا إلى المحادثة.`,
    handedBack: 'أنت الآن تتحدث مع المساعد الآلي مرة أخرى. اكتب "القائمة" لترى ما يمكنني فعله، أو "موظف" للتواصل مع الفريق.',
    timedOut: 'ابتعد موظف الفريق قليلاً، لذا عاد المساعد الآلي إليك. اكتب "موظف" إذا كنت لا تزال بحاجة إلى شخص.',
    queueTimedOut: 'عذراً، لم يتمكن أحد من فريقنا من الرد في الوقت المناسب. عاد المساعد الآلي إليك؛ اكتب "موظف" لطلب شخص مرة أخرى.',
  },
  zh: {
    agentJoined: (name) => `我們的同事 ${name} 已加入對話。`,
    handedBack: '現在由智能助理繼續為您服務。輸入「選單」查看功能，或輸入「真人」聯絡客服團隊。',
    timedOut: '客服同事暫時離開，智能助理回來為您服務。如仍需真人協助，請輸入「真人」。',
    queueTimedOut: '抱歉，客服團隊未能及時回覆。智能助理回來為您服務；如需真人協助，請再輸入「真人」。',
  },
};

/** Texts for a stored language code; English when unknown. */
export function textsFor(language: string | null | undefined): DeskTexts {
  return deskTexts[(language ?? 'en') as Language] ?? deskTexts.en;
}

/** Right to left for Arabic script. */
export function directionOfText(text: string): 'ltr' | 'rtl' {
  const firstStrong = /[A-Za-z\u0590-\u08FF]/u.exec(text)?.[0];
  return firstStrong !== undefined && /[\u0590-\u08FF]/u.test(firstStrong) ? 'rtl' : 'ltr';
}
