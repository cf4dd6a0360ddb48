import { formatDate, formatPoints, type Catalog } from './catalog.js';

/** Traditional Chinese (Taiwan / Hong Kong usage). */
export const zh: Catalog = {
  languageName: '中文（繁體）',
  greeting: (name) => `${name ? `${name}，` : ''}您好！👋 我是會員俱樂部小幫手，可以幫您加入會員、查詢點數等等。`,
  menuPrompt: '請問需要什麼服務？',
  skipWords: ['略過', '跳過', '不用', '以後再說', '先不要'],
  buttons: {
    join: '加入會員',
    balance: '我的點數',
    language: '語言',
    help: '說明',
    yes: '是',
    no: '否',
    accept: '我同意',
    decline: '不同意',
    skip: '略過',
    cancel: '取消',
    shareContact: '📱 分享我的電話',
    optIn: '好，請寄優惠給我',
    optOut: '不用了',
  },
  help: '我可以幫您：\n• 加入會員俱樂部 — 請說「加入會員」\n• 查詢點數、等級和即將到期的點數 — 請說「我的點數」\n• 更改語言 — 請說「語言」\n隨時輸入「取消」即可停止目前的操作。',
  fallback: '抱歉，我不太明白您的意思。我可以幫您：',
  tooLong: '您的訊息太長了，可以用一兩句話告訴我嗎？',
  media: '謝謝！我目前還看不懂照片、貼圖或語音訊息，可以請您用文字輸入嗎？',
  emojiOnly: '😊 今天有什麼可以為您服務的嗎？',
  somethingWentWrong: '抱歉，系統發生錯誤，請稍後再試一次。',
  thanks: '不客氣！還有什麼可以幫您的嗎？',
  goodbye: '再見，期待很快再見到您！👋',
  chooseLanguage: '請選擇您的語言：',
  languageSet: '好的，之後我會用中文和您對話。',
  enroll: {
    intro: '太好了，馬上幫您加入會員俱樂部！不到一分鐘就能完成。',
    askName: '請問您的全名是？',
    invalidName: '請用文字輸入您的姓名（最多 80 個字）。',
    askBirthday: '請問您的生日是？例如 1990-03-12 或 1990年3月12日。',
    birthdayError: (reason) =>
      ({
        unrecognized: '我看不懂這個日期，請用 1990-03-12 或 1990年3月12日 的格式輸入。',
        impossible: '這個日期不存在，請檢查日期和月份。',
        future: '這個日期還沒到，請輸入您的出生日期。',
        too_old: '這個年份似乎太早了，請檢查一下。',
        too_young: '抱歉，年滿 13 歲才能加入會員。',
      })[reason],
    askPhone: '請問您的手機號碼（含國碼）？您可以點按鈕分享、直接輸入，或選擇略過。',
    invalidPhone: '這看起來不是有效的手機號碼，請加上國碼，例如 +886 912 345 678，或點「略過」。',
    phoneFromContact: (phone) => `謝謝，已收到您的號碼 ${phone}。`,
    askTerms: (version) => `請問您同意會員俱樂部條款（第 ${version} 版）嗎？簡單來說：消費可累積點數，點數於取得後 12 個月到期，我們會保存您的資料以經營會員計畫。`,
    termsDeclined: '沒問題。加入會員需要同意條款，所以先到這裡。隨時說「加入會員」就能再加入。',
    askMarketing: '您願意在這個對話中收到我們的優惠與最新消息嗎？這是選填的，隨時傳送「退訂」即可停止。',
    answerYesNo: '請用按鈕回答，或回覆「是」或「否」。',
    welcome: (name, code, tier) => `歡迎加入會員俱樂部，${name}！🎉 您的會員編號是 ${code}，目前等級為${tier}，點數 0 點。`,
    marketingConfirmed: (optedIn) => (optedIn ? '我們會在這裡寄送優惠給您，隨時傳送「退訂」即可取消。' : '我們不會寄送優惠給您，之後隨時可以更改。'),
    alreadyMember: (code) => `您已經是會員了（會員編號 ${code}）。以下是您的點數：`,
    cancelled: '好的，已取消加入會員，沒有儲存任何資料。',
    resume: '我們繼續完成加入會員：',
  },
  nothingToCancel: '目前沒有可以取消的操作。',
  balance: (b) => {
    const lines = [`您目前有 ${formatPoints(b.points, 'zh')} 點。`, `等級：${b.tierName}。`];
    if (b.next) lines.push(`再累積 ${formatPoints(b.next.pointsNeeded, 'zh')} 點即可升級為${b.next.tierName}。`);
    else lines.push('您已經是最高等級，感謝您的支持！');
    if (b.expiring) lines.push(`⏳ 有 ${formatPoints(b.expiring.points, 'zh')} 點將於 ${formatDate(b.expiring.date, 'zh')} 到期。`);
    lines.push(`會員編號：${b.memberCode}`);
    return lines.join('\n');
  },
  notMember: '您還不是會員喔。要加入嗎？不到一分鐘就能完成。',
};
